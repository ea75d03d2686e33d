package registry

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

var testLoadOptions = LoadOptions{
	AuthKinds:  []string{"2lo", "ssa"},
	ValidScope: func(s string) bool { return s == "data:read" || s == "bucket:read" },
}

const goodTool = `version: 1
toolsets:
  oss: {description: OSS}
tools:
  list_objects:
    title: A title
    description: Lists objects.
    toolset: oss
    auth: [2lo]
    scopes: [data:read]
    method: get
    path: /oss/v2/buckets/{bucket_key}/objects
    params:
      bucket_key: {in: path, type: string, pattern: '^[a-z]+$', description: Bucket.}
      limit: {in: query, type: integer, minimum: 1, maximum: 100, default: 10, description: Page size.}
    result: 'items.#.{key:objectKey}'
`

func writeCatalog(t *testing.T, body string) string {
	t.Helper()
	return writeCatalogF(t, body)
}

// writeCatalogF writes a catalogue for a test or a fuzz target: body,
// closed by the "..." that Load requires (so bodies can be joined).
func writeCatalogF(tb testing.TB, body string) string {
	tb.Helper()
	file := filepath.Join(tb.TempDir(), "tools.yaml")
	if err := os.WriteFile(file, []byte(body+"...\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	return file
}

func TestLoadAcceptsAGoodCatalog(t *testing.T) {
	c, err := Load(writeCatalog(t, goodTool), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	tool := c.Tools["list_objects"]
	if tool.Method != "GET" || !tool.Params["bucket_key"].Required || tool.Params["limit"].Default != int64(10) {
		t.Errorf("normalization: method %q, bucket_key required %v, limit default %#v",
			tool.Method, tool.Params["bucket_key"].Required, tool.Params["limit"].Default)
	}
}

// TestLoadReportsEveryProblem: each broken variant names line, tool and
// field; all problems of one file come back together.
func TestLoadReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string // old, new applied to goodTool
		want    string    // the formatted problem, after the file name
	}{
		{"unknown key", [2]string{"    method: get", "    method: get\n    verb: get"}, `:12: tool list_objects: field verb: unknown key "verb"`},
		{"duplicate tool", [2]string{"toolsets:", "tools:\n  x: {}\ntoolsets:"}, `duplicate key "tools"`},
		{"missing description", [2]string{"    description: Lists objects.\n", ""}, `tool list_objects: field description: missing`},
		{"placeholder without param", [2]string{"{bucket_key}/objects", "{bucket_key}/objects/{object_key}"}, `:12: tool list_objects: field path: placeholder {object_key} has no matching parameter`},
		{"path param without placeholder", [2]string{"/{bucket_key}/objects", "/objects"}, `:14: tool list_objects: field params.bucket_key: path parameter bucket_key has no {bucket_key} placeholder`},
		{"unknown auth", [2]string{"auth: [2lo]", "auth: [2lo, 5lo]"}, `:9: tool list_objects: field auth.1: unknown auth kind "5lo" (known: 2lo, ssa)`},
		{"unknown scope", [2]string{"scopes: [data:read]", "scopes: [data:reed]"}, `:10: tool list_objects: field scopes.0: unknown APS scope "data:reed"`},
		{"bad method", [2]string{"method: get", "method: FETCH"}, `:11: tool list_objects: field method: must be one of`},
		{"bad regex", [2]string{"'^[a-z]+$'", "'^[a-z+$'"}, `:14: tool list_objects: field params.bucket_key.pattern: invalid regular expression`},
		{"bad gjson braces", [2]string{"'items.#.{key:objectKey}'", "'items.#.{key:objectKey'"}, `:16: tool list_objects: field result: invalid gjson path`},
		{"bad gjson modifier", [2]string{"'items.#.{key:objectKey}'", "'items|@nosuch'"}, `unknown gjson modifier @nosuch`},
		{"wrong type", [2]string{"minimum: 1", "minimum: one"}, `:15: tool list_objects: field params.limit.minimum: must be a number, got "one"`},
		{"bad default", [2]string{"default: 10", "default: 1000"}, `field params.limit.default: default 1000: must be at most 100`},
		{"unknown toolset", [2]string{"toolset: oss", "toolset: os"}, `field toolset: unknown toolset "os"`},
		{"bad style", [2]string{"    result:", "    paginate: {style: cursor, items: items}\n    result:"}, `field paginate.style: unknown pagination style "cursor"`},
		{"bad version", [2]string{"version: 1", "version: 2"}, `:1: field version: must be 1, got 2`},
		{"bad yaml", [2]string{"description: OSS}", "description: OSS"}, `:3: invalid YAML`},
		{"own limit on a listing", [2]string{"    result:", "    paginate: {style: next-url, items: items, next: next}\n    result:"}, `tool list_objects: field params.limit: paginated tools get a "limit" argument of their own`},
		{"empty paginate", [2]string{"    result:", "    paginate:\n    result:"}, `:16: tool list_objects: field paginate: empty: a mapping belongs here`},
		{"empty tool", [2]string{"tools:\n", "tools:\n  other:\n"}, `:5: tool other: empty: a mapping belongs here`},
		{"empty toolset", [2]string{"toolsets:\n", "toolsets:\n  other:\n"}, `:3: field toolsets.other: empty: a mapping belongs here`},
		{"fraction", [2]string{"    result:", "    max_items: 2.5\n    result:"}, `:16: tool list_objects: field max_items: must be a whole number, got 2.5`},
		{"the server's own name", [2]string{"  list_objects:", "  call_tool:"}, `tool call_tool: tool name is the server's own: it serves find_tools and call_tool`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(goodTool, tc.replace[0]) {
				t.Fatalf("test replaces %q, which goodTool lacks", tc.replace[0])
			}
			file := writeCatalog(t, strings.Replace(goodTool, tc.replace[0], tc.replace[1], 1))
			_, err := Load(file, testLoadOptions)
			ps, ok := strictyaml.AsProblems(err)
			if !ok {
				t.Fatalf("want Problems, got %v", err)
			}
			if !strings.Contains(ps.Error(), file+tc.want) && !strings.Contains(ps.Error(), tc.want) {
				t.Errorf("problems lack %q:\n%s", tc.want, ps.Error())
			}
			if strings.HasPrefix(tc.want, ":") && !strings.Contains(ps.Error(), file+tc.want) {
				t.Errorf("problems lack %q:\n%s", file+tc.want, ps.Error())
			}
		})
	}
}

// TestTypeErrorsSetOffNoFollowUps: a value that does not decode is
// reported once, not again by the checks that read it (a version that is
// not a number is not also "must be 1, got 0"; a page size that is not a
// number does not also lack its page_size_param).
func TestTypeErrorsSetOffNoFollowUps(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string
		want    string
	}{
		{"version", [2]string{"version: 1", "version: one"}, `:1: field version: must be a whole number, got "one"`},
		{"page size", [2]string{"      limit: {in: query, type: integer, minimum: 1, maximum: 100, default: 10, description: Page size.}\n    result:", "    paginate: {style: next-url, items: items, next: next, page_size_param: size, page_size: lots}\n    result:"},
			`:15: tool list_objects: field paginate.page_size: must be a whole number, got "lots"`},
		{"anchored pending", [2]string{"    result:", "    pending: &p {status: soon, message: wait}\n    result:"},
			`:16: tool list_objects: field pending.status: must be a whole number, got "soon"`},
		{"params", [2]string{"    params:\n      bucket_key: {in: path, type: string, pattern: '^[a-z]+$', description: Bucket.}\n      limit: {in: query, type: integer, minimum: 1, maximum: 100, default: 10, description: Page size.}\n",
			"    params: lots\n"}, `:13: tool list_objects: field params: must be a mapping, got "lots"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(goodTool, tc.replace[0]) {
				t.Fatalf("test replaces %q, which goodTool lacks", tc.replace[0])
			}
			_, err := Load(writeCatalog(t, strings.Replace(goodTool, tc.replace[0], tc.replace[1], 1)), testLoadOptions)
			ps, _ := strictyaml.AsProblems(err)
			if len(ps) != 1 || !strings.Contains(ps[0].String(), tc.want) {
				t.Errorf("want one problem %q, got %d:\n%v", tc.want, len(ps), err)
			}
		})
	}
}

func TestLoadCollectsAllProblems(t *testing.T) {
	body := strings.NewReplacer("auth: [2lo]", "auth: [9lo]", "'^[a-z]+$'", "'('", "method: get", "method: get\n    extra: 1").Replace(goodTool)
	_, err := Load(writeCatalog(t, body), testLoadOptions)
	ps, _ := strictyaml.AsProblems(err)
	if len(ps) != 3 {
		t.Errorf("want 3 problems, got %d:\n%v", len(ps), err)
	}
}

func TestCheckGJSONPath(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{"items", true},
		{"items.#.{a:b,c:d.e}", true},
		{"data.#(type==\"hubs\")#.id", true},
		{"items.#.objectKey|@reverse", true},
		{`{"k":a.b}`, true},
		{"links.next.href", true},
		{"..0", true},
		{"", false},
		{"items.#.{a:b", false},
		{"items.#(x==1", false},
		{"a..b", false},
		{"a.", false},
		{"items|@nosuch", false},
		{`a\`, false},
		{`{"k:a}`, false},
		{"a]", false},
	}
	for _, tc := range tests {
		err := checkGJSONPath(tc.path)
		if (err == nil) != tc.ok {
			t.Errorf("checkGJSONPath(%q) = %v, want ok=%v", tc.path, err, tc.ok)
		}
	}
}
