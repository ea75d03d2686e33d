package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/aps-mcp/aps-mcp/app"
)

// TestReferenceIsFresh fails when docs/tools.md no longer matches
// tools.yaml and the profiles. APS_MCP_UPDATE_DOCS=1 rewrites it.
func TestReferenceIsFresh(t *testing.T) {
	got, err := reference(app.Options{ToolsFile: filepath.Join("..", "tools.yaml"), ProfilesDir: filepath.Join("..", "profiles")})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("..", "docs", "tools.md")
	if os.Getenv("APS_MCP_UPDATE_DOCS") != "" {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run APS_MCP_UPDATE_DOCS=1 go test ./app -run Reference, or go run . docs > docs/tools.md)", err)
	}
	if !bytes.Equal(got, want) {
		t.Error("docs/tools.md is stale: run go run . docs > docs/tools.md (or APS_MCP_UPDATE_DOCS=1 go test ./app -run Reference)")
	}
}
