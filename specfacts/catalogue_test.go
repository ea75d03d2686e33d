package specfacts_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/registry"
	"github.com/aps-mcp/aps-mcp/specfacts"
)

// TestCatalogueMatchesAutodeskSpecs checks every tool in the shipped
// tools.yaml against the facts distilled from Autodesk's OpenAPI specs.
func TestCatalogueMatchesAutodeskSpecs(t *testing.T) {
	facts, err := specfacts.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := registry.Load(filepath.Join("..", "tools.yaml"), registry.LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range c.Names() {
		for _, p := range facts.Check(specTool(c.Tools[name])) {
			t.Errorf("%s", p)
		}
	}
}

// specTool describes a registry tool the way the checker reads it.
func specTool(t *registry.Tool) specfacts.Tool {
	st := specfacts.Tool{Name: t.Name, Method: t.Method, Path: t.Path}
	for arg, p := range t.Params {
		sp := specfacts.Param{Name: p.WireName(arg), In: p.In, Required: p.Required}
		for _, e := range p.Enum {
			sp.Enum = append(sp.Enum, fmt.Sprint(e))
		}
		st.Params = append(st.Params, sp)
	}
	for h := range t.Headers {
		st.Params = append(st.Params, specfacts.Param{Name: h, In: specfacts.InHeader})
	}
	if pg := t.Paginate; pg != nil {
		st.PageSizeParam, st.OffsetParam = pg.PageSizeParam, pg.OffsetParam
	}
	return st
}
