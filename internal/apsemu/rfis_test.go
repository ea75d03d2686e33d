package apsemu

import (
	"net/http"
	"testing"
)

// rfisURL is an RFIs v3 URL of a project; rest starts with "/".
func rfisURL(base, projectID, rest string) string {
	return base + "/construction/rfis/v3/projects/" + projectID + rest
}

// searchRFIs posts a search:rfis body and decodes the list.
func searchRFIs(t *testing.T, base, project, token, body string) issuesListJSON {
	t.Helper()
	r := send(t, http.MethodPost, rfisURL(base, project, "/search:rfis"), token, body, "Content-Type", "application/json")
	if r.status != http.StatusOK {
		t.Fatalf("search %s: %d %s", body, r.status, r.body)
	}
	var doc issuesListJSON
	decodeInto(t, r.body, &doc)
	if doc.Pagination == nil || doc.Results == nil {
		t.Fatalf("search %s: not a list: %s", body, r.body)
	}
	return doc
}

func TestSearchRFIs(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	project := demoIssuesProjectID()
	all := searchRFIs(t, base, project, token, `{}`)
	if n := len(demoRFITitles()); all.Pagination.TotalResults != n || len(all.Results) != n || all.Pagination.Limit != rfiDefaultLimit {
		t.Fatalf("empty search: %+v, %d results", all.Pagination, len(all.Results))
	}
	page := searchRFIs(t, base, project, token, `{"limit":2,"offset":2}`)
	if len(page.Results) != 2 || page.Results[0]["id"] != all.Results[2]["id"] {
		t.Errorf("second page of two: %v", page.Results)
	}
	for _, tc := range []struct {
		body string
		want func(r map[string]any) bool
	}{
		{`{"filter":{"status":["open"]}}`, func(r map[string]any) bool { return r["status"] == "open" }},
		{`{"filter":{"status":"answered"}}`, func(r map[string]any) bool { return r["status"] == "answered" }},
		{`{"filter":{"officialResponseStatus":["answered"]}}`, func(r map[string]any) bool { return r["officialResponse"] != "" }},
		{`{"search":"façade"}`, func(r map[string]any) bool { return r["title"] == "Façade anchor spacing" }},
	} {
		got := searchRFIs(t, base, project, token, tc.body).Results
		if len(got) == 0 || len(got) == len(all.Results) {
			t.Errorf("%s: %d of %d results", tc.body, len(got), len(all.Results))
		}
		for _, r := range got {
			if !tc.want(r) {
				t.Errorf("%s returned %v", tc.body, r)
			}
		}
	}
	desc := searchRFIs(t, base, project, token, `{"sort":[{"field":"createdAt","order":"DESC"}]}`).Results
	if desc[0]["id"] != all.Results[len(all.Results)-1]["id"] {
		t.Errorf("createdAt DESC starts with %v", desc[0]["title"])
	}
	for _, body := range []string{`{"limit":0}`, `{"limit":201}`, `{"filter":{"status":["pending"]}}`, `{"sort":[{"field":"colour","order":"ASC"}]}`, `{"unknown":1}`, `[]`} {
		r := send(t, http.MethodPost, rfisURL(base, project, "/search:rfis"), token, body, "Content-Type", "application/json")
		wantIssuesError(t, r, http.StatusBadRequest, "")
	}
}

// TestRFIWritesShowInReads: a created RFI is searched and read back as
// sent; a response shows in GET rfis/:rfiId, and a second draft of the
// same user replaces the first.
func TestRFIWritesShowInReads(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read data:write")
	project := demoIssuesProjectID()
	r := send(t, http.MethodPost, rfisURL(base, project, "/rfis"), token,
		`{"title":"Sleeve size at level 3","question":"Which diameter?","status":"draft","priority":"High","dueDate":"2027-01-15"}`, "Content-Type", "application/json")
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	created := r.object(t)
	id, _ := created["id"].(string)
	if created["status"] != "draft" || created["createdBy"] != testSAID || created["customIdentifier"] != "008" || created["officialResponseStatus"] != "unanswered" {
		t.Errorf("created: %s", r.body)
	}
	if got := searchRFIs(t, base, project, token, `{"filter":{"id":["`+id+`"]}}`).Results; len(got) != 1 || got[0]["title"] != "Sleeve size at level 3" {
		t.Errorf("search by id: %v", got)
	}
	if r := send(t, http.MethodPost, rfisURL(base, project, "/rfis/"+id+"/responses"), token, `{"text":"x"}`, "Content-Type", "application/json"); r.status != http.StatusBadRequest {
		t.Errorf("responding to a draft: %d %s", r.status, r.body)
	}

	open := searchRFIs(t, base, project, token, `{"filter":{"status":["open"]}}`).Results[0]["id"].(string)
	for _, body := range []string{`{"text":"First try","state":"draft"}`, `{"text":"Use 150 mm","state":"draft"}`, `{"text":"Use 150 mm sleeves."}`} {
		if r := send(t, http.MethodPost, rfisURL(base, project, "/rfis/"+open+"/responses"), token, body, "Content-Type", "application/json"); r.status != http.StatusCreated {
			t.Fatalf("respond %s: %d %s", body, r.status, r.body)
		}
	}
	got := issuesGet(t, rfisURL(base, project, "/rfis/"+open), token, http.StatusOK).object(t)
	responses, _ := got["responses"].([]any)
	drafts, _ := got["draftResponses"].([]any)
	if len(responses) != 1 || len(drafts) != 0 || responses[0].(map[string]any)["text"] != "Use 150 mm sleeves." {
		t.Errorf("responses %v, drafts %v", responses, drafts)
	}
	if r := issuesGet(t, rfisURL(base, project, "/rfis/"+demoUUID("none")), token, http.StatusNotFound); r.status != http.StatusNotFound {
		t.Errorf("unknown RFI: %d", r.status)
	}
	for _, body := range []string{`{"status":"draft"}`, `{"title":"t","status":"open"}`, `{"title":"t","status":"draft","priority":"Urgent"}`, `{"title":"t","status":"draft","reference":"123456789012345678901"}`} {
		r := send(t, http.MethodPost, rfisURL(base, project, "/rfis"), token, body, "Content-Type", "application/json")
		wantIssuesError(t, r, http.StatusBadRequest, "")
	}
}

func TestSubmittalItems(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	items := base + "/construction/submittals/v2/projects/" + demoIssuesProjectID() + "/items"
	var first struct {
		Pagination adminPagination  `json:"pagination"`
		Results    []map[string]any `json:"results"`
	}
	decodeInto(t, issuesGet(t, items+"?limit=5", token, http.StatusOK).body, &first)
	if first.Pagination.TotalResults != 12 || len(first.Results) != 5 || first.Pagination.NextURL == "" {
		t.Fatalf("first page: %+v", first.Pagination)
	}
	var open struct{ Results []map[string]any }
	decodeInto(t, issuesGet(t, items+"?filter[statusId]=2", token, http.StatusOK).body, &open)
	for _, it := range open.Results {
		if it["statusId"] != "2" {
			t.Errorf("filter[statusId]=2 returned %v", it["statusId"])
		}
	}
	if len(open.Results) == 0 || len(open.Results) == 12 {
		t.Errorf("%d open items of 12", len(open.Results))
	}
	one := issuesGet(t, items+"/"+first.Results[0]["id"].(string), token, http.StatusOK).object(t)
	if one["title"] != first.Results[0]["title"] {
		t.Errorf("GET item %v vs listed %v", one["title"], first.Results[0]["title"])
	}
	wantIssuesError(t, issuesGet(t, items+"/"+demoUUID("none"), token, http.StatusNotFound), http.StatusNotFound, "submittal item")
	wantIssuesError(t, issuesGet(t, items+"?limit=51", token, http.StatusBadRequest), http.StatusBadRequest, "limit")
	wantIssuesError(t, issuesGet(t, items+"?filter[statusId]=9", token, http.StatusBadRequest), http.StatusBadRequest, "filter[statusId]")
}
