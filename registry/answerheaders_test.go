package registry

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
)

const headersCatalog = `version: 1
toolsets:
  s: {description: S}
tools:
  create_thing:
    title: A title
    description: Creates a thing.
    toolset: s
    auth: [2lo]
    method: POST
    path: /things
    params:
      name: {in: body, type: string, required: true, description: Name.}
    answer_headers: {thing_url: Location, trace: X-Trace}
`

// TestAnswerHeaders: the headers a tool names come back in its result
// under their keys, beside the answer's own fields, and one APS leaves
// out is left out; the output schema allows them.
func TestAnswerHeaders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://aps.example/things/t-1")
		w.WriteHeader(http.StatusCreated)
		if strings.Contains(r.URL.RawQuery, "body") {
			_, _ = w.Write([]byte(`{"id":"t-1"}`))
		}
	}))
	defer srv.Close()
	rt, _ := pagedRuntimeB(t, srv.URL)
	c, err := Load(writeCatalogF(t, headersCatalog), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	tool := c.Tools["create_thing"]
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = tool.Name, map[string]any{"name": "n"}
	res, err := rt.Handler(tool)(context.Background(), req)
	if err != nil || res.IsError {
		t.Fatalf("call: %v %v", err, res.Content)
	}
	conforms(t, tool, res)
	var got map[string]any
	if err := json.Unmarshal(res.RawStructuredContent, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["thing_url"] != "https://aps.example/things/t-1" {
		t.Errorf("result %s, want only thing_url from Location", res.RawStructuredContent)
	}
	doc, err := withHeaders([]byte(`{"id":"t-1"}`), map[string]string{"thing_url": "Location"}, http.Header{"Location": {"u"}})
	if err != nil || string(doc) != `{"id":"t-1","thing_url":"u"}` {
		t.Errorf("withHeaders = %s, %v", doc, err)
	}
}

func TestAnswerHeadersAreChecked(t *testing.T) {
	for _, tc := range []struct{ headers, want string }{
		{"{Thing-URL: Location}", "answer_headers.Thing-URL: needs a snake_case result key and a valid header name"},
		{"{thing_url: 'Loc ation'}", "answer_headers.thing_url: needs a snake_case result key and a valid header name"},
	} {
		_, err := Load(writeCatalogF(t, strings.Replace(headersCatalog, "{thing_url: Location, trace: X-Trace}", tc.headers, 1)), testLoadOptions)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("answer_headers %s: %v, want %q", tc.headers, err, tc.want)
		}
	}
	paged := strings.Replace(goodTool, "    result:", "    answer_headers: {u: Location}\n    paginate: {style: next-url, items: items, next: next}\n    result:", 1)
	if _, err := Load(writeCatalogF(t, paged), testLoadOptions); err == nil || !strings.Contains(err.Error(), "only single answers take answer_headers") {
		t.Errorf("a listing with answer_headers: %v", err)
	}
}
