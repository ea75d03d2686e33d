package apsemu

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// projectUsersURL is the project users list of an ACC project (its ID
// without "b.") with query.
func projectUsersURL(base, projectID, query string) string {
	u := base + "/construction/admin/v1/projects/" + projectID + "/users"
	if query != "" {
		u += "?" + query
	}
	return u
}

// projectUsersPage is a decoded project users list.
type projectUsersPage struct {
	Pagination struct {
		Limit, Offset, TotalResults int
		NextURL                     string `json:"nextUrl"`
		PreviousURL                 string `json:"previousUrl"`
	} `json:"pagination"`
	Results []map[string]any `json:"results"`
}

func listUsers(t *testing.T, base, projectID, query, token string) projectUsersPage {
	t.Helper()
	var page projectUsersPage
	decodeInto(t, issuesGet(t, projectUsersURL(base, projectID, query), token, http.StatusOK).body, &page)
	return page
}

func userField(page projectUsersPage, name string) []string {
	var out []string
	for _, u := range page.Results {
		s, _ := u[name].(string)
		out = append(out, s)
	}
	return out
}

// TestProjectUsersNameTheIssuesPeople: every user id an issue is created
// by or assigned to is a member of the issue's project, by autodeskId.
func TestProjectUsersNameTheIssuesPeople(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read account:read")
	for _, project := range []string{demoIssuesProjectID(), demoSmallIssuesProjectID()} {
		members := listUsers(t, base, project, "limit=200&filter[status]=active,pending,deleted", token)
		ids, companies := userField(members, "autodeskId"), userField(members, "companyId")
		for _, is := range allIssues(t, base, project, token) {
			people := []any{is["createdBy"], is["updatedBy"], is["closedBy"]}
			if is["assignedToType"] == "company" {
				if !slices.Contains(companies, is["assignedTo"].(string)) {
					t.Errorf("project %s: issue %v is assigned to company %v, which no member represents", project, is["displayId"], is["assignedTo"])
				}
			} else {
				people = append(people, is["assignedTo"])
			}
			for _, who := range people {
				if s, ok := who.(string); ok && !slices.Contains(ids, s) {
					t.Errorf("project %s: issue %v names %s, no member of the project", project, is["displayId"], s)
				}
			}
		}
		// Members of the spec's ProjectUser, as the emulator fills them.
		wantKeys(t, "project user", members.Results[0], "accessLevels", "accessLevels.accountAdmin", "accessLevels.executive",
			"accessLevels.projectAdmin", "addedOn", "autodeskId", "companyId", "companyName", "email", "firstName", "id", "jobTitle",
			"lastName", "name", "products", "products[].access", "products[].key", "roleIds", "roles", "roles[].id", "roles[].name",
			"status", "updatedAt")
	}
}

func TestProjectUsersFiltersAndPages(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read account:read")
	project := demoIssuesProjectID()
	all := listUsers(t, base, project, "limit=200", token)
	if n := len(all.Results); n < 5 || all.Pagination.TotalResults != n || slices.Contains(userField(all, "status"), userStatusDeleted) {
		t.Fatalf("default listing: %d members, total %d, statuses %v", n, all.Pagination.TotalResults, userField(all, "status"))
	}
	if names := userField(all, "name"); !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("not sorted by name: %v", names)
	}
	for _, tc := range []struct {
		query string
		want  []string // names
	}{
		{"filter[name]=gar", []string{"Luis García"}},
		{"filter[name]=ada&filterTextMatch=startsWith", []string{"Ada Lovelace"}},
		{"filter[email]=northwind", []string{"Mei Tanaka"}},
		{"filter[companyName]=" + url.QueryEscape("Fabrikam Façades"), []string{"Luis García"}},
		{"filter[status]=deleted", []string{"Olu Adeyemi"}},
		{"filter[status]=pending", []string{"Luis García"}},
		{"filter[accessLevels]=executive,accountAdmin", []string{"Mei Tanaka", "Priya Natarajan"}},
		{"filter[autodeskId]=A3RGM375QTZ7," + DemoUserID, []string{"Demo User", "Priya Natarajan"}},
		{"filter[companyId]=" + demoUUID("company 1"), []string{"Mei Tanaka"}},
		{"filter[name]=a&sort=" + url.QueryEscape("name desc") + "&limit=2", []string{"Priya Natarajan", "Mei Tanaka"}},
	} {
		if got := userField(listUsers(t, base, project, tc.query, token), "name"); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	first := listUsers(t, base, project, "limit=2", token)
	if first.Pagination.NextURL == "" || first.Pagination.PreviousURL != "" || len(first.Results) != 2 {
		t.Fatalf("first page of 2: %+v", first.Pagination)
	}
	next, _ := url.Parse(first.Pagination.NextURL)
	second := listUsers(t, base, project, next.RawQuery, token)
	if second.Pagination.Offset != 2 || second.Pagination.PreviousURL == "" || userField(second, "name")[0] != userField(all, "name")[2] {
		t.Errorf("second page: %+v %v", second.Pagination, userField(second, "name"))
	}
	for _, bad := range []string{"limit=0", "limit=201", "offset=-1", "filter[status]=gone", "filterTextMatch=like", "sort=name", "sort=" + url.QueryEscape("height asc")} {
		wantIssuesError(t, issuesGet(t, projectUsersURL(base, project, bad), token, http.StatusBadRequest), http.StatusBadRequest, "")
	}
}

// TestProjectUsersAccess: account:read is needed, a member of other hubs
// finds no project, a b.-prefixed ID is named as the mistake, and each
// hub's members include its signed-in users only.
func TestProjectUsersAccess(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	project := demoIssuesProjectID()
	noScope := userToken(t, e, base, "data:read")
	if r := issuesGet(t, projectUsersURL(base, project, ""), noScope, http.StatusForbidden); !strings.Contains(string(r.body), codeInsufficientScope) {
		t.Errorf("without account:read: %s", r.body)
	}
	token := userToken(t, e, base, "account:read")
	wantIssuesError(t, issuesGet(t, projectUsersURL(base, "b."+project, ""), token, http.StatusNotFound), http.StatusNotFound, `no "b." prefix`)
	wantIssuesError(t, issuesGet(t, projectUsersURL(base, demoUUID("nowhere"), ""), token, http.StatusNotFound), http.StatusNotFound, "could not be found")
	app := fetchToken(t, base, "account:read")
	if r := issuesGet(t, projectUsersURL(base, project, ""), app, http.StatusForbidden); r.status != http.StatusForbidden {
		t.Errorf("app-only token: %d", r.status)
	}

	ben := signInAs(t, base, DemoUserBen, "account:read", []string{DemoClientID, DemoClientSecret})
	wantIssuesError(t, issuesGet(t, projectUsersURL(base, project, ""), ben.Access, http.StatusNotFound), http.StatusNotFound, "could not be found")
	zurich := userField(listUsers(t, base, demoSmallIssuesProjectID(), "", ben.Access), "name")
	tower := userField(listUsers(t, base, project, "", token), "name")
	if !slices.Contains(zurich, "Ben Okafor") || slices.Contains(zurich, "Ada Lovelace") || !slices.Contains(tower, "Ada Lovelace") || slices.Contains(tower, "Ben Okafor") {
		t.Errorf("members: Zürich %v, Tower %v", zurich, tower)
	}
}
