package specfacts

import (
	"strings"
	"testing"
	"testing/fstest"
)

// graphqlOp is a reviewed GraphQL endpoint with one root field.
const graphqlOp = `{"method":"POST","path":"/aec/graphql","operationId":"graphql","docs":["https://aps.autodesk.com/en/docs/aecdatamodel/v1/reference/graphqlendpoint"],
"body":{"content":[{"type":"application/json","properties":["query","variables"]}]},"response":{"data":{"*":{}},"errors":{"#":{"message":{}}}},
"graphql":[{"field":"elementsByElementGroup","docs":["https://aps.autodesk.com/en/docs/aecdatamodel/v1/reference/queries/elementsbyelementgroup"],
 "args":{"":[{"name":"elementGroupId","required":true},{"name":"filter"},{"name":"pagination"}],"results.properties":[{"name":"filter"}]},
 "response":{"pagination":{"cursor":{}},"results":{"#":{"id":{},"name":{},"properties":{"results":{"#":{"name":{},"value":{}}}}}}}}]}`

func TestGraphQLToolsAreCheckedAgainstReviewedFields(t *testing.T) {
	f, err := load([]byte(minimalFacts), fstest.MapFS{"r/aec.json": {Data: []byte(`{"note":"t","operations":[` + graphqlOp + `]}`)}}, "r")
	if err != nil {
		t.Fatal(err)
	}
	sel := func(path string, args ...string) Selection { return Selection{Path: path, Args: args} }
	good := Tool{Name: "aec", Method: "POST", Path: "/aec/graphql",
		Params: []Param{{Name: "query", In: InBody}, {Name: "variables", In: InBody}},
		GraphQL: []Selection{
			sel("elementsByElementGroup", "elementGroupId", "pagination"),
			sel("elementsByElementGroup.results"), sel("elementsByElementGroup.results.id"),
			sel("elementsByElementGroup.results.properties", "filter"),
			sel("elementsByElementGroup.results.properties.results"), sel("elementsByElementGroup.results.properties.results.value"),
		},
		Reads: []Read{{Field: "paginate.items", Path: "data.elementsByElementGroup.results"}, {Field: "result", Path: "data.elementsByElementGroup.results.#.properties.results.#.name"}},
	}
	if ps := append(f.Check(good), f.CheckReads(good)...); len(ps) != 0 {
		t.Fatalf("good tool: %v", ps)
	}
	tests := []struct {
		name      string
		edit      func(*Tool)
		inMessage string
	}{
		{"unknown root field", func(t *Tool) { t.GraphQL = []Selection{sel("elementsByGroup", "elementGroupId")} }, "has no query field elementsByGroup (it has elementsByElementGroup)"},
		{"unknown field below", func(t *Tool) { t.GraphQL = append(t.GraphQL, sel("elementsByElementGroup.results.label")) },
			"selects elementsByElementGroup.results.label, which query field elementsByElementGroup of graphql (POST /aec/graphql in reviewed/aec.json) lacks; under results.# it has id, name, properties"},
		{"unknown argument", func(t *Tool) { t.GraphQL[0].Args = append(t.GraphQL[0].Args, "sort") }, "gives elementsByElementGroup the argument sort, which it does not take"},
		{"argument of a field that takes none", func(t *Tool) { t.GraphQL[2].Args = []string{"x"} }, "gives elementsByElementGroup.results.id the argument x, which it does not take (it takes none)"},
		{"required argument missing", func(t *Tool) { t.GraphQL[0].Args = []string{"filter"} }, "without its required argument elementGroupId"},
		{"not a GraphQL endpoint", func(t *Tool) { t.Method, t.Path = "GET", "/oss/v2/buckets"; t.Params = nil }, "is not a GraphQL endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := good
			bad.GraphQL = append([]Selection(nil), good.GraphQL...)
			tt.edit(&bad)
			ps := f.Check(bad)
			if len(ps) != 1 || ps[0].Field != "graphql" || !strings.Contains(ps[0].Message, tt.inMessage) {
				t.Errorf("got %v, want one problem on graphql containing %q", ps, tt.inMessage)
			}
		})
	}
	bad := good
	bad.Reads = []Read{{Field: "result", Path: "data.elementsByElementGroup.results.#.nam"}}
	if ps := f.CheckReads(bad); len(ps) != 1 || !strings.Contains(ps[0].Message, "reads data.elementsByElementGroup.results.#.nam") {
		t.Errorf("misspelled read: %v", ps)
	}

	noDocs := strings.Replace(graphqlOp, `"docs":["https://aps.autodesk.com/en/docs/aecdatamodel/v1/reference/queries/elementsbyelementgroup"],`, "", 1)
	if _, err := load([]byte(minimalFacts), fstest.MapFS{"r/aec.json": {Data: []byte(`{"note":"t","operations":[` + noDocs + `]}`)}}, "r"); err == nil ||
		!strings.Contains(err.Error(), "graphql field elementsByElementGroup: no doc URL") {
		t.Errorf("a GraphQL field without a doc URL: %v", err)
	}
}
