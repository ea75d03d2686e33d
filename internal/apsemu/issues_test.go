package apsemu

import (
	"cmp"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// issuesListJSON decodes an Issues list, keeping each result raw.
type issuesListJSON struct {
	Pagination *struct {
		Limit        int `json:"limit"`
		Offset       int `json:"offset"`
		TotalResults int `json:"totalResults"`
	} `json:"pagination"`
	Results []map[string]any `json:"results"`
}

// issueKeys are the members of examples/issues.getIssues.200.synthesized.json.
var issueKeys = []string{
	"assignedTo", "assignedToType", "attachmentCount", "closedAt", "closedBy", "commentCount", "containerId",
	"createdAt", "createdBy", "customAttributes", "deleted", "description", "displayId", "dueDate", "gpsCoordinates",
	"id", "issueSubtypeId", "issueTemplateId", "issueTypeId", "linkedDocuments", "links", "locationDetails", "locationId",
	"officialResponse", "openedAt", "openedBy", "ownerId", "permittedActions", "permittedAttributes", "permittedStatuses",
	"published", "rootCauseId", "snapshotHasMarkups", "snapshotUrn", "startDate", "status", "title", "updatedAt",
	"updatedBy", "watchers",
}

// issuesURL is an Issues URL of a project; rest starts with "/".
func issuesURL(base, projectID, rest string) string {
	return base + "/construction/issues/v1/projects/" + projectID + rest
}

// issuesGet GETs an Issues URL with optional header name, value pairs and
// checks the status and the content type.
func issuesGet(t *testing.T, rawURL, token string, status int, header ...string) testResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	r := do(t, req)
	if r.status != status {
		t.Fatalf("GET %s: status %d, want %d; body %s", rawURL, r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("GET %s: Content-Type = %q", rawURL, ct)
	}
	return r
}

// issuesList GETs an Issues list and decodes it.
func issuesList(t *testing.T, rawURL, token string, header ...string) issuesListJSON {
	t.Helper()
	var doc issuesListJSON
	decodeInto(t, issuesGet(t, rawURL, token, http.StatusOK, header...).body, &doc)
	if doc.Pagination == nil || doc.Results == nil {
		t.Fatalf("GET %s: not an Issues list", rawURL)
	}
	return doc
}

// wantIssuesError checks an Issues error body.
func wantIssuesError(t *testing.T, r testResponse, status int, detailHas string) {
	t.Helper()
	m := r.object(t)
	detail, _ := m["detail"].(string)
	if len(m) != 2 || m["title"] != http.StatusText(status) || !strings.Contains(detail, detailHas) {
		t.Fatalf("body = %s, want title %q and a detail containing %q", r.body, http.StatusText(status), detailHas)
	}
}

// walkIssues follows offset pagination from query until offset reaches
// totalResults and returns every result and the number of pages.
func walkIssues(t *testing.T, list, query, token string, limit int) ([]map[string]any, int) {
	t.Helper()
	var all []map[string]any
	pages, offset := 0, 0
	for {
		if pages > 300 {
			t.Fatal("pagination does not end")
		}
		q, _ := url.ParseQuery(query)
		q.Set("offset", strconv.Itoa(offset))
		doc := issuesList(t, list+"?"+q.Encode(), token)
		pages++
		p := doc.Pagination
		if p.Limit != limit || p.Offset != offset {
			t.Fatalf("page %d: pagination %+v, want limit %d offset %d", pages, *p, limit, offset)
		}
		if want := min(limit, max(p.TotalResults-offset, 0)); len(doc.Results) != want {
			t.Fatalf("page %d holds %d results, want %d", pages, len(doc.Results), want)
		}
		all = append(all, doc.Results...)
		offset += limit
		if offset >= p.TotalResults {
			if len(all) != p.TotalResults {
				t.Fatalf("walked %d results, totalResults %d", len(all), p.TotalResults)
			}
			return all, pages
		}
	}
}

// issueIDs lists the id of every issue.
func issueIDs(issues []map[string]any) []string {
	out := make([]string, 0, len(issues))
	for _, is := range issues {
		id, _ := is["id"].(string)
		out = append(out, id)
	}
	return out
}

// allIssues walks a project's issues in pages of 100.
func allIssues(t *testing.T, base, projectID, token string) []map[string]any {
	t.Helper()
	all, _ := walkIssues(t, issuesURL(base, projectID, "/issues"), "limit=100", token, 100)
	return all
}

func TestWalkIssues(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	project := demoIssuesProjectID()
	want := e.Issues(project)
	if len(want) < 200 {
		t.Fatalf("big project has %d issues, want more than two pages", len(want))
	}
	var wantIDs []string
	for i, is := range want {
		wantIDs = append(wantIDs, is.ID)
		if is.DisplayID != i+1 || is.ProjectID != project {
			t.Fatalf("Issues()[%d] = %+v", i, is)
		}
	}
	list := issuesURL(base, project, "/issues")
	tests := []struct {
		name  string
		query string
		limit int
		pages int
	}{
		{"limit 37", "limit=37", 37, 7},
		{"default limit", "", 100, 3},
		{"limit 100 with a region", "limit=100", 100, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, pages := walkIssues(t, list, tt.query, token, tt.limit)
			if pages != tt.pages {
				t.Errorf("pages = %d, want %d", pages, tt.pages)
			}
			if ids := issueIDs(got); !slices.Equal(ids, wantIDs) {
				t.Fatalf("walked %d issues, want the %d of Issues() in displayId order", len(ids), len(wantIDs))
			}
			for i, is := range got {
				if is["displayId"] != float64(want[i].DisplayID) || is["title"] != want[i].Title ||
					is["status"] != want[i].Status || is["issueTypeId"] != want[i].IssueTypeID {
					t.Fatalf("issue %d = %v, want %+v", i, is, want[i])
				}
			}
		})
	}

	t.Run("past the end", func(t *testing.T) {
		r := issuesGet(t, list+"?offset=230&limit=10", token, http.StatusOK)
		if want := `{"pagination":{"limit":10,"offset":230,"totalResults":230},"results":[]}`; string(r.body) != want {
			t.Errorf("body = %s, want %s", r.body, want)
		}
	})

	t.Run("statuses and types vary", func(t *testing.T) {
		statuses, types := map[string]int{}, map[string]int{}
		for _, is := range want {
			statuses[is.Status]++
			types[is.IssueTypeID]++
		}
		if len(statuses) != 9 || len(types) != 3 {
			t.Errorf("statuses %v, types %v: want all nine statuses and three types", statuses, types)
		}
	})
}

func TestIssueResource(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	for _, project := range []string{demoIssuesProjectID(), demoSmallIssuesProjectID()} {
		listed := allIssues(t, base, project, token)
		want := e.Issues(project)
		if len(listed) != len(want) || len(want) == 0 {
			t.Fatalf("project %s: %d issues listed, want %d", project, len(listed), len(want))
		}
		for i, is := range listed {
			keys := make([]string, 0, len(is))
			for k := range is {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, issueKeys) {
				t.Fatalf("issue members = %v\nwant %v", keys, issueKeys)
			}
			if is["id"] != want[i].ID || is["containerId"] != project || is["deleted"] != false {
				t.Fatalf("issue %d = %v", i, is)
			}
			if !uuidPattern.MatchString(want[i].ID) {
				t.Errorf("issue id %q is not a UUID", want[i].ID)
			}
			if i%50 != 0 {
				continue // a few GETs are enough
			}
			var one map[string]any
			decodeInto(t, issuesGet(t, issuesURL(base, project, "/issues/"+want[i].ID), token, http.StatusOK).body, &one)
			if !reflect.DeepEqual(one, is) {
				t.Errorf("GET issue %d = %v\nwant the listed %v", want[i].DisplayID, one, is)
			}
		}
	}

	// The first demo issue, member by member where the seed fixes them.
	first := allIssues(t, base, demoIssuesProjectID(), token)[0]
	for k, v := range map[string]any{
		"displayId": 1.0, "status": "open", "published": true, "snapshotUrn": nil, "officialResponse": nil,
		"commentCount": float64(demoBusyIssueComments), "attachmentCount": 0.0, "closedAt": nil,
		"permittedStatuses": []any{"open", "in_review", "closed"}, "permittedActions": map[string]any{},
		"linkedDocuments": []any{}, "customAttributes": []any{}, "snapshotHasMarkups": false,
	} {
		if !reflect.DeepEqual(first[k], v) {
			t.Errorf("%s = %#v, want %#v", k, first[k], v)
		}
	}
	for _, k := range []string{"createdAt", "updatedAt", "openedAt"} {
		if s, _ := first[k].(string); len(s) != len("2026-01-05T10:00:00.000Z") || !strings.HasSuffix(s, "Z") {
			t.Errorf("%s = %q, want ISO 8601 with milliseconds", k, s)
		}
	}
}

func TestIssuesFilters(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	project := demoIssuesProjectID()
	all := allIssues(t, base, project, token)
	firstType := e.Issues(project)[0].IssueTypeID
	var rootCause string
	for _, is := range all {
		if rc, ok := is["rootCauseId"].(string); ok {
			rootCause = rc
			break
		}
	}
	str := func(is map[string]any, k string) string { s, _ := is[k].(string); return s }
	tests := []struct {
		name  string
		query string
		keep  func(is map[string]any) bool
	}{
		{"one status", "filter[status]=open", func(is map[string]any) bool { return is["status"] == "open" }},
		{"two statuses, encoded", "filter%5Bstatus%5D=open%2Cclosed", func(is map[string]any) bool { return is["status"] == "open" || is["status"] == "closed" }},
		{"repeated status", "filter[status]=draft&filter[status]=in_dispute", func(is map[string]any) bool { return is["status"] == "draft" || is["status"] == "in_dispute" }},
		{"issue type", "filter[issueTypeId]=" + firstType, func(is map[string]any) bool { return is["issueTypeId"] == firstType }},
		{"assignee", "filter[assignedTo]=" + DemoUserID, func(is map[string]any) bool { return is["assignedTo"] == DemoUserID }},
		{"unassigned", "filter[assignedToType]=null", func(is map[string]any) bool { return is["assignedToType"] == nil }},
		{"company or role", "filter[assignedToType]=company,role", func(is map[string]any) bool { return is["assignedToType"] == "company" }},
		{"search is case-insensitive", "filter[search]=LEAKING", func(is map[string]any) bool { return strings.Contains(str(is, "title"), "Leaking") }},
		{"search non-ASCII", "filter[search]=" + url.QueryEscape("FAÇADE"), func(is map[string]any) bool { return strings.Contains(strings.ToLower(str(is, "title")), "façade") }},
		{"search a display id", "filter[search]=42", func(is map[string]any) bool {
			return is["displayId"] == 42.0 || strings.Contains(str(is, "title"), "42")
		}},
		{"display ids", "filter[displayId]=1,5,230,999", func(is map[string]any) bool { return slices.Contains([]any{1.0, 5.0, 230.0}, is["displayId"]) }},
		{"root cause", "filter[rootCauseId]=" + rootCause, func(is map[string]any) bool { return is["rootCauseId"] == rootCause }},
		{"filters combine", "filter[status]=open&filter[issueTypeId]=" + firstType + "&filter[search]=lobby",
			func(is map[string]any) bool {
				return is["status"] == "open" && is["issueTypeId"] == firstType && strings.Contains(str(is, "title"), "lobby")
			}},
		{"not deleted", "filter[deleted]=false", func(map[string]any) bool { return true }},
		{"deleted", "filter[deleted]=true", func(map[string]any) bool { return false }},
		{"no match", "filter[id]=nope", func(map[string]any) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []map[string]any
			for _, is := range all {
				if tt.keep(is) {
					want = append(want, is)
				}
			}
			// walkIssues checks totalResults against what the walk yields.
			got, _ := walkIssues(t, issuesURL(base, project, "/issues"), tt.query+"&limit=100", token, 100)
			if !slices.Equal(issueIDs(got), issueIDs(want)) {
				t.Fatalf("got %d issues, want %d", len(got), len(want))
			}
			if len(want) == 0 && tt.name != "deleted" && tt.name != "no match" {
				t.Fatal("the seed has nothing this filter finds")
			}
		})
	}

	t.Run("filtered and paged", func(t *testing.T) {
		var open []map[string]any
		for _, is := range all {
			if is["status"] == "open" {
				open = append(open, is)
			}
		}
		doc := issuesList(t, issuesURL(base, project, "/issues?filter[status]=open&limit=10&offset=5"), token)
		if doc.Pagination.TotalResults != len(open) || !slices.Equal(issueIDs(doc.Results), issueIDs(open[5:15])) {
			t.Errorf("pagination %+v, ids %v", *doc.Pagination, issueIDs(doc.Results))
		}
	})
}

func TestIssuesSort(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	project := demoIssuesProjectID()
	all := allIssues(t, base, project, token)
	titles := map[string]string{}
	for _, it := range issueTypesFor(project) {
		titles[it.ID] = it.Title
	}
	// Independent comparators: text case-insensitively then byte-wise,
	// nulls after values.
	text := func(k string) func(a, b map[string]any) int {
		return func(a, b map[string]any) int {
			as, aok := a[k].(string)
			bs, bok := b[k].(string)
			if !aok || !bok {
				return cmp.Compare(boolRank(!aok), boolRank(!bok))
			}
			return cmp.Or(cmp.Compare(strings.ToLower(as), strings.ToLower(bs)), cmp.Compare(as, bs))
		}
	}
	displayID := func(a, b map[string]any) int { return cmp.Compare(a["displayId"].(float64), b["displayId"].(float64)) }
	desc := func(c func(a, b map[string]any) int) func(a, b map[string]any) int {
		return func(a, b map[string]any) int { return -c(a, b) }
	}
	issueType := func(a, b map[string]any) int {
		return cmp.Compare(titles[a["issueTypeId"].(string)], titles[b["issueTypeId"].(string)])
	}
	tests := []struct {
		sortBy string
		keys   []func(a, b map[string]any) int
	}{
		{"displayId", nil},
		{"-displayId", []func(a, b map[string]any) int{desc(displayID)}},
		{"createdAt", []func(a, b map[string]any) int{text("createdAt")}},
		{"-createdAt", []func(a, b map[string]any) int{desc(text("createdAt"))}},
		{"title", []func(a, b map[string]any) int{text("title")}},
		{"-title", []func(a, b map[string]any) int{desc(text("title"))}},
		{"status,-displayId", []func(a, b map[string]any) int{text("status"), desc(displayID)}},
		{"dueDate", []func(a, b map[string]any) int{text("dueDate")}},
		{"-dueDate", []func(a, b map[string]any) int{desc(text("dueDate"))}},
		{"issueType,-updatedAt", []func(a, b map[string]any) int{issueType, desc(text("updatedAt"))}},
		{"customAttributes", nil},
	}
	for _, tt := range tests {
		t.Run(tt.sortBy, func(t *testing.T) {
			want := slices.Clone(all)
			slices.SortStableFunc(want, func(a, b map[string]any) int {
				for _, k := range tt.keys {
					if c := k(a, b); c != 0 {
						return c
					}
				}
				return displayID(a, b)
			})
			got, _ := walkIssues(t, issuesURL(base, project, "/issues"), "limit=50&sortBy="+url.QueryEscape(tt.sortBy), token, 50)
			if !slices.Equal(issueIDs(got), issueIDs(want)) {
				t.Fatalf("order differs from sortBy=%s", tt.sortBy)
			}
		})
	}
	byTitle, _ := walkIssues(t, issuesURL(base, project, "/issues"), "sortBy=title", token, 100)
	if slices.Equal(issueIDs(byTitle), issueIDs(all)) {
		t.Error("sortBy=title left displayId order: the test proves nothing")
	}
}

func TestIssuesBadRequests(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	list := issuesURL(base, demoIssuesProjectID(), "/issues")
	tests := []struct {
		name   string
		url    string
		header []string
		status int
		detail string
	}{
		{"limit 0", list + "?limit=0", nil, 400, "limit parameter must be an integer between 1 and 100"},
		{"limit 101", list + "?limit=101", nil, 400, "limit"},
		{"limit not a number", list + "?limit=ten", nil, 400, "limit"},
		{"limit empty", list + "?limit=", nil, 400, "limit"},
		{"offset negative", list + "?offset=-1", nil, 400, "offset parameter must be a non-negative integer"},
		{"offset fractional", list + "?offset=1.5", nil, 400, "offset"},
		{"unknown status", list + "?filter[status]=opened", nil, 400, `"opened" is not a valid status`},
		{"one unknown status of two", list + "?filter[status]=open,bogus", nil, 400, `"bogus"`},
		{"status is case-sensitive", list + "?filter[status]=OPEN", nil, 400, `"OPEN"`},
		{"empty status", list + "?filter[status]=", nil, 400, "filter[status]"},
		{"display id not a number", list + "?filter[displayId]=one", nil, 400, "filter[displayId]"},
		{"unknown assignee type", list + "?filter[assignedToType]=team", nil, 400, "filter[assignedToType]"},
		{"deleted not a boolean", list + "?filter[deleted]=yes", nil, 400, "filter[deleted]"},
		{"unknown sort field", list + "?sortBy=priority", nil, 400, `"priority"`},
		{"empty sort field", list + "?sortBy=title,", nil, 400, `""`},
		{"double minus", list + "?sortBy=--title", nil, 400, `"--title"`},
		{"comments limit", issuesURL(base, demoIssuesProjectID(), "/issues/"+e.Issues(demoIssuesProjectID())[0].ID+"/comments?limit=500"), nil, 400, "limit"},
		{"comments sort", issuesURL(base, demoIssuesProjectID(), "/issues/"+e.Issues(demoIssuesProjectID())[0].ID+"/comments?sortBy=title"), nil, 400, "sortBy"},
		{"types limit", issuesURL(base, demoIssuesProjectID(), "/issue-types?offset=x"), nil, 400, "offset"},
		{"types isActive", issuesURL(base, demoIssuesProjectID(), "/issue-types?filter[isActive]=1"), nil, 400, "filter[isActive]"},
		{"root causes limit", issuesURL(base, demoIssuesProjectID(), "/issue-root-cause-categories?limit=0"), nil, 400, "limit"},
		{"unknown region", list, []string{"x-ads-region", "eu"}, 400, "x-ads-region"},
		{"lower-case region", list, []string{"x-ads-region", "us"}, 400, "x-ads-region"},
		{"legacy APAC region", list, []string{"x-ads-region", "APAC"}, 400, "x-ads-region"},
		{"another region's data centre", list, []string{"x-ads-region", "EMEA"}, 404, "region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantIssuesError(t, issuesGet(t, tt.url, token, tt.status, tt.header...), tt.status, tt.detail)
		})
	}

	t.Run("right regions", func(t *testing.T) {
		issuesList(t, list+"?limit=1", token, "x-ads-region", "US")
		issuesList(t, issuesURL(base, demoSmallIssuesProjectID(), "/issues"), token, "x-ads-region", "EMEA")
	})
}

func TestIssuesAccess(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{Clients: []Client{{ID: DemoClientID, Secret: DemoClientSecret}, {ID: otherClient, Secret: otherSecret}}})
	ssaToken := userToken(t, e, base, "data:read")
	demoUser := signIn(t, base, "data:read", []string{DemoClientID, DemoClientSecret}).Access
	otherUser := signIn(t, base, "data:read", otherBasic).Access
	noDataRead := userToken(t, e, base, "user-profile:read")
	appToken := fetchToken(t, base, "data:read")
	project := demoIssuesProjectID()
	list := issuesURL(base, project, "/issues")
	bim360 := accProjectID(e.Projects(demoBigHubID())[6].ID)
	if p := e.Projects(demoBigHubID())[6]; p.ProjectType != "BIM360" {
		t.Fatalf("project %+v is not a BIM 360 project", p)
	}

	t.Run("gateway", func(t *testing.T) {
		get(t, list, "").wantJSON(t, 401, gatewayBody("AUTH-006", "The Authorization header is missing."))
		get(t, list, "bogus").wantJSON(t, 401, gatewayBody("AUTH-006", "The access token is invalid."))
		get(t, list, noDataRead).wantJSON(t, 403, gatewayBody("AUTH-010", "Token does not have the privilege for this request."))
	})

	tests := []struct {
		name   string
		url    string
		token  string
		status int
		detail string
	}{
		{"two-legged token", list, appToken, 403, "three-legged"},
		{"two-legged token, unknown project", issuesURL(base, "nope", "/issues"), appToken, 403, "three-legged"},
		{"b. prefix", issuesURL(base, "b."+project, "/issues"), ssaToken, 404, `no "b." prefix`},
		{"b. prefix on an issue", issuesURL(base, "b."+project, "/issues/"+e.Issues(project)[0].ID), ssaToken, 404, `no "b." prefix`},
		{"unknown project", issuesURL(base, "b.nope", "/issues"), ssaToken, 404, "project could not be found."},
		{"BIM 360 project", issuesURL(base, bim360, "/issues"), ssaToken, 404, "project could not be found."},
		{"Fusion team project", issuesURL(base, e.Projects(demoTeamHubID())[0].ID, "/issues"), ssaToken, 404, "project could not be found."},
		{"another app's user", list, otherUser, 404, "project could not be found."},
		{"unknown issue", issuesURL(base, project, "/issues/00000000-0000-4000-8000-000000000000"), ssaToken, 404, "issue could not be found."},
		{"issue of another project", issuesURL(base, project, "/issues/"+e.Issues(demoSmallIssuesProjectID())[0].ID), ssaToken, 404, "issue could not be found."},
		{"comments of an unknown issue", issuesURL(base, project, "/issues/nope/comments"), ssaToken, 404, "issue could not be found."},
		{"empty issue id", issuesURL(base, project, "/issues/"), ssaToken, 404, "resource could not be found."},
		{"project without a resource", issuesURL(base, project, ""), ssaToken, 404, "resource could not be found."},
		{"unknown resource", issuesURL(base, project, "/rfis"), ssaToken, 404, "resource could not be found."},
		{"other construction API", base + "/construction/admin/v1/projects/" + project, ssaToken, 404, "resource could not be found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantIssuesError(t, issuesGet(t, tt.url, tt.token, tt.status), tt.status, tt.detail)
		})
	}

	t.Run("user tokens of both kinds", func(t *testing.T) {
		for _, tok := range []string{ssaToken, demoUser} {
			if doc := issuesList(t, list+"?limit=1", tok); doc.Pagination.TotalResults != len(e.Issues(project)) {
				t.Errorf("totalResults = %d", doc.Pagination.TotalResults)
			}
		}
		// An ACC project without demo issues has an empty list.
		quiet := accProjectID(e.Projects(demoBigHubID())[1].ID)
		if r := issuesGet(t, issuesURL(base, quiet, "/issues"), ssaToken, 200); string(r.body) != `{"pagination":{"limit":100,"offset":0,"totalResults":0},"results":[]}` {
			t.Errorf("empty project: %s", r.body)
		}
	})

	t.Run("wrong method", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodDelete, list, nil)
		req.Header.Set("Authorization", "Bearer "+ssaToken)
		r := do(t, req)
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, POST" {
			t.Fatalf("status %d Allow %q", r.status, r.header.Get("Allow"))
		}
		wantIssuesError(t, r, 405, "Allow header")
	})
}

func TestIssueTypes(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	project := demoIssuesProjectID()
	typesURL := issuesURL(base, project, "/issue-types")
	tests := []struct {
		name     string
		query    string
		count    int
		subtypes bool
	}{
		{"plain", "", 3, false},
		{"with subtypes", "?include=subtypes", 3, true},
		{"with subtypes among others", "?include=attributes,subtypes", 3, true},
		{"active only", "?filter[isActive]=true", 3, false},
		{"inactive only", "?filter[isActive]=false", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := issuesList(t, typesURL+tt.query, token)
			if len(doc.Results) != tt.count || doc.Pagination.TotalResults != tt.count || doc.Pagination.Limit != 100 {
				t.Fatalf("%d types, pagination %+v", len(doc.Results), *doc.Pagination)
			}
			for i, it := range doc.Results {
				_, has := it["subtypes"]
				if has != tt.subtypes || it["orderIndex"] != float64(i) || it["containerId"] != project || it["title"] == "" {
					t.Fatalf("type %v", it)
				}
			}
		})
	}

	// Every issue's type and subtype exist, the subtype under its type.
	var doc struct {
		Results []struct {
			ID       string `json:"id"`
			Title    string `json:"title"`
			IsActive bool   `json:"isActive"`
			Subtypes []struct {
				ID          string `json:"id"`
				IssueTypeID string `json:"issueTypeId"`
				Code        string `json:"code"`
				IsActive    bool   `json:"isActive"`
			} `json:"subtypes"`
		} `json:"results"`
	}
	decodeInto(t, issuesGet(t, typesURL+"?include=subtypes", token, http.StatusOK).body, &doc)
	types := doc.Results
	parent := map[string]string{}
	inactive := 0
	for _, it := range types {
		if len(it.Subtypes) == 0 || !uuidPattern.MatchString(it.ID) {
			t.Fatalf("type %+v", it)
		}
		for _, s := range it.Subtypes {
			if s.IssueTypeID != it.ID || len(s.Code) != 3 {
				t.Errorf("subtype %+v of %s", s, it.ID)
			}
			parent[s.ID] = it.ID
			if !s.IsActive {
				inactive++
			}
		}
	}
	if inactive == 0 {
		t.Error("no retired subtype")
	}
	for _, is := range allIssues(t, base, project, token) {
		if sub, _ := is["issueSubtypeId"].(string); parent[sub] != is["issueTypeId"] {
			t.Fatalf("issue %v: subtype not under its type", is["displayId"])
		}
	}

	// Each project has its own type IDs.
	other := issuesList(t, issuesURL(base, demoSmallIssuesProjectID(), "/issue-types"), token)
	if other.Results[0]["id"] == types[0].ID || other.Results[0]["title"] != types[0].Title {
		t.Errorf("small project's first type %v", other.Results[0])
	}
}

func TestRootCauseCategories(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	project := demoIssuesProjectID()
	causesURL := issuesURL(base, project, "/issue-root-cause-categories")
	tests := []struct {
		name   string
		query  string
		count  int
		total  int
		causes bool
	}{
		{"plain", "", 2, 2, false},
		{"with root causes", "?include=rootcauses", 2, 2, true},
		{"paged", "?include=rootcauses&limit=1&offset=1", 1, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := issuesList(t, causesURL+tt.query, token)
			if len(doc.Results) != tt.count || doc.Pagination.TotalResults != tt.total {
				t.Fatalf("%d categories, pagination %+v", len(doc.Results), *doc.Pagination)
			}
			for _, c := range doc.Results {
				causes, has := c["rootCauses"].([]any)
				if has != tt.causes || c["isActive"] != true || c["title"] == "" {
					t.Fatalf("category %v", c)
				}
				for _, rc := range causes {
					m := rc.(map[string]any)
					if m["rootCauseCategoryId"] != c["id"] || m["title"] == "" {
						t.Errorf("root cause %v of %v", m, c["id"])
					}
				}
			}
		})
	}

	known := map[string]bool{}
	for _, c := range issuesList(t, causesURL+"?include=rootcauses", token).Results {
		for _, rc := range c["rootCauses"].([]any) {
			known[rc.(map[string]any)["id"].(string)] = true
		}
	}
	used := 0
	for _, is := range allIssues(t, base, project, token) {
		if rc, ok := is["rootCauseId"].(string); ok {
			used++
			if !known[rc] {
				t.Fatalf("issue %v has an unknown root cause %q", is["displayId"], rc)
			}
		}
	}
	if used == 0 {
		t.Error("no issue has a root cause")
	}
}

func TestIssueComments(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	project := demoIssuesProjectID()
	issues := allIssues(t, base, project, token)
	busy := issues[0]
	commentsURL := issuesURL(base, project, "/issues/"+busy["id"].(string)+"/comments")

	tests := []struct {
		name  string
		query string
		limit int
		pages int
	}{
		{"limit 5", "limit=5", 5, 3},
		{"default limit", "", 100, 1},
		{"newest first", "limit=7&sortBy=-createdAt", 7, 2},
	}
	var oldestFirst []map[string]any
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, pages := walkIssues(t, commentsURL, tt.query, token, tt.limit)
			if pages != tt.pages || len(got) != demoBusyIssueComments || float64(len(got)) != busy["commentCount"] {
				t.Fatalf("%d comments in %d pages, commentCount %v", len(got), pages, busy["commentCount"])
			}
			ascending := !strings.Contains(tt.query, "-createdAt")
			for i := 1; i < len(got); i++ {
				a, b := got[i-1]["createdAt"].(string), got[i]["createdAt"].(string)
				if (ascending && a >= b) || (!ascending && a <= b) {
					t.Fatalf("comments %d and %d out of order: %s, %s", i-1, i, a, b)
				}
			}
			if ascending && oldestFirst == nil {
				oldestFirst = got
			}
		})
	}
	c := oldestFirst[0]
	for _, k := range []string{"id", "body", "createdAt", "createdBy", "updatedAt", "deletedAt", "clientCreatedAt", "clientUpdatedAt", "permittedActions", "permittedAttributes"} {
		if _, ok := c[k]; !ok {
			t.Errorf("comment lacks %s: %v", k, c)
		}
	}
	if body, _ := c["body"].(string); !strings.Contains(body, "\n") {
		t.Errorf("body %q: want a multi-line comment", body)
	}

	// Every issue's commentCount is what its comments list holds.
	withComments := 0
	for _, is := range issues[:60] {
		doc := issuesList(t, issuesURL(base, project, "/issues/"+is["id"].(string)+"/comments"), token)
		if float64(doc.Pagination.TotalResults) != is["commentCount"] || len(doc.Results) != doc.Pagination.TotalResults {
			t.Fatalf("issue %v: %d comments, commentCount %v", is["displayId"], doc.Pagination.TotalResults, is["commentCount"])
		}
		if len(doc.Results) > 0 {
			withComments++
		}
	}
	if withComments < 3 {
		t.Errorf("only %d of the first 60 issues have comments", withComments)
	}
}

// TestSeedIssues: a project seeded with more issues than the demo's lists
// them all, numbered from 1, and seeding again replaces rather than adds.
func TestSeedIssues(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	const project = "5eed0000-0000-4000-8000-000000001000"
	e.AddHub(Hub{ID: "b.5eed0000-0000-4000-8000-000000000001", Name: "Seeded"})
	e.AddProject(Project{ID: "b." + project, HubID: "b.5eed0000-0000-4000-8000-000000000001", Name: "Many issues"})
	e.SeedIssues(project, 1000)
	e.SeedIssues(project, 10)
	token := userToken(t, e, base, "data:read")
	got := e.Issues(project)
	if len(got) != 1000 || got[0].DisplayID != 1 || got[999].DisplayID != 1000 {
		t.Fatalf("Issues() has %d issues (first %+v), want 1000 numbered 1 to 1000", len(got), got[0])
	}
	doc := issuesList(t, issuesURL(base, project, "/issues")+"?offset=900&limit=100", token)
	if doc.Pagination.TotalResults != 1000 || len(doc.Results) != 100 || doc.Results[99]["displayId"] != float64(1000) {
		t.Errorf("the last page: total %d, %d results", doc.Pagination.TotalResults, len(doc.Results))
	}
}
