package registry

import (
	"slices"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/specfacts"
)

func TestReads(t *testing.T) {
	tests := []struct {
		path string
		at   []string
		want []string
	}{
		{"items", nil, []string{"items"}},
		{"{id,name:attributes.name}", []string{"data", "#"}, []string{"data.#.id", "data.#.attributes.name"}},
		{"data.#.{id,n:a.b}", nil, []string{"data.#.id", "data.#.a.b"}},
		{`{status,views:derivatives.#.children.#(type=="geometry")#.{guid,name}|@flatten}`, nil,
			[]string{"status", "derivatives.#.children.#.type", "derivatives.#.children.#.guid", "derivatives.#.children.#.name"}},
		{"{pagination,items:data.collection}", nil, []string{"pagination", "data.collection"}},
		{"data.0.id", nil, []string{"data.#.id"}},
		{`{"quoted key":a,b|c}`, nil, []string{"a", "b.c"}},
		{"items.#.name|@reverse", nil, []string{"items.#.name"}},
		{"items.*.name", nil, []string{"items"}},
		{"{a,lit:!true}", nil, []string{"a"}},
		{"", nil, nil},
	}
	for _, tc := range tests {
		if got := reads(tc.path, tc.at); !slices.Equal(got, tc.want) {
			t.Errorf("reads(%q, %v) = %q, want %q", tc.path, tc.at, got, tc.want)
		}
	}
}

// TestCheckSpecsNamesToolFieldAndLine: what the specs contradict is a
// problem, a field the response schema lacks a warning, each at the tool,
// field and line of the declaration.
func TestCheckSpecsNamesToolFieldAndLine(t *testing.T) {
	facts, err := specfacts.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name             string
		replace          [2]string
		problem, warning string // "" for none
	}{
		{"as declared", [2]string{"", ""}, "", ""},
		{"path typo", [2]string{"/oss/v2/buckets/{bucket_key}", "/oss/v2/bucket/{bucket_key}"},
			":12: tool list_objects: field path: the specs declare no operation GET /oss/v2/bucket/{bucket_key}/objects", ""},
		{"parameter the operation lacks", [2]string{"limit: {in: query,", "limit: {in: query, name: size,"},
			":15: tool list_objects: field params.limit: query parameter \"size\" is not a parameter of get_objects", ""},
		{"misspelled result field", [2]string{"{key:objectKey}", "{key:objectKy}"},
			"", ":16: tool list_objects: field result: reads items.#.objectKy, which the response schema of get_objects"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := writeCatalog(t, strings.Replace(goodTool, tc.replace[0], tc.replace[1], 1))
			c, err := Load(file, testLoadOptions)
			if err != nil {
				t.Fatal(err)
			}
			problems, warnings := c.CheckSpecs(facts)
			for _, check := range []struct {
				what string
				got  []string
				want string
			}{{"problems", linesOf(problems.Error()), tc.problem}, {"warnings", linesOf(warnings.Error()), tc.warning}} {
				switch {
				case check.want == "" && len(check.got) > 0:
					t.Errorf("%s %q, want none", check.what, check.got)
				case check.want != "" && (len(check.got) != 1 || !strings.HasPrefix(check.got[0], file+check.want)):
					t.Errorf("%s %q, want one starting %q", check.what, check.got, file+check.want)
				}
			}
		})
	}
}

func linesOf(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// bodyPagedTool pages search:rfis through its body.
const bodyPagedTool = `version: 1
toolsets:
  s: {description: S}
tools:
  list_rfis:
    title: List RFIs
    description: Lists RFIs.
    toolset: s
    auth: [ssa]
    scopes: [data:read]
    method: POST
    path: /construction/rfis/v3/projects/{project_id}/search:rfis
    annotations: {read_only: true}
    params:
      project_id: {in: path, type: string, required: true, description: Project.}
    paginate: {style: body-offset, items: results, total: pagination.totalResults, offset_param: offset, page_size_param: limit, page_size: 200}
    result: '{id,title}'
`

// TestCheckSpecsBodyPaging: a body-offset paginator's fields are checked
// as body properties of the operation, at the paginator's line.
func TestCheckSpecsBodyPaging(t *testing.T) {
	facts, err := specfacts.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ from, to, problem string }{
		{"", "", ""},
		{"offset_param: offset", "offset_param: start", `:16: tool list_rfis: field paginate.offset_param: body parameter "start": the request body of rfis-rfi-search-POST`},
	} {
		file := writeCatalog(t, strings.Replace(bodyPagedTool, tc.from, tc.to, 1))
		c, err := Load(file, testLoadOptions)
		if err != nil {
			t.Fatal(err)
		}
		problems, warnings := c.CheckSpecs(facts)
		got := linesOf(problems.Error())
		if len(warnings) > 0 || (tc.problem == "" && len(got) > 0) || (tc.problem != "" && (len(got) != 1 || !strings.HasPrefix(got[0], file+tc.problem))) {
			t.Errorf("%s: problems %q, warnings %q; want %q", tc.to, got, warnings.Error(), tc.problem)
		}
	}
}
