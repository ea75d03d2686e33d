package specfacts_test

import (
	"path/filepath"
	"testing"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/registry"
	"github.com/aps-mcp/aps-mcp/specfacts"
)

// TestCatalogueMatchesAutodeskSpecs checks every tool in the shipped
// tools.yaml against the facts distilled from Autodesk's OpenAPI specs:
// no problem, and no field read that a response schema lacks (a gap in
// the specs goes into the extractor's corrections, with where NOTES.md
// shows the field).
func TestCatalogueMatchesAutodeskSpecs(t *testing.T) {
	facts, err := specfacts.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := registry.Load(filepath.Join("..", "tools.yaml"), registry.LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope})
	if err != nil {
		t.Fatal(err)
	}
	problems, warnings := c.CheckSpecs(facts)
	for _, p := range problems {
		t.Errorf("%s", p)
	}
	for _, w := range warnings {
		t.Errorf("warning: %s", w)
	}
}
