package registry

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/authproviders"
)

// TestEveryPathArgumentHasASource: the catalogue says, for every path
// argument of every shipped tool, which tools return its valid values,
// so a "nothing there" failure can name them.
func TestEveryPathArgumentHasASource(t *testing.T) {
	c, err := Load(filepath.Join("..", "tools.yaml"), LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]idSource{
		"list_objects.bucket_key":       {tools: []string{"list_buckets"}},
		"get_object_details.object_key": {tools: []string{"list_objects"}},
		"get_hub.hub_id":                {tools: []string{"list_hubs"}},
		"get_folder.folder_id":          {tools: []string{"list_top_folders", "list_folder_contents"}},
		"get_version.version_id":        {tools: []string{"list_item_versions"}},
		"get_manifest.urn":              {tools: []string{"get_item_tip", "get_version", "list_item_versions"}, field: "derivative_urn"},
		"get_object_tree.model_guid":    {tools: []string{"get_manifest", "list_model_views"}},
		"get_issue.issue_id":            {tools: []string{"list_issues"}},
		"list_issues.project_id":        {tools: []string{"list_projects"}}, // the collection's lister, as the description names none
	}
	for _, name := range c.Names() {
		tool := c.Tools[name]
		for _, arg := range tool.argNames {
			p := tool.Params[arg]
			if p.In != InPath {
				continue
			}
			key := name + "." + arg
			if len(p.source.tools) == 0 || slices.Contains(p.source.tools, name) {
				t.Errorf("%s: source %+v, want tools other than itself", key, p.source)
			}
			if w, ok := want[key]; ok && (!slices.Equal(p.source.tools, w.tools) || p.source.field != w.field) {
				t.Errorf("%s: source %+v, want %+v", key, p.source, w)
			}
		}
	}
}

func TestMisplacedItemID(t *testing.T) {
	design := &Param{Description: "The design: a version id or derivative_urn.", source: idSource{tools: []string{"get_item_tip", "list_item_versions"}, field: "derivative_urn"}}
	item := &Param{Description: "Id of the item (urn:adsk.wipprod:dm.lineage:…)."}
	tests := []struct {
		p     *Param
		value string
		want  string // in the note; "" for none
	}{
		{design, "urn:adsk.wipprod:dm.lineage:abc", `urn ("urn:adsk.wipprod:dm.lineage:abc") is an item (lineage) id, which names a file across its versions; ` +
			"urn takes a version: pass the derivative_urn of one of its versions, which get_item_tip or list_item_versions returns."},
		{design, "dXJuOmFkc2sud2lwZW1lYTpkbS5saW5lYWdlOmFiYw", `urn ("urn:adsk.wipemea:dm.lineage:abc") is an item (lineage) id`}, // encoded, in EMEA
		{design, "urn:adsk.wipprod:fs.file:vf.abc?version=2", ""},
		{design, "urn:adsk.objects:os.object:bucket/key", ""},
		{item, "urn:adsk.wipprod:dm.lineage:abc", ""},
	}
	for _, tc := range tests {
		got := tc.p.misplacedItemID("urn", tc.value)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("misplacedItemID(%q) = %q, want %q", tc.value, got, tc.want)
		}
	}
}
