package registry

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aps-mcp/aps-mcp/logging"
)

const graphqlCatalog = `version: 1
toolsets:
  g: {description: G}
tools:
  find_elements:
    title: A title
    description: Finds elements, paging with a cursor.
    toolset: g
    auth: [ssa]
    method: POST
    path: /graphql
    graphql: |
      query Elements($groupId: ID!, $filter: String, $cursor: String, $limit: Int) {
        elements(groupId: $groupId, filter: {query: $filter}, pagination: {cursor: $cursor, limit: $limit}) {
          pagination { cursor }
          results { key: id }
        }
      }
    params:
      group_id: {in: variable, name: groupId, type: string, required: true, description: Group.}
      filter: {in: variable, type: string, description: Filter.}
      region: {in: header, name: Region, type: string, enum: [US, EMEA], description: Region.}
    paginate: {style: graphql-cursor, items: data.elements.results, next: data.elements.pagination.cursor, cursor_variable: cursor, page_size_param: limit, page_size: 3}
    result: '{k:key}'
  get_group:
    title: A title
    description: Returns one group.
    toolset: g
    auth: [ssa]
    method: POST
    path: /graphql
    graphql: 'query($id: ID!) { group(id: $id) { name } }'
    params:
      id: {in: variable, type: string, required: true, description: Group.}
`

// graphqlServer answers the catalogue's queries: n elements in pages of
// the limit asked for, their cursor the next offset; an id "bad" gets
// GraphQL errors with status 200. It records every request body.
type graphqlServer struct {
	mu     sync.Mutex
	bodies []map[string]any
	region []string
}

func (s *graphqlServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req map[string]any
	_ = json.NewDecoder(r.Body).Decode(&req)
	s.mu.Lock()
	s.bodies, s.region = append(s.bodies, req), append(s.region, r.Header.Get("Region"))
	s.mu.Unlock()
	vars, _ := req["variables"].(map[string]any)
	if vars["groupId"] == "bad" || vars["id"] == "bad" {
		fmt.Fprint(w, `{"data":{"elements":null},"errors":[{"message":"ElementGroup \"bad\" was not found; token s3cr3t-t0ken","path":["elements"],"extensions":{"code":"NOT_FOUND"}},{"message":"second"}]}`)
		return
	}
	if _, ok := vars["id"]; ok {
		fmt.Fprint(w, `{"data":{"group":{"name":"Tower"}}}`)
		return
	}
	const n = 7
	offset := 0
	if c, ok := vars["cursor"].(string); ok {
		_, _ = fmt.Sscanf(c, "c%d", &offset)
	}
	limit := int(vars["limit"].(float64))
	var results []string
	for i := offset; i < min(offset+limit, n); i++ {
		results = append(results, fmt.Sprintf(`{"key":"e%d"}`, i))
	}
	next := "null"
	if offset+limit < n {
		next = fmt.Sprintf(`"c%d"`, offset+limit)
	}
	fmt.Fprintf(w, `{"data":{"elements":{"pagination":{"cursor":%s},"results":[%s]}}}`, next, strings.Join(results, ","))
}

func graphqlRuntime(t *testing.T, srv *httptest.Server, limits Limits) (*Runtime, *Catalog) {
	t.Helper()
	c, err := Load(writeCatalogF(t, graphqlCatalog), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	rt, _ := pagedRuntimeB(t, srv.URL)
	rt.Limits = limits
	return rt, c
}

// TestGraphQLListing: the body is the compacted document with the
// declared variables only; pages follow pagination.cursor, fed back as
// the cursor variable; a cap leaves a cursor that continues the listing.
func TestGraphQLListing(t *testing.T) {
	gs := &graphqlServer{}
	srv := httptest.NewServer(gs)
	defer srv.Close()
	rt, c := graphqlRuntime(t, srv, Limits{})
	tool := c.Tools["find_elements"]
	if !tool.ReadOnly() || !tool.Idempotent() {
		t.Errorf("a GraphQL query tool: read-only %v, idempotent %v", tool.ReadOnly(), tool.Idempotent())
	}
	l, res := callList(t, rt, tool, map[string]any{"group_id": "g1", "filter": "a'b\"c", "region": "EMEA"})
	if res.IsError || l.Count != 7 || l.Items[0].K != "e0" || l.Items[6].K != "e6" || l.Truncated {
		t.Fatalf("listing: %+v %v", l, res.Content)
	}
	if len(gs.bodies) != 3 {
		t.Fatalf("%d requests for 7 items in pages of 3", len(gs.bodies))
	}
	const doc = `query Elements($groupId:ID!$filter:String$cursor:String$limit:Int){elements(groupId:$groupId filter:{query:$filter}pagination:{cursor:$cursor limit:$limit}){pagination{cursor}results{key:id}}}`
	for i, want := range []map[string]any{
		{"groupId": "g1", "filter": "a'b\"c", "limit": 3.0},
		{"groupId": "g1", "filter": "a'b\"c", "limit": 3.0, "cursor": "c3"},
		{"groupId": "g1", "filter": "a'b\"c", "limit": 3.0, "cursor": "c6"},
	} {
		b := gs.bodies[i]
		if b["query"] != doc || fmt.Sprint(b["variables"]) != fmt.Sprint(want) || len(b) != 2 || gs.region[i] != "EMEA" {
			t.Errorf("request %d: %v (Region %q), want variables %v", i+1, b, gs.region[i], want)
		}
	}

	rt.Limits = Limits{MaxItems: 4}
	seen := map[string]int{}
	args := map[string]any{"group_id": "g1"}
	for calls := 0; calls < 5; calls++ {
		l, res := callList(t, rt, tool, args)
		if res.IsError {
			t.Fatalf("capped call %d: %v", calls+1, res.Content)
		}
		for _, it := range l.Items {
			seen[it.K]++
		}
		if !l.Truncated {
			break
		}
		// The cursor carries the GraphQL cursor, not the query document.
		if len(l.Cursor) > 120 {
			t.Errorf("a %d-byte cursor: %s", len(l.Cursor), l.Cursor)
		}
		args = map[string]any{"group_id": "g1", CursorArg: l.Cursor}
	}
	if len(seen) != 7 {
		t.Errorf("capped walk saw %v", seen)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s seen %d times", k, n)
		}
	}

	// A caller cannot add a variable the tool does not declare.
	_, res = callList(t, rt, tool, map[string]any{"group_id": "g1", "cursor_var": "x"})
	if !res.IsError || !strings.Contains(resultText(res), "argument cursor_var: unknown argument") {
		t.Errorf("undeclared argument: %v", res.Content)
	}
	if _, res = callList(t, rt, tool, map[string]any{"filter": "x"}); !res.IsError || !strings.Contains(resultText(res), "argument group_id: required but missing") {
		t.Errorf("missing required variable: %v", res.Content)
	}
}

// TestGraphQLErrorsFailTheCall: errors in a 200 answer fail the call with
// GraphQL's own messages, redacted, for listings and single answers; they
// are not retried.
func TestGraphQLErrorsFailTheCall(t *testing.T) {
	gs := &graphqlServer{}
	srv := httptest.NewServer(gs)
	defer srv.Close()
	rt, c := graphqlRuntime(t, srv, Limits{})
	rt.Redactor = logging.NewRedactor("s3cr3t-t0ken")
	rt.Retry.MaxAttempts = 3
	for _, tc := range []struct{ tool, arg string }{{"find_elements", "group_id"}, {"get_group", "id"}} {
		_, res := callList(t, rt, c.Tools[tc.tool], map[string]any{tc.arg: "bad"})
		text := resultText(res)
		if !res.IsError || !strings.Contains(text, tc.tool+` failed: APS answered with GraphQL errors: ElementGroup "bad" was not found; token`) ||
			!strings.Contains(text, "(NOT_FOUND) second.") || strings.Contains(text, "s3cr3t-t0ken") {
			t.Errorf("%s: %v", tc.tool, text)
		}
	}
	if len(gs.bodies) != 2 {
		t.Errorf("%d requests for two failing calls: GraphQL errors were retried", len(gs.bodies))
	}
	if _, res := callList(t, rt, c.Tools["get_group"], map[string]any{"id": "g"}); res.IsError || !strings.Contains(string(res.RawStructuredContent), `"Tower"`) {
		t.Errorf("get_group: %v", res.Content)
	}
}

// TestGraphQLDeclarationProblems: a broken GraphQL tool is refused at
// load with its line and field.
func TestGraphQLDeclarationProblems(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{"syntax error", "results { key: id }", "results { key: id ", `field graphql: graphql: line 7, column 1: expected a field, found the end of the document`},
		{"mutation", "query Elements(", "mutation Elements(", "field graphql: the document is a mutation; tools.yaml takes GraphQL queries only"},
		{"GET", "    method: POST\n    path: /graphql\n    graphql: |", "    method: GET\n    path: /graphql\n    graphql: |", `field method: a GraphQL tool sends its query by POST, got "GET"`},
		{"variable the document lacks", "name: groupId,", "name: group,", "field params.group_id: the graphql document defines no variable $group"},
		{"variable set by nothing", "      filter: {in: variable, type: string, description: Filter.}\n", "", "field graphql: variable $filter is set by no parameter"},
		{"non-null variable, optional parameter", "type: string, required: true, description: Group.}\n      filter", "type: string, description: Group.}\n      filter", "field params.group_id.required: variable $groupId is ID!, so the parameter must be required"},
		{"type mismatch", "filter: {in: variable, type: string,", "filter: {in: variable, type: integer,", "field params.filter.type: variable $filter is String, which takes string values, not integer"},
		{"two parameters, one variable", "filter: {in: variable, type: string,", "filter: {in: variable, name: groupId, type: string,", "variable $groupId is already set by parameter filter"},
		{"body parameter", "filter: {in: variable,", "filter: {in: body,", "field params.filter.in: the body of a GraphQL tool is its query and variables"},
		{"variable without a document", "    graphql: 'query($id: ID!) { group(id: $id) { name } }'\n", "", "field params.id.in: only a tool with a graphql query document takes in: variable parameters"},
		{"cursor variable the document lacks", "cursor_variable: cursor,", "cursor_variable: after,", "field paginate.cursor_variable: the graphql document defines no variable $after"},
		{"non-null cursor variable", "$cursor: String,", "$cursor: String!,", "field paginate.cursor_variable: variable $cursor is String!, but the paginator leaves it out of the first page"},
		{"no cursor variable", " cursor_variable: cursor,", "", "field paginate.cursor_variable: missing: the GraphQL variable the cursor is sent in"},
		{"no next", " next: data.elements.pagination.cursor,", "", "field paginate.next: missing: the gjson path to the next page's cursor"},
		{"another style", "style: graphql-cursor,", "style: next-url,", `field paginate.style: a GraphQL tool pages with style graphql-cursor, got "next-url"`},
		{"page size variable also a parameter", "page_size_param: limit,", "page_size_param: filter,", "field paginate.page_size_param: variable $filter is also set by parameter filter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(graphqlCatalog, tt.old) {
				t.Fatalf("the catalogue lacks %q", tt.old)
			}
			_, err := Load(writeCatalogF(t, strings.Replace(graphqlCatalog, tt.old, tt.new, 1)), testLoadOptions)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v\nwant a problem containing %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "tools.yaml:") || !strings.Contains(err.Error(), "tool ") {
				t.Errorf("the problem names no file, line or tool: %v", err)
			}
		})
	}
	// The style graphql-cursor on a tool without a document.
	plain := strings.Replace(pagedCatalog, "style: next-url", "style: graphql-cursor, cursor_variable: c", 1)
	if plain == pagedCatalog {
		t.Fatal("pagedCatalog has no next-url style to replace")
	}
	if _, err := Load(writeCatalogF(t, plain), testLoadOptions); err == nil || !strings.Contains(err.Error(), "style graphql-cursor pages a GraphQL query; this tool declares no graphql document") {
		t.Errorf("graphql-cursor without a document: %v", err)
	}
}
