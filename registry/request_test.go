package registry

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func loadGood(t *testing.T) *Tool {
	t.Helper()
	c, err := Load(writeCatalog(t, strings.Replace(goodTool, "      limit:", "      trace: {in: header, name: x-trace, type: string, description: Trace id.}\n      limit:", 1)), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	return c.Tools["list_objects"]
}

func TestBuildRequestPlacesArguments(t *testing.T) {
	tool := loadGood(t)
	tool.Params["bucket_key"].re = nil // let hostile values through to the escaper
	tests := []struct {
		name      string
		args      map[string]any
		wantPath  string
		wantQuery string
		wantErr   string
	}{
		{name: "plain", args: map[string]any{"bucket_key": "abc"}, wantPath: "/oss/v2/buckets/abc/objects", wantQuery: "limit=10"},
		{name: "slash stays in its segment", args: map[string]any{"bucket_key": "a/b"}, wantPath: "/oss/v2/buckets/a%2Fb/objects", wantQuery: "limit=10"},
		{name: "query and fragment", args: map[string]any{"bucket_key": "a?x=1#f"}, wantPath: "/oss/v2/buckets/a%3Fx=1%23f/objects", wantQuery: "limit=10"},
		{name: "percent", args: map[string]any{"bucket_key": "100%"}, wantPath: "/oss/v2/buckets/100%25/objects", wantQuery: "limit=10"},
		{name: "traversal inside a value", args: map[string]any{"bucket_key": "../../x"}, wantPath: "/oss/v2/buckets/..%2F..%2Fx/objects", wantQuery: "limit=10"},
		{name: "control characters", args: map[string]any{"bucket_key": "a\r\nb"}, wantPath: "/oss/v2/buckets/a%0D%0Ab/objects", wantQuery: "limit=10"},
		{name: "non-ASCII", args: map[string]any{"bucket_key": "Übersicht 設計"}, wantPath: "/oss/v2/buckets/%C3%9Cbersicht%20%E8%A8%AD%E8%A8%88/objects", wantQuery: "limit=10"},
		{name: "explicit query value", args: map[string]any{"bucket_key": "abc", "limit": 100.0}, wantPath: "/oss/v2/buckets/abc/objects", wantQuery: "limit=100"},
		{name: "dot-dot", args: map[string]any{"bucket_key": ".."}, wantErr: `argument bucket_key: must not be "." or ".."`},
		{name: "dot", args: map[string]any{"bucket_key": "."}, wantErr: `argument bucket_key: must not be "." or ".."`},
		{name: "empty", args: map[string]any{"bucket_key": ""}, wantErr: "argument bucket_key: must not be empty"},
		{name: "too long", args: map[string]any{"bucket_key": strings.Repeat("a", maxPathValue+1)}, wantErr: "argument bucket_key: is too long"},
		{name: "missing", args: map[string]any{}, wantErr: "argument bucket_key: required but missing"},
		{name: "null is missing", args: map[string]any{"bucket_key": nil}, wantErr: "argument bucket_key: required but missing"},
		{name: "unknown", args: map[string]any{"bucket_key": "abc", "host": "evil.example"}, wantErr: "argument host: unknown argument; this tool takes: bucket_key, limit, trace"},
		{name: "fraction for integer", args: map[string]any{"bucket_key": "abc", "limit": 1.5}, wantErr: "argument limit: must be a whole number"},
		{name: "below minimum", args: map[string]any{"bucket_key": "abc", "limit": 0.0}, wantErr: "argument limit: must be at least 1"},
		{name: "string for integer", args: map[string]any{"bucket_key": "abc", "limit": "5"}, wantErr: "argument limit: must be an integer, got a string"},
		{name: "header CRLF", args: map[string]any{"bucket_key": "abc", "trace": "x\r\nX-Evil: 1"}, wantErr: "argument trace: must not contain control characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := tool.buildRequest(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if req.Path != tc.wantPath || req.Query.Encode() != tc.wantQuery {
				t.Errorf("got %s?%s, want %s?%s", req.Path, req.Query.Encode(), tc.wantPath, tc.wantQuery)
			}
			// Whatever the value, the URL keeps the host and its three
			// fixed segments around exactly one argument segment.
			u, err := url.Parse("https://developer.api.autodesk.com" + req.Path)
			if err != nil || u.Host != "developer.api.autodesk.com" || u.RawQuery != "" || u.Fragment != "" {
				t.Errorf("URL escaped its template: %v %+v", err, u)
			}
			segs := strings.Split(u.EscapedPath(), "/")
			if len(segs) != 6 || segs[5] != "objects" {
				t.Errorf("segments = %q", segs)
			} else if got, _ := url.PathUnescape(segs[4]); got != tc.args["bucket_key"] {
				t.Errorf("bucket segment decodes to %q, want %q", got, tc.args["bucket_key"])
			}
		})
	}
}

func TestHeaderArgument(t *testing.T) {
	req, err := loadGood(t).buildRequest(map[string]any{"bucket_key": "abc", "trace": "t-1"})
	if err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("x-trace") != "t-1" {
		t.Errorf("header = %v", req.Header)
	}
}

func TestProjectAnswer(t *testing.T) {
	tests := []struct {
		name   string
		result string
		doc    string
		want   string
	}{
		{"object as is", "", `{"a":1}`, `{"a":1}`},
		{"projected object", "{x:a}", `{"a":1,"b":2}`, `{"x":1}`},
		{"array wrapped", "items.#.k", `{"items":[{"k":"a"},{"k":"b"}]}`, `{"items":["a","b"],"count":2}`},
		{"scalar wrapped", "a", `{"a":"x"}`, `{"result":"x"}`},
		{"missing", "nope", `{"a":1}`, `{"result":null}`},
		{"empty body", "", ``, `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := projectAnswer(&Tool{Result: tc.result, projection: compileProjection(tc.result)}, []byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("projectAnswer = %s, want %s", got, tc.want)
			}
		})
	}
	if _, err := projectAnswer(&Tool{}, []byte("<html>")); err == nil {
		t.Error("a non-JSON body must be an error")
	}
}

func TestSelect(t *testing.T) {
	withEmpty := strings.Replace(goodTool, "  oss: {description: OSS}\n", "  oss: {description: OSS}\n  later: {description: Tools to come}\n", 1)
	body := withEmpty + `  delete_object:
    title: Delete
    description: Deletes an object.
    toolset: oss
    auth: [2lo]
    scopes: [data:read]
    method: DELETE
    path: /oss/v2/buckets/{bucket_key}
    params:
      bucket_key: {in: path, type: string, description: Bucket.}
  list_hubs:
    title: A title
    description: Lists hubs.
    toolset: oss
    auth: [ssa]
    scopes: [data:read]
    method: GET
    path: /project/v1/hubs
`
	c, err := Load(writeCatalog(t, body), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	names := func(ts []*Tool) string {
		var n []string
		for _, t := range ts {
			n = append(n, t.Name)
		}
		return strings.Join(n, ",")
	}
	tests := []struct {
		name    string
		sel     Selection
		want    string
		wantErr string
	}{
		{"kind and scopes", Selection{Kind: "2lo", Scopes: []string{"data:read"}}, "delete_object,list_objects", ""},
		{"read only", Selection{Kind: "2lo", Scopes: []string{"data:read"}, ReadOnly: true}, "list_objects", ""},
		{"missing scope", Selection{Kind: "2lo", Scopes: []string{"bucket:read"}}, "", ""},
		{"other kind", Selection{Kind: "ssa", Scopes: []string{"data:read"}}, "list_hubs", ""},
		{"exclude", Selection{Kind: "2lo", Scopes: []string{"data:read"}, Exclude: []string{"delete_object"}}, "list_objects", ""},
		{"include typo", Selection{Kind: "2lo", Scopes: []string{"data:read"}, Include: []string{"osss"}}, "", `"osss" is neither a toolset nor a tool`},
		{"named but unservable", Selection{Kind: "2lo", Scopes: []string{"data:read"}, Include: []string{"list_hubs"}}, "", "tool list_hubs cannot be served: it needs auth ssa"},
		{"included toolset unservable", Selection{Kind: "2lo", Scopes: []string{"bucket:read"}, Include: []string{"oss"}}, "",
			"tools.include: toolset oss gives the profile no tools: delete_object, list_objects: the profile's scopes lack data:read; list_hubs: it needs auth ssa, the profile uses 2lo"},
		{"included toolset excluded", Selection{Kind: "2lo", Scopes: []string{"data:read"}, Include: []string{"oss"}, Exclude: []string{"delete_object", "list_objects"}}, "",
			"tools.include: toolset oss gives the profile no tools: delete_object, list_objects: excluded; list_hubs: it needs auth ssa, the profile uses 2lo"},
		{"included toolset without tools", Selection{Kind: "2lo", Scopes: []string{"data:read"}, Include: []string{"oss", "later"}}, "",
			"tools.include: toolset later gives the profile no tools: it has none in "},
		{"included toolset with a tool", Selection{Kind: "ssa", Scopes: []string{"data:read"}, Include: []string{"oss"}}, "list_hubs", ""},
		// On demand changes what is listed, not what is served.
		{"on demand served", Selection{Kind: "2lo", Scopes: []string{"data:read"}, OnDemand: []string{"delete_object"}}, "delete_object,list_objects", ""},
		{"on demand typo", Selection{Kind: "2lo", Scopes: []string{"data:read"}, OnDemand: []string{"list_objekts"}}, "",
			`tools.on_demand: "list_objekts" is neither a toolset nor a tool`},
		{"on demand of a tool not served", Selection{Kind: "2lo", Scopes: []string{"data:read"}, OnDemand: []string{"list_hubs"}}, "",
			`tools.on_demand: "list_hubs" names none of the tools the profile serves`},
		{"on demand of a toolset not served", Selection{Kind: "2lo", Scopes: []string{"data:read"}, OnDemand: []string{"later"}}, "",
			`tools.on_demand: "later" names none of the tools the profile serves`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, errs, _ := c.Select(tc.sel)
			if tc.wantErr != "" {
				if len(errs) == 0 || !strings.Contains(errs[0].Error(), tc.wantErr) {
					t.Fatalf("errors = %v, want %q", errs, tc.wantErr)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if names(got) != tc.want {
				t.Errorf("selected %q, want %q", names(got), tc.want)
			}
		})
	}

	// Listed: a tool is listed unless on_demand names it or its toolset.
	oss := &Tool{Name: "list_objects", Toolset: "oss"}
	for _, tc := range []struct {
		onDemand []string
		want     bool
	}{{nil, true}, {[]string{"list_objects"}, false}, {[]string{"oss"}, false}, {[]string{"delete_object", "later"}, true}} {
		if got := (Selection{OnDemand: tc.onDemand}).Listed(oss); got != tc.want {
			t.Errorf("on_demand %v: Listed(list_objects) = %v, want %v", tc.onDemand, got, tc.want)
		}
	}

	// A toolset included whole that the profile's kind or scopes serve
	// only in part is a warning naming what it lacks, and why; what the
	// profile itself leaves out (exclude, read-only) is not.
	warnings := []struct {
		name string
		sel  Selection
		want string // "" for none
	}{
		{"kind leaves one out", Selection{Kind: "2lo", Scopes: []string{"data:read"}, Include: []string{"later", "oss"}, Exclude: []string{"later"}},
			"tools.include.1: toolset oss comes without list_hubs: it needs auth ssa, the profile uses 2lo"},
		{"read-only and excluded are meant", Selection{Kind: "2lo", Scopes: []string{"data:read"}, Include: []string{"oss"}, Exclude: []string{"list_hubs"}, ReadOnly: true}, ""},
		{"not included by name", Selection{Kind: "2lo", Scopes: []string{"data:read"}}, ""},
	}
	for _, tc := range warnings {
		t.Run(tc.name, func(t *testing.T) {
			_, _, warns := c.Select(tc.sel)
			switch {
			case tc.want == "" && len(warns) > 0:
				t.Errorf("warnings %v, want none", warns)
			case tc.want != "" && (len(warns) != 1 || warns[0].Path()+": "+warns[0].Message != tc.want):
				t.Errorf("warnings %v, want %q", warns, tc.want)
			}
		})
	}
}

// TestSetPath: dotted wire names nest objects, and a small number indexes
// an array, so declared parameters can fill a list of objects.
func TestSetPath(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{"flat", []string{"a"}, `{"a":"v0"}`},
		{"nested", []string{"pagination.limit", "pagination.offset"}, `{"pagination":{"limit":"v0","offset":"v1"}}`},
		{"array element", []string{"output.formats.0.type", "output.formats.0.views"}, `{"output":{"formats":[{"type":"v0","views":"v1"}]}}`},
		{"two elements", []string{"f.1.type", "f.0.type"}, `{"f":[{"type":"v1"},{"type":"v0"}]}`},
		{"large number is a name", []string{"f.99.type"}, `{"f":{"99":{"type":"v0"}}}`},
		{"leading zero is a name", []string{"f.01"}, `{"f":{"01":"v0"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]any{}
			for i, p := range tc.paths {
				setPath(body, p, fmt.Sprintf("v%d", i))
			}
			got, err := json.Marshal(body)
			if err != nil || string(got) != tc.want {
				t.Errorf("body = %s (%v), want %s", got, err, tc.want)
			}
		})
	}
}
