package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestNarrowedToolsetIsReported: scopes that leave out some tools of a
// toolset the profile includes (it is not read-only, so it meant to have
// the writes) are a warning naming them, at the include's line, from Load
// and in the log when the server starts.
func TestNarrowedToolsetIsReported(t *testing.T) {
	dir := t.TempDir()
	profile := "auth:\n  kind: 2lo\n  scopes: [bucket:read, data:read]\nserver: {addr: 127.0.0.1:5000}\ntools:\n  include: [model-derivative, oss]\n  read_only: false\n"
	if err := os.WriteFile(filepath.Join(dir, "narrow.yaml"), []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	wantMD := filepath.Join(dir, "narrow.yaml") + ":6: profile narrow: field tools.include.0: toolset model-derivative comes without " +
		"start_translation: the profile's scopes lack data:write data:create"
	want := filepath.Join(dir, "narrow.yaml") + ":6: profile narrow: field tools.include.1: toolset oss comes without " +
		"create_bucket: the profile's scopes lack bucket:create; delete_object, upload_object: the profile's scopes lack data:write"
	opts := Options{ToolsFile: filepath.Join("..", "tools.yaml"), ProfilesDir: dir, Profile: "narrow", NoReload: true,
		Env: config.EnvFromMap(map[string]string{"APS_CLIENT_ID": apsemu.DemoClientID, "APS_CLIENT_SECRET": apsemu.DemoClientSecret})}
	loaded, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Warnings) != 2 || loaded.Warnings[0].String() != wantMD || loaded.Warnings[1].String() != want {
		t.Errorf("warnings %v\nwant %s\nand  %s", loaded.Warnings, wantMD, want)
	}
	var logs bytes.Buffer
	opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	a, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "toolset oss comes without create_bucket") {
		t.Errorf("the start-up log does not warn of the narrowed toolset:\n%s", logs.String())
	}
}
