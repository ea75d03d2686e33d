package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// steppedTool is a good tool with steps; the tests below break one line.
const steppedTool = `version: 1
toolsets:
  s: {description: S}
tools:
  put_thing:
    title: Put a thing
    description: Puts a thing.
    toolset: s
    auth: [2lo]
    params:
      id: {in: path, description: The thing.}
      text: {in: steps, description: Text.}
      kind: {in: steps, description: Kind.}
    steps:
      - name: ask
        method: GET
        path: /things/{id}/slot
      - method: PUT
        url: ask.url
        content: [params.text]
        max_content_bytes: 10
      - method: POST
        path: /things/{id}/done
        headers: {x-kind: params.kind}
        body: {slot.key: ask.key}
`

// TestStepsAreValidatedAtLoad: each mistake in a tool's steps is a
// problem naming the file's line, the tool and the field.
func TestStepsAreValidatedAtLoad(t *testing.T) {
	if _, err := Load(writeCatalog(t, steppedTool), testLoadOptions); err != nil {
		t.Fatalf("the good tool with steps: %v", err)
	}
	for _, tc := range []struct {
		name, old, new string
		line           int
		field, says    string
	}{
		{"tool method too", "    auth: [2lo]\n", "    auth: [2lo]\n    method: GET\n", 10, "method", "declares its requests under steps"},
		{"cache", "    auth: [2lo]\n", "    auth: [2lo]\n    cache: 1m\n", 10, "cache", "a tool with steps cannot declare cache"},
		{"answer headers", "    auth: [2lo]\n", "    auth: [2lo]\n    answer_headers: {thing_url: Location}\n", 10, "answer_headers", "cannot declare answer_headers"},
		{"unknown step", "body: {slot.key: ask.key}", "body: {slot.key: later.key}", 25, "steps.2.body.slot.key", "name of an earlier step"},
		{"a step refers forward", "url: ask.url", "url: done.url", 19, "steps.1.url", "name of an earlier step"},
		{"url from an argument", "url: ask.url", "url: params.text", 19, "steps.1.url", "a caller never chooses where a request goes"},
		{"path and url", "        url: ask.url\n", "        url: ask.url\n        path: /x\n", 18, "steps.1", "exactly one of path"},
		{"unknown parameter", "headers: {x-kind: params.kind}", "headers: {x-kind: params.sort}", 24, "steps.2.headers.x-kind", `"params.sort" names no parameter`},
		{"unused parameter", "      kind: {in: steps, description: Kind.}\n", "      kind: {in: steps, description: Kind.}\n      spare: {in: steps, description: Spare.}\n", 14, "params.spare", "no step uses parameter spare"},
		{"query location", "text: {in: steps,", "text: {in: query,", 12, "params.text.in", "in: path (it fills a step's path) or in: steps"},
		{"placeholder", "path: /things/{id}/done", "path: /things/{ident}/done", 23, "steps.2.path", "placeholder {ident} has no matching parameter"},
		{"bad method", "method: PUT", "method: SEND", 18, "steps.1.method", "must be one of"},
		{"body on GET", "        path: /things/{id}/slot\n", "        path: /things/{id}/slot\n        body: {a: params.kind}\n", 15, "steps.0", "a GET request has no body"},
		{"content from a step", "content: [params.text]", "content: [ask.text]", 20, "steps.1.content.0", "content is read from string parameters"},
		{"bad gjson", "url: ask.url", "url: ask.url(", 19, "steps.1.url", "invalid gjson path"},
		{"one step", "      - method: PUT\n        url: ask.url\n        content: [params.text]\n        max_content_bytes: 10\n      - method: POST\n        path: /things/{id}/done\n        headers: {x-kind: params.kind}\n        body: {slot.key: ask.key}\n",
			"", 14, "steps", "takes at least two"},
		{"steps param elsewhere", "  put_thing:\n", "  plain:\n    title: P\n    description: P.\n    toolset: s\n    auth: [2lo]\n    method: GET\n    path: /p\n    params:\n      q: {in: steps, description: Q.}\n  put_thing:\n", 13, "params.q.in", "in: steps is for tools with steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(steppedTool, tc.old) {
				t.Fatalf("the test's old text %q is not in the tool", tc.old)
			}
			file := writeCatalog(t, strings.Replace(steppedTool, tc.old, tc.new, 1))
			_, err := Load(file, testLoadOptions)
			var ps strictyaml.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Load = %v, want problems", err)
			}
			for _, p := range ps {
				if p.Field == tc.field && p.Line == tc.line && strings.Contains(p.Message, tc.says) && p.File == file {
					return
				}
			}
			t.Errorf("no problem at line %d, field %s, saying %q; got:\n%v", tc.line, tc.field, tc.says, err)
		})
	}
}

// TestStepsRun: the steps go in order, each built from the arguments and
// the answers before it; the url step carries no APS token, the others do;
// and when the url step fails, neither the error nor the result quotes the
// signed URL, which grants access by itself.
func TestStepsRun(t *testing.T) {
	var s3Status atomic.Int64
	s3Status.Store(http.StatusOK)
	var seen []string
	var mu sync.Mutex
	var s3Base atomic.Value // where the signed URL points
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s3Base.Store(srv.URL)
	note := func(r *http.Request, body string) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.Method+" "+r.URL.Path+" auth="+r.Header.Get("Authorization")+" kind="+r.Header.Get("x-kind")+" "+body)
	}
	mux.HandleFunc("GET /things/{id}/slot", func(w http.ResponseWriter, r *http.Request) {
		note(r, "")
		_, _ = fmt.Fprintf(w, `{"url":%q,"key":"k-1"}`, s3Base.Load().(string)+"/s3/secret-token?X-Amz-Signature=SECRETSIG")
	})
	mux.HandleFunc("PUT /s3/{token}", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		note(r, string(b))
		w.WriteHeader(int(s3Status.Load()))
	})
	mux.HandleFunc("POST /things/{id}/done", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		note(r, string(b))
		_, _ = w.Write([]byte(`{"done":true}`))
	})
	c, err := Load(writeCatalog(t, steppedTool), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	rt := &Runtime{BaseURL: srv.URL, HTTP: apshttp.NewClient(apshttp.ClientOptions{}), Auth: staticToken{},
		Retry: apshttp.RetryPolicy{MaxAttempts: 1}, CursorKey: CursorKey("test"), Logger: discardLogger()}
	call := func(args map[string]any) *mcp.CallToolResult {
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = "put_thing", args
		res, err := rt.Handler(c.Tools["put_thing"])(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	if res := call(map[string]any{"id": "a/b", "text": "hello", "kind": "note"}); res.IsError || !strings.Contains(string(res.RawStructuredContent), `"done":true`) {
		t.Fatalf("put_thing: %+v", res)
	}
	want := []string{
		"GET /things/a/b/slot auth=Bearer t kind= ",
		"PUT /s3/secret-token auth= kind= hello",
		`POST /things/a/b/done auth=Bearer t kind=note {"slot":{"key":"k-1"}}`,
	}
	if !slices.Equal(seen, want) {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}

	if res := call(map[string]any{"id": "a", "text": "more than ten bytes"}); !res.IsError || len(seen) != 3 {
		t.Errorf("content over max_content_bytes: error %v, %d requests", res.IsError, len(seen))
	}
	s3Status.Store(http.StatusForbidden)
	res := call(map[string]any{"id": "a", "text": "x"})
	text := fmt.Sprint(res.Content)
	if !res.IsError || !strings.Contains(text, "403") || strings.Contains(text, "SECRETSIG") || strings.Contains(text, "secret-token") || len(seen) != 5 {
		t.Errorf("a refused PUT (%d requests): %s", len(seen), text)
	}
	s3Base.Store("http://127.0.0.1:1") // nobody listens there
	res = call(map[string]any{"id": "a", "text": "x"})
	if text := fmt.Sprint(res.Content); !res.IsError || !strings.Contains(text, "could not reach the signed URL") ||
		strings.Contains(text, "SECRETSIG") || strings.Contains(text, "secret-token") {
		t.Errorf("an unreachable signed URL: %s", text)
	}
}
