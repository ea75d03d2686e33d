package apsemu

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// aecPost posts a GraphQL request and returns the status and the body.
func aecPost(t *testing.T, base, token, region, query string, vars map[string]any) (int, map[string]any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, base+aecGraphQLPath, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if region != "" {
		req.Header.Set("Region", region)
	}
	r := do(t, req)
	return r.status, r.object(t)
}

const aecGroupsQuery = `query($projectId: ID!, $cursor: String, $limit: Int) {
  projectByDataManagementAPIId(dataManagementAPIProjectId: $projectId) {
    name
    elementGroups(pagination: {cursor: $cursor, limit: $limit}) {
      pagination { cursor }
      results { id name alternativeIdentifiers { fileUrn fileVersionUrn } version { versionNumber } }
    }
  }
}`

const aecElementsQuery = `query($id: ID!, $filter: String, $cursor: String, $limit: Int) {
  elementsByElementGroup(elementGroupId: $id, filter: {query: $filter}, pagination: {cursor: $cursor, limit: $limit}) {
    totalCount
    pagination { cursor }
    results { id label: name properties(filter: {names: ["Category", "Length"]}) { results { name value displayValue definition { units { name } } } } }
  }
}`

// dig walks a decoded JSON value by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func TestAECElementGroupsAndElements(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")

	status, body := aecPost(t, base, token, "", aecGroupsQuery, map[string]any{"projectId": demoTowerProjectID(), "limit": 1})
	if status != http.StatusOK || body["errors"] != nil {
		t.Fatalf("groups: %d %v", status, body)
	}
	project := dig(body, "data", "projectByDataManagementAPIId")
	if dig(project, "name") != "Project 001 – Tower" {
		t.Errorf("project name: %v", dig(project, "name"))
	}
	first := dig(project, "elementGroups", "results", 0)
	if dig(first, "name") != "Tower – Architecture.rvt" || dig(first, "version", "versionNumber") != 4.0 ||
		!strings.HasPrefix(dig(first, "alternativeIdentifiers", "fileUrn").(string), itemIDPrefix) {
		t.Errorf("first group: %v", first)
	}
	cursor, _ := dig(project, "elementGroups", "pagination", "cursor").(string)
	if cursor == "" {
		t.Fatalf("one of two groups, but no cursor: %v", project)
	}
	_, body = aecPost(t, base, token, "", aecGroupsQuery, map[string]any{"projectId": demoTowerProjectID(), "limit": 1, "cursor": cursor})
	page2 := dig(body, "data", "projectByDataManagementAPIId", "elementGroups")
	if dig(page2, "results", 0, "name") != "Tower – Structure.rvt" || dig(page2, "pagination", "cursor") != nil {
		t.Errorf("second page: %v", page2)
	}

	groupID := dig(first, "id").(string)
	status, body = aecPost(t, base, token, "", aecElementsQuery, map[string]any{"id": groupID, "filter": "property.name.category==Walls"})
	els := dig(body, "data", "elementsByElementGroup")
	if status != http.StatusOK || dig(els, "totalCount") != 60.0 || len(dig(els, "results").([]any)) != aecDefaultLimit {
		t.Fatalf("walls: %d %v", status, body)
	}
	wall := dig(els, "results", 0)
	if dig(wall, "label") == nil || dig(wall, "properties", "results", 0, "value") != "Walls" ||
		dig(wall, "properties", "results", 1, "name") != "Length" || dig(wall, "properties", "results", 1, "displayValue") != "2.5 m" ||
		dig(wall, "properties", "results", 1, "definition", "units", "name") != "Meters" || len(dig(wall, "properties", "results").([]any)) != 2 {
		t.Errorf("wall: %v", wall)
	}
	next := dig(els, "pagination", "cursor").(string)
	_, body = aecPost(t, base, token, "", aecElementsQuery, map[string]any{"id": groupID, "filter": "property.name.category==Walls", "cursor": next})
	if n := len(dig(body, "data", "elementsByElementGroup", "results").([]any)); n != 10 || dig(body, "data", "elementsByElementGroup", "pagination", "cursor") != nil {
		t.Errorf("last page of walls: %d results, %v", n, dig(body, "data", "elementsByElementGroup", "pagination"))
	}

	for filter, want := range map[string]float64{
		"'property.name.category'==Doors and 'property.name.Level'=='Level 01'":                           3,
		"property.name.category==Doors or property.name.category==Windows":                                60,
		"(property.name.category==Floors; property.name.Area==840) , property.name.Category=contains=wIN": 44,
		"property.name.Family Name=startswith=single":                                                     0, // unquoted, the name ends at the space
	} {
		status, body := aecPost(t, base, token, "", aecElementsQuery, map[string]any{"id": groupID, "filter": filter})
		if filter == "property.name.Family Name=startswith=single" {
			if status != http.StatusOK || body["errors"] == nil {
				t.Errorf("%s: want an error, got %d %v", filter, status, body)
			}
			continue
		}
		if got := dig(body, "data", "elementsByElementGroup", "totalCount"); got != want {
			t.Errorf("%s: %v elements, want %v (%v)", filter, got, want, body["errors"])
		}
	}
}

func TestAECErrors(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	group := aecID("aecd", "nope", "nope")
	tower, _, _ := e.findProject(demoTowerProjectID())
	real := e.aecGroups(tower)[0].id
	tests := []struct {
		name, region, query string
		vars                map[string]any
		status              int
		inMessage, code     string
		data                bool // data present, the failed root field null
	}{
		{"unknown project", "", aecGroupsQuery, map[string]any{"projectId": "b.00000000-0000-0000-0000-000000000000"}, 200, `Project "b.00000000-0000-0000-0000-000000000000" was not found.`, gqlCodeNotFound, true},
		{"project in another region", "EMEA", aecGroupsQuery, map[string]any{"projectId": demoTowerProjectID()}, 200, "not found in region EMEA", gqlCodeNotFound, true},
		{"unknown element group", "", aecElementsQuery, map[string]any{"id": group}, 200, "ElementGroup", gqlCodeNotFound, true},
		{"not an element group id", "", aecElementsQuery, map[string]any{"id": "xyz"}, 200, "is not an element group id", gqlCodeBadInput, true},
		{"filter on another selector", "", aecElementsQuery, map[string]any{"id": real, "filter": "name==x"}, 200, `Invalid filter query "name==x": selector "name" is not property.name.<name>`, gqlCodeBadInput, true},
		{"filter with an unknown operator", "", aecElementsQuery, map[string]any{"id": real, "filter": "property.name.Level=gt=3"}, 200, `operator "=gt="`, gqlCodeBadInput, true},
		{"filter cut short", "", aecElementsQuery, map[string]any{"id": real, "filter": "(property.name.Level==3"}, 200, "missing )", gqlCodeBadInput, true},
		{"filter field the type lacks", "", `query($id: ID!) { elementsByElementGroup(elementGroupId: $id, filter: {category: "Walls"}) { totalCount } }`, map[string]any{"id": real}, 200, `Field "category" is not defined by type "ElementFilterInput".`, gqlCodeBadInput, true},
		{"bad cursor", "", aecGroupsQuery, map[string]any{"projectId": demoTowerProjectID(), "cursor": "bm9wZQ"}, 200, "is not a cursor this query returned", gqlCodeBadInput, true},
		{"limit too large", "", aecGroupsQuery, map[string]any{"projectId": demoTowerProjectID(), "limit": 501}, 200, "from 1 to 500", gqlCodeBadInput, true},
		{"missing variable", "", aecGroupsQuery, nil, 400, `Variable "$projectId" of required type "ID!" was not provided.`, gqlCodeBadInput, false},
		{"variable of the wrong type", "", aecGroupsQuery, map[string]any{"projectId": true}, 400, `got invalid value true`, gqlCodeBadInput, false},
		{"unknown field", "", `{ projectByDataManagementAPIId(dataManagementAPIProjectId: "b.x") { nam } }`, nil, 400, `Cannot query field "nam" on type "Project".`, gqlCodeValidation, false},
		{"unknown argument", "", `{ project(projectId: "x", hubId: "y") { name } }`, nil, 400, `Unknown argument "hubId" on field "Query.project".`, gqlCodeValidation, false},
		{"missing argument", "", `{ project { name } }`, nil, 400, `argument "projectId" of type "ID!" is required`, gqlCodeValidation, false},
		{"object without selection", "", `{ project(projectId: "x") }`, nil, 400, "must have a selection of subfields", gqlCodeValidation, false},
		{"syntax error", "", `{ project(projectId: "x") { name }`, nil, 400, "Syntax Error", gqlCodeParse, false},
		{"mutation", "", `mutation { project(projectId: "x") { name } }`, nil, 400, "queries only", gqlCodeValidation, false},
		{"bad region", "MARS", aecGroupsQuery, nil, 400, "Region header", gqlCodeBadInput, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := aecPost(t, base, token, tt.region, tt.query, tt.vars)
			msg, _ := dig(body, "errors", 0, "message").(string)
			code, _ := dig(body, "errors", 0, "extensions", "code").(string)
			if status != tt.status || msg == "" || !strings.Contains(msg, tt.inMessage) || !strings.Contains(code, tt.code) {
				t.Fatalf("got %d %v; want %d with an error containing %q, code %q", status, body, tt.status, tt.inMessage, tt.code)
			}
			if _, hasData := body["data"]; hasData != tt.data {
				t.Errorf("data present: %v, want %v (%v)", hasData, tt.data, body)
			}
		})
	}
}

func TestAECNeedsUserAndScope(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	app := fetchToken(t, base, "data:read")
	status, body := aecPost(t, base, app, "", aecGroupsQuery, map[string]any{"projectId": demoTowerProjectID()})
	if status != http.StatusForbidden || dig(body, "errors", 0, "extensions", "code") != "FORBIDDEN" {
		t.Errorf("app-only token: %d %v", status, body)
	}
	noRead := userToken(t, e, base, "account:read")
	if status, body := aecPost(t, base, noRead, "", aecGroupsQuery, nil); status != http.StatusForbidden {
		t.Errorf("token without data:read: %d %v", status, body)
	}
}
