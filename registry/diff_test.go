package registry

import (
	"slices"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	load := func(body string) []*Tool {
		t.Helper()
		c, err := Load(writeCatalog(t, body), testLoadOptions)
		if err != nil {
			t.Fatal(err)
		}
		tools, errs, _ := c.Select(Selection{Kind: "2lo", Scopes: []string{"data:read"}})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		return tools
	}
	another := func(name string) string {
		return strings.Replace(goodTool[strings.Index(goodTool, "  list_objects:"):], "list_objects:", name+":", 1)
	}
	before := load(goodTool + another("list_more") + another("list_gone"))
	after := load(strings.Replace(goodTool, "maximum: 100", "maximum: 50", 1) + another("list_more") + another("list_new"))

	got := Diff(before, after)
	if !slices.Equal(got.Added, []string{"list_new"}) || !slices.Equal(got.Removed, []string{"list_gone"}) ||
		!slices.Equal(got.Changed, []string{"list_objects"}) {
		t.Errorf("Diff = %+v, want list_new added, list_gone removed, list_objects changed", got)
	}
	if same := Diff(before, load(goodTool+another("list_more")+another("list_gone"))); same.Added != nil || same.Removed != nil || same.Changed != nil {
		t.Errorf("Diff of two loads of one file = %+v, want nothing", same)
	}
	if all := Diff(before, nil); len(all.Removed) != 3 || all.Added != nil {
		t.Errorf("Diff to nothing = %+v, want all three removed", all)
	}
}
