package e2e_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// aecGraphQLPosts counts the requests the emulator got at the AEC Data
// Model endpoint.
func aecGraphQLPosts(emu *apsemu.Emulator) int {
	n := 0
	for _, r := range emu.Requests() {
		if r.Method == "POST" && r.Path == "/aec/graphql" {
			n++
		}
	}
	return n
}

// TestAECDesignsAndElements walks the AEC Data Model over the MCP wire as
// the ssa profile serves it: the tower project's designs by the project
// id list_projects gives, one design's walls across pages, with their
// properties, and a limit whose cursor continues the listing.
func TestAECDesignsAndElements(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))
	project := "b." + apsemuTowerIssues(emu)

	groups := items(t, callTool(t, c, "aec_list_element_groups", map[string]any{"project_id": project}))
	if got := field(groups, "name"); !slices.Equal(got, []string{"Tower – Architecture.rvt", "Tower – Structure.rvt"}) {
		t.Fatalf("designs: %v", got)
	}
	arch := groups[0]
	if toFloat(arch["version_number"]) != 4 || !strings.HasPrefix(str(arch["version_id"]), "urn:adsk.wipprod:fs.file:vf.") {
		t.Errorf("design: %v", arch)
	}
	// The design's item is the Data Management item of the same name.
	item := callTool(t, c, "get_item", map[string]any{"project_id": project, "item_id": arch["item_id"]})
	if item.isError || item.structured["name"] != "Tower – Architecture.rvt" || item.structured["tip_version_id"] != arch["version_id"] {
		t.Errorf("get_item of the design's item: %v %s", item.structured, item.text)
	}

	before := aecGraphQLPosts(emu)
	walls := items(t, callTool(t, c, "aec_query_elements", map[string]any{"element_group_id": arch["id"], "filter": "property.name.category==Walls"}))
	if len(walls) != 60 {
		t.Fatalf("%d walls, want 60", len(walls))
	}
	if posts := aecGraphQLPosts(emu) - before; posts != 2 {
		t.Errorf("60 walls in pages of 50 took %d requests", posts)
	}
	props, _ := walls[0]["properties"].([]any)
	byName := map[string]map[string]any{}
	for _, p := range props {
		pm, _ := p.(map[string]any)
		byName[str(pm["name"])] = pm
	}
	if byName["Category"]["value"] != "Walls" || toFloat(byName["Length"]["value"]) != 2.5 || byName["Length"]["units"] != "Meters" ||
		byName["Category"]["units"] != nil || walls[0]["id"] == "" || walls[0]["name"] == "" {
		t.Errorf("a wall: %v", walls[0])
	}

	filter := "'property.name.category'==Doors or property.name.category==Windows"
	first := callTool(t, c, "aec_query_elements", map[string]any{"element_group_id": arch["id"], "filter": filter, "limit": 25})
	if first.structured["truncated"] != true || len(items(t, first)) != 25 {
		t.Fatalf("limit 25: %v", first.structured["note"])
	}
	rest := callTool(t, c, "aec_query_elements", map[string]any{"element_group_id": arch["id"], "filter": filter, "cursor": first.structured["cursor"]})
	seen := map[string]bool{}
	for _, el := range append(items(t, first), items(t, rest)...) {
		seen[str(el["id"])] = true
	}
	if len(seen) != 60 || rest.structured["truncated"] != nil {
		t.Errorf("doors and windows across the cursor: %d distinct, want 60 (%v)", len(seen), rest.structured["note"])
	}
}

// TestAECErrorsReachTheModel: GraphQL's errors in APS's answer come back
// as tool errors with GraphQL's own messages; an argument the tool does
// not declare is refused before APS sees it.
func TestAECErrorsReachTheModel(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))
	project := "b." + apsemuTowerIssues(emu)
	groups := items(t, callTool(t, c, "aec_list_element_groups", map[string]any{"project_id": project}))
	id := groups[0]["id"]
	tests := []struct {
		name string
		tool string
		args map[string]any
		want string
	}{
		{"bad filter", "aec_query_elements", map[string]any{"element_group_id": id, "filter": "name==Walls"},
			`aec_query_elements failed: APS answered with GraphQL errors: Invalid filter query "name==Walls": selector "name" is not property.name.<name>`},
		{"unknown design", "aec_query_elements", map[string]any{"element_group_id": "YWVjZH5ub25lfm5vbmU", "filter": "property.name.category==Walls"},
			`was not found. (NOT_FOUND)`},
		{"project in another region", "aec_list_element_groups", map[string]any{"project_id": project, "region": "EMEA"},
			"not found in region EMEA"},
		{"undeclared argument", "aec_query_elements", map[string]any{"element_group_id": id, "filter": "x", "query": "{ hubs { results { id } } }"},
			"argument query: unknown argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := callTool(t, c, tt.tool, tt.args)
			if !r.isError || !strings.Contains(r.text, tt.want) {
				t.Errorf("got error %v: %s\nwant %q", r.isError, r.text, tt.want)
			}
		})
	}
}
