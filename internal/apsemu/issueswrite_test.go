package apsemu

import (
	"net/http"
	"strings"
	"testing"
)

// TestIssueWritesShowInReads: an issue created with POST is listed and
// read back as sent, a PATCH changes what GET returns, and a comment
// appears in the issue's comments and its count.
func TestIssueWritesShowInReads(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read data:write")
	project := demoIssuesProjectID()
	subtype := issueTypesFor(project)[0].Subtypes[0]
	before := issuesList(t, issuesURL(base, project, "/issues?limit=1"), token).Pagination.TotalResults

	r := send(t, http.MethodPost, issuesURL(base, project, "/issues"), token,
		`{"title":"Loose tile – lobby","description":"Found on the walk.","issueSubtypeId":"`+subtype.ID+`","status":"open",`+
			`"assignedTo":"`+DemoUserAda+`","assignedToType":"user","dueDate":"2026-12-24"}`, "Content-Type", "application/json")
	if r.status != http.StatusOK {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	created := r.object(t)
	wantKeys(t, "the created issue", created, issueKeys...)
	id, _ := created["id"].(string)
	if created["displayId"] != float64(demoBigProjectIssues+1) || created["createdBy"] != testSAID || created["issueTypeId"] != issueTypesFor(project)[0].ID {
		t.Errorf("created issue: %s", r.body)
	}
	if after := issuesList(t, issuesURL(base, project, "/issues?limit=1"), token).Pagination.TotalResults; after != before+1 {
		t.Errorf("totalResults %d after creating, %d before", after, before)
	}
	if found := issuesList(t, issuesURL(base, project, "/issues?filter[search]=loose+tile"), token).Results; len(found) != 1 || found[0]["id"] != id {
		t.Errorf("searching for the new issue found %v", found)
	}

	r = send(t, http.MethodPatch, issuesURL(base, project, "/issues/"+id), token, `{"status":"in_review","dueDate":"2027-01-08","title":"Loose tile"}`,
		"Content-Type", "application/json")
	if r.status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	got := issuesGet(t, issuesURL(base, project, "/issues/"+id), token, http.StatusOK).object(t)
	if got["status"] != "in_review" || got["dueDate"] != "2027-01-08" || got["title"] != "Loose tile" || got["description"] != "Found on the walk." || got["assignedTo"] != DemoUserAda {
		t.Errorf("after the patch: %v", got)
	}

	r = send(t, http.MethodPost, issuesURL(base, project, "/issues/"+id+"/comments"), token, `{"body":"Fixed on Monday."}`, "Content-Type", "application/json")
	if r.status != http.StatusCreated || r.object(t)["body"] != "Fixed on Monday." {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	comments := issuesList(t, issuesURL(base, project, "/issues/"+id+"/comments"), token).Results
	if len(comments) != 1 || comments[0]["body"] != "Fixed on Monday." || comments[0]["createdBy"] != testSAID {
		t.Errorf("comments: %v", comments)
	}
	if got := issuesGet(t, issuesURL(base, project, "/issues/"+id), token, http.StatusOK).object(t); got["commentCount"] != float64(1) {
		t.Errorf("commentCount = %v", got["commentCount"])
	}
}

// TestIssueWritesRefuse: bad bodies are 400s naming the fault, unknown
// issues 404, and a token without data:write 403 before anything changes.
func TestIssueWritesRefuse(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read data:write")
	readOnly := userToken(t, e, base, "data:read")
	project := demoIssuesProjectID()
	subtype := issueTypesFor(project)[0].Subtypes[0].ID
	issue := e.Issues(project)[0] // open: it may go to in_review or closed, not to pending
	tests := []struct {
		name, method, path, token, body string
		status                          int
		detail                          string
	}{
		{"no title", "POST", "/issues", token, `{"issueSubtypeId":"` + subtype + `","status":"open"}`, 400, "title"},
		{"no subtype", "POST", "/issues", token, `{"title":"t","status":"open"}`, 400, "issueSubtypeId"},
		{"unknown subtype", "POST", "/issues", token, `{"title":"t","status":"open","issueSubtypeId":"` + demoUUID("none") + `"}`, 400, "issueSubtypeId"},
		{"unknown field", "POST", "/issues", token, `{"title":"t","status":"open","issueSubtypeId":"` + subtype + `","secret":1}`, 400, "JSON object"},
		{"assignee without type", "POST", "/issues", token, `{"title":"t","status":"open","issueSubtypeId":"` + subtype + `","assignedTo":"X"}`, 400, "assignedToType"},
		{"bad due date", "POST", "/issues", token, `{"title":"t","status":"open","issueSubtypeId":"` + subtype + `","dueDate":"24.12.2026"}`, 400, "YYYY-MM-DD"},
		{"not JSON", "POST", "/issues", token, `title=t`, 400, "JSON object"},
		{"status not permitted", "PATCH", "/issues/" + issue.ID, token, `{"status":"pending"}`, 400, "permittedStatuses"},
		{"unknown issue", "PATCH", "/issues/" + demoUUID("none"), token, `{"title":"x"}`, 404, "issue"},
		{"empty comment", "POST", "/issues/" + issue.ID + "/comments", token, `{"body":"  "}`, 400, "body"},
		{"comment on unknown issue", "POST", "/issues/" + demoUUID("none") + "/comments", token, `{"body":"x"}`, 404, "issue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := send(t, tc.method, issuesURL(base, project, tc.path), tc.token, tc.body, "Content-Type", "application/json")
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			wantIssuesError(t, r, tc.status, tc.detail)
		})
	}
	r := send(t, http.MethodPatch, issuesURL(base, project, "/issues/"+issue.ID), readOnly, `{"title":"x"}`, "Content-Type", "application/json")
	if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "AUTH-010") {
		t.Errorf("a data:read token patching: %d %s", r.status, r.body)
	}
	if got := e.Issues(project)[0]; got.Title != issue.Title || got.Status != issue.Status {
		t.Errorf("a refused write changed the issue: %+v", got)
	}
}
