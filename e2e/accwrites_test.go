package e2e_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// editorClient serves the issues-editor profile (3lo, with writes), with
// extra appended to it when not empty, and signs the demo user in.
func editorClient(t *testing.T, base, extra string) *client.Client {
	t.Helper()
	o := serverOptions{profile: "issues-editor"}
	if extra != "" {
		body, err := os.ReadFile(filepath.Join(repoRoot, "profiles", "issues-editor.yaml"))
		must(t, err)
		o.profilesDir = t.TempDir()
		must(t, os.WriteFile(filepath.Join(o.profilesDir, "issues-editor.yaml"), append(body, "\n"+extra...), 0o600))
	}
	c := httpClient(t, startServer(t, base, o))
	browse(t, loginURL(t, callTool(t, c, "whoami", nil)))
	return c
}

// walkACCWrites raises an issue, moves it along and comments on it; raises
// an RFI and answers another; reads submittals: every write followed by a
// read that shows it. project is a Data Management project id ("b.").
func walkACCWrites(t *testing.T, w *walker, base, project string) {
	t.Helper()
	c := editorClient(t, base, "")
	subtype := firstSubtype(t, c, project)

	created := w.call(c, "create_issue", map[string]any{"project_id": project, "title": "Loose handrail – stair B",
		"issue_subtype_id": subtype, "assigned_to": apsemu.DemoUserAda, "assigned_to_type": "user", "due_date": "2026-12-24"})
	id := str(created.structured["id"])
	if created.structured["status"] != "open" || created.structured["title"] != "Loose handrail – stair B" || id == "" {
		t.Fatalf("create_issue = %s", created.text)
	}
	listed := items(t, w.call(c, "list_issues", map[string]any{"project_id": project, "search": "loose handrail"}))
	if len(listed) != 1 || listed[0]["id"] != id || listed[0]["number"] != created.structured["number"] {
		t.Errorf("list_issues finds the new issue as %v", listed)
	}
	w.call(c, "update_issue", map[string]any{"project_id": project, "issue_id": id, "status": "in_review", "due_date": "2027-01-08", "description": "Bolts missing."})
	got := w.call(c, "get_issue", map[string]any{"project_id": project, "issue_id": id})
	if got.structured["status"] != "in_review" || got.structured["due_date"] != "2027-01-08" || got.structured["description"] != "Bolts missing." ||
		got.structured["assigned_to"] != apsemu.DemoUserAda || got.structured["title"] != "Loose handrail – stair B" {
		t.Errorf("get_issue after update_issue = %s", got.text)
	}
	comment := w.call(c, "add_issue_comment", map[string]any{"project_id": project, "issue_id": id, "body": "Fixed on Monday.\nPhotos attached."})
	comments := items(t, w.call(c, "list_issue_comments", map[string]any{"project_id": project, "issue_id": id}))
	if len(comments) != 1 || comments[0]["id"] != comment.structured["id"] || comments[0]["created_by"] != apsemu.DemoUserID {
		t.Errorf("list_issue_comments after add_issue_comment = %v", comments)
	}

	rfi := w.call(c, "create_rfi", map[string]any{"project_id": project, "title": "Sleeve size at level 3", "question": "Which diameter?", "priority": "High", "due_date": "2027-01-15"})
	if rfi.structured["status"] != "draft" || rfi.structured["created_by"] != apsemu.DemoUserID {
		t.Errorf("create_rfi = %s", rfi.text)
	}
	found := items(t, w.call(c, "list_rfis", map[string]any{"project_id": project, "search": "sleeve size", "status": []any{"draft"}}))
	if len(found) != 1 || found[0]["id"] != rfi.structured["id"] {
		t.Errorf("list_rfis finds the new RFI as %v", found)
	}
	open := items(t, w.call(c, "list_rfis", map[string]any{"project_id": project, "status": []any{"open"}, "answer_status": []any{"unanswered"}}))
	if len(open) == 0 {
		t.Fatal("no open RFI to answer")
	}
	answer := w.call(c, "add_rfi_response", map[string]any{"project_id": project, "rfi_id": open[0]["id"], "text": "Use 150 mm sleeves."})
	detail := w.call(c, "get_rfi", map[string]any{"project_id": project, "rfi_id": open[0]["id"]})
	responses, _ := detail.structured["responses"].([]any)
	if !slices.ContainsFunc(responses, func(r any) bool { return r.(map[string]any)["id"] == answer.structured["id"] }) {
		t.Errorf("get_rfi after add_rfi_response: %s", detail.text)
	}

	submittals := items(t, w.call(c, "list_submittal_items", map[string]any{"project_id": project, "status_id": []any{"2"}}))
	if len(submittals) == 0 || slices.ContainsFunc(submittals, func(s map[string]any) bool { return s["status_id"] != "2" }) {
		t.Fatalf("list_submittal_items for open items: %v", submittals)
	}
	item := w.call(c, "get_submittal_item", map[string]any{"project_id": project, "item_id": submittals[0]["id"]})
	if item.structured["title"] != submittals[0]["title"] || item.structured["number"] != submittals[0]["number"] {
		t.Errorf("get_submittal_item %s vs listed %v", item.text, submittals[0])
	}
}

// firstSubtype is the id of the first subtype of the project's first
// issue type.
func firstSubtype(t *testing.T, c *client.Client, project string) string {
	t.Helper()
	types := items(t, callTool(t, c, "list_issue_types", map[string]any{"project_id": project}))
	subtypes, _ := types[0]["subtypes"].([]any)
	if len(subtypes) == 0 {
		t.Fatal("the first issue type has no subtypes")
	}
	return str(subtypes[0].(map[string]any)["id"])
}

// TestCreatesAreNotRetried: a 503 answering an issue's creation is not
// retried (APS may have created it), while a read is; and an argument the
// tool does not declare never reaches APS.
func TestCreatesAreNotRetried(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := editorClient(t, base, "retry: {max_attempts: 3, base_delay: 1ms, max_delay: 2ms, max_wait: 3s}\n")
	project := apsemuTowerIssues(emu)
	subtype := firstSubtype(t, c, project)
	sent := func(method, suffix string) int {
		n := 0
		for _, r := range emu.Requests() {
			if r.Method == method && strings.HasSuffix(r.Path, suffix) {
				n++
			}
		}
		return n
	}
	before := emu.Issues(project)
	create := map[string]any{"project_id": project, "title": "t", "issue_subtype_id": subtype}

	extra := map[string]any{"priority": "high"}
	for k, v := range create {
		extra[k] = v
	}
	if r := callTool(t, c, "create_issue", extra); !r.isError || !strings.Contains(r.text, "priority") {
		t.Errorf("an undeclared argument: %s", r.text)
	}
	if n := sent("POST", "/issues"); n != 0 {
		t.Errorf("%d POSTs reached APS for a refused call", n)
	}

	emu.SetFaults(apsemu.Faults{Rate503: 1})
	if r := callTool(t, c, "create_issue", create); !r.isError || !strings.Contains(r.text, "503") {
		t.Errorf("create_issue under 503s: %s", r.text)
	}
	if n := sent("POST", "/issues"); n != 1 {
		t.Errorf("create_issue sent %d POSTs under 503s, want 1 (no retry)", n)
	}
	if r := callTool(t, c, "get_issue", map[string]any{"project_id": project, "issue_id": before[0].ID}); !r.isError {
		t.Errorf("get_issue under 503s: %s", r.text)
	}
	if n := sent("GET", "/issues/"+before[0].ID); n != 3 {
		t.Errorf("get_issue sent %d requests under 503s, want 3 (retried up to max_attempts)", n)
	}
	emu.SetFaults(apsemu.Faults{})
	if after := emu.Issues(project); len(after) != len(before) {
		t.Errorf("%d issues after the refused creations, %d before", len(after), len(before))
	}
}
