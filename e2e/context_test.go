package e2e_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"

	"github.com/aps-mcp/aps-mcp/defaults"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestDefaultCapsFitAModelsContext: with the built-in caps, a listing far
// larger than a model takes in comes back within about 25k tokens
// (defaults.MaxResultTokens at defaults.BytesPerToken), truncated with a
// cursor, and the cursors walk every object exactly once.
func TestDefaultCapsFitAModelsContext(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	const bucket, n = "aps-mcp-e2e-big", 1500
	emu.AddBucket(apsemu.Bucket{Key: bucket, Owner: apsemu.DemoClientID, Region: "US", PolicyKey: "persistent"})
	for i := range n {
		emu.AddObject(apsemu.Object{BucketKey: bucket, Key: fmt.Sprintf("drawings/level-%02d/sheet-%04d.dwg", i%40, i), Size: int64(1000 + i), SHA1: strings.Repeat("a", 40)})
	}
	c := httpClient(t, startServer(t, base, serverOptions{}))
	seen := map[string]int{}
	args := map[string]any{"bucket_key": bucket}
	for calls := 1; ; calls++ {
		r := callTool(t, c, "list_objects", args)
		tokens := float64(len(r.text)) / defaults.BytesPerToken
		if tokens > defaults.MaxResultTokens*1.02 { // the cursor and note come on top of the capped items
			t.Fatalf("call %d: %d bytes, about %.0f tokens, over the %d-token budget", calls, len(r.text), tokens, defaults.MaxResultTokens)
		}
		for _, k := range field(items(t, r), "object_key") {
			seen[k]++
		}
		if r.structured["truncated"] != true {
			break
		}
		if calls == 1 {
			t.Logf("first result: %d items, %d bytes, about %.0f tokens", len(items(t, r)), len(r.text), tokens)
		}
		if calls > n {
			t.Fatal("cursors do not converge")
		}
		args["cursor"] = r.structured["cursor"]
	}
	checkSeenOnce(t, seen, n, "walking the cursors")
}

// TestLimitOverTheWire: limit cuts a listing, the cursor continues after
// it with another limit, and the items come in the listing's order.
func TestLimitOverTheWire(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))
	project := apsemuTowerIssues(emu)
	first := callTool(t, c, "list_issues", map[string]any{"project_id": project, "limit": 10})
	if got := field(items(t, first), "number"); len(got) != 10 || first.structured["truncated"] != true || !strings.Contains(str(first.structured["note"]), "limit of 10") {
		t.Fatalf("limit 10: %d items, %v", len(got), first.structured)
	}
	next := callTool(t, c, "list_issues", map[string]any{"project_id": project, "limit": 95, "cursor": first.structured["cursor"]})
	var numbers []int
	for _, it := range append(items(t, first), items(t, next)...) {
		numbers = append(numbers, int(toFloat(it["number"])))
	}
	want := make([]int, 105)
	for i := range want {
		want[i] = i + 1
	}
	if !slices.Equal(numbers, want) {
		t.Errorf("issue numbers across the two calls: %v", numbers)
	}
}

// TestListingFilters: the filters APS has reach it, and narrow the
// listings as they say; a lone value stands for a list of one.
func TestListingFilters(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))
	count := func(tool string, args map[string]any) int { return len(items(t, callTool(t, c, tool, args))) }

	hub := bigHub(t, emu)
	if got := field(items(t, callTool(t, c, "list_hubs", map[string]any{"name": "Contoso Construction"})), "id"); !slices.Equal(got, []string{hub}) {
		t.Errorf("list_hubs by name: %v", got)
	}
	for _, h := range items(t, callTool(t, c, "list_hubs", map[string]any{"type": "hubs:autodesk.core:Hub"})) {
		if h["type"] != "hubs:autodesk.core:Hub" {
			t.Errorf("list_hubs by type returned %v", h)
		}
	}
	var team string
	for _, h := range emu.Hubs() {
		if h.Type == "hubs:autodesk.core:Hub" {
			team = h.ID
		}
	}
	if n := count("list_projects", map[string]any{"hub_id": team, "type": []any{"projects:autodesk.bim360:Project"}}); n != 0 {
		t.Errorf("a Fusion hub's ACC projects: %d", n)
	}
	if n, all := count("list_projects", map[string]any{"hub_id": team, "type": "projects:autodesk.core:Project"}), len(emu.Projects(team)); n != all || n == 0 {
		t.Errorf("a Fusion hub's Fusion projects: %d of %d", n, all)
	}

	tower := "b." + apsemuTowerIssues(emu)
	top := map[string]any{"hub_id": hub, "project_id": tower}
	all, live := count("list_top_folders", top), count("list_top_folders", with(top, "exclude_deleted", true))
	if live >= all {
		t.Errorf("exclude_deleted: %d top folders, %d without it", live, all)
	}
	var architecture string
	for _, f := range emu.TopFolders(tower) {
		for _, e := range emu.FolderContents(tower, f.ID) {
			for _, sub := range emu.FolderContents(tower, e.ID) {
				if sub.Name == "Architecture" {
					architecture = sub.ID
				}
			}
			if e.Name == "Architecture" {
				architecture = e.ID
			}
		}
	}
	folder := map[string]any{"project_id": tower, "folder_id": architecture}
	if shown, hidden := count("list_folder_contents", folder), count("list_folder_contents", with(folder, "include_hidden", true)); hidden != shown+1 {
		t.Errorf("include_hidden: %d entries, %d without it", hidden, shown)
	}
	files := items(t, callTool(t, c, "list_folder_contents", folder))
	item := pick(t, files, "item with versions", func(e map[string]any) bool { return strings.HasPrefix(str(e["name"]), "Tower – Architecture") })
	versions := items(t, callTool(t, c, "list_item_versions", map[string]any{"project_id": tower, "item_id": item["id"], "version_number": []any{1, 3}}))
	if got := field(versions, "version_number"); len(got) != 2 {
		t.Errorf("versions 1 and 3: %v", versions)
	}

	project := apsemuTowerIssues(emu)
	issues := map[string]any{"project_id": project}
	everything := items(t, callTool(t, c, "list_issues", issues))
	open := items(t, callTool(t, c, "list_issues", with(issues, "status", "open")))
	if n := count("list_issues", with(issues, "status", []any{"open"})); n != len(open) || n == 0 || n == len(everything) {
		t.Errorf("status open as a string: %d issues, as a list: %d, of %d", len(open), n, len(everything))
	}
	for _, tc := range []struct {
		arg   string
		value any
		field string // the projected field it filters on
	}{
		{"assigned_to_type", "company", "assigned_to_type"},
		{"assigned_to", apsemu.DemoUserID, "assigned_to"},
		{"number", []any{3, 5, 8}, "number"},
		{"issue_type_id", everything[0]["issue_type_id"], "issue_type_id"},
	} {
		got := items(t, callTool(t, c, "list_issues", with(issues, tc.arg, tc.value)))
		wantValues := fmt.Sprint(tc.value)
		n := 0
		for _, is := range everything {
			if strings.Contains(wantValues, fmt.Sprint(is[tc.field])) {
				n++
			}
		}
		if len(got) != n || n == 0 || n == len(everything) {
			t.Errorf("%s %v: %d issues, want %d of %d", tc.arg, tc.value, len(got), n, len(everything))
		}
		for _, is := range got {
			if !strings.Contains(wantValues, fmt.Sprint(is[tc.field])) {
				t.Errorf("%s %v returned an issue with %s %v", tc.arg, tc.value, tc.field, is[tc.field])
			}
		}
	}
	checkFilteredByDetail(t, c, issues, "created_by", apsemu.DemoUserID, len(everything))
	types := items(t, callTool(t, c, "list_issue_types", map[string]any{"project_id": project, "active": true}))
	if retired := count("list_issue_types", map[string]any{"project_id": project, "active": false}); len(types) == 0 || retired != 0 {
		t.Errorf("active issue types: %d, retired: %d", len(types), retired)
	}
}

// checkFilteredByDetail: filtering list_issues on arg, which the listing
// does not project, keeps some issues, and get_issue shows each has it.
func checkFilteredByDetail(t *testing.T, c *client.Client, issues map[string]any, arg, value string, all int) {
	t.Helper()
	got := items(t, callTool(t, c, "list_issues", with(issues, arg, value)))
	if len(got) == 0 || len(got) == all {
		t.Fatalf("%s %s: %d of %d issues", arg, value, len(got), all)
	}
	for _, is := range got[:min(len(got), 5)] {
		detail := callTool(t, c, "get_issue", map[string]any{"project_id": issues["project_id"], "issue_id": is["id"]})
		if detail.structured[arg] != value {
			t.Errorf("%s %s returned issue %v with %s %v", arg, value, is["number"], arg, detail.structured[arg])
		}
	}
}

// with is args and one more.
func with(args map[string]any, k string, v any) map[string]any {
	out := map[string]any{k: v}
	for key, val := range args {
		out[key] = val
	}
	return out
}

// TestIssuePeopleHaveNames: every user an issue is assigned to is found
// by list_project_users, with a name.
func TestIssuePeopleHaveNames(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))
	project := apsemuTowerIssues(emu)
	assignees := map[string]bool{}
	for _, is := range items(t, callTool(t, c, "list_issues", map[string]any{"project_id": "b." + project, "assigned_to_type": "user"})) {
		assignees[str(is["assigned_to"])] = true
	}
	ids := make([]any, 0, len(assignees))
	for id := range assignees {
		ids = append(ids, id)
	}
	users := items(t, callTool(t, c, "list_project_users", map[string]any{"project_id": project, "autodesk_id": ids}))
	if len(users) != len(assignees) || len(users) < 3 {
		t.Fatalf("%d assignees, %d of them members: %v", len(assignees), len(users), users)
	}
	for _, u := range users {
		if !assignees[str(u["autodesk_id"])] || str(u["name"]) == "" || str(u["email"]) == "" {
			t.Errorf("member %v", u)
		}
	}
	if got := items(t, callTool(t, c, "list_project_users", map[string]any{"project_id": project, "name": "garcía"})); len(got) != 1 || got[0]["status"] != "pending" {
		t.Errorf("members named García: %v", got)
	}
}
