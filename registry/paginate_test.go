package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// staticToken is a Provider that always has a token.
type staticToken struct{}

func (staticToken) Token(context.Context) (string, error) { return "t", nil }
func (staticToken) Invalidate(string)                     {}

const pagedCatalog = `version: 1
toolsets:
  s: {description: S}
tools:
  list_next:
    title: A title
    description: Lists with next links.
    toolset: s
    auth: [2lo]
    method: GET
    path: /next
    params:
      prefix: {in: query, type: string, description: Prefix.}
    paginate: {style: next-url, items: items, next: next, page_size_param: limit, page_size: 7}
    result: '{k:key}'
  list_offset:
    title: A title
    description: Lists with offsets.
    toolset: s
    auth: [2lo]
    method: GET
    path: /offset
    paginate: {style: offset, items: results, total: pagination.totalResults, offset_param: offset, page_size_param: limit, page_size: 9}
    result: '{k:key}'
`

// pagedAPS serves n items both ways: /next with startAt links, /offset
// with limit/offset and a total.
func pagedAPS(t *testing.T, n int) *httptest.Server {
	t.Helper()
	return pagedAPSB(t, n)
}

// pagedAPSB is pagedAPS for tests and benchmarks.
func pagedAPSB(t testing.TB, n int) *httptest.Server {
	t.Helper()
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%03d", i)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/next", func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		start := 0
		if s := r.URL.Query().Get("startAt"); s != "" {
			for i, k := range keys {
				if k == s {
					start = i + 1
				}
			}
		}
		end := min(start+limit, n)
		items := []map[string]string{}
		for _, k := range keys[start:end] {
			items = append(items, map[string]string{"key": k})
		}
		body := map[string]any{"items": items}
		if end < n {
			body["next"] = "https://elsewhere.example/next?startAt=" + keys[end-1] + "&limit=" + strconv.Itoa(limit)
		}
		json.NewEncoder(w).Encode(body)
	})
	mux.HandleFunc("/offset", func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		end := min(offset+limit, n)
		results := []map[string]string{}
		for _, k := range keys[min(offset, n):end] {
			results = append(results, map[string]string{"key": k})
		}
		json.NewEncoder(w).Encode(map[string]any{"results": results, "pagination": map[string]int{"limit": limit, "offset": offset, "totalResults": n}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func pagedRuntime(t *testing.T, srv *httptest.Server, limits Limits) (*Runtime, *Catalog) {
	t.Helper()
	rt, c := pagedRuntimeB(t, srv.URL)
	rt.Limits = limits
	return rt, c
}

func pagedRuntimeB(t testing.TB, base string) (*Runtime, *Catalog) {
	t.Helper()
	c, err := Load(writeCatalogF(t, pagedCatalog), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	return &Runtime{
		BaseURL: base, HTTP: apshttp.NewClient(apshttp.ClientOptions{}), Auth: staticToken{},
		Retry: apshttp.RetryPolicy{MaxAttempts: 1}, CursorKey: CursorKey("test"),
		Logger: discardLogger(),
	}, c
}

type listing struct {
	Items     []struct{ K string } `json:"items"`
	Count     int                  `json:"count"`
	Truncated bool                 `json:"truncated"`
	Cursor    string               `json:"cursor"`
	Note      string               `json:"note"`
}

func callList(t *testing.T, rt *Runtime, tool *Tool, args map[string]any) (listing, *mcp.CallToolResult) {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = tool.Name, args
	res, err := rt.Handler(tool)(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	conforms(t, tool, res)
	var l listing
	if !res.IsError {
		if err := json.Unmarshal(res.RawStructuredContent, &l); err != nil {
			t.Fatal(err)
		}
	}
	return l, res
}

// TestListingsFollowCursorsExactlyOnce: for both styles and for item and
// byte caps, a capped listing returns at most the cap, says so, and the
// cursors it hands out walk every item exactly once.
func TestListingsFollowCursorsExactlyOnce(t *testing.T) {
	const n = 100
	srv := pagedAPS(t, n)
	for _, tc := range []struct {
		tool   string
		limits Limits
	}{
		{"list_next", Limits{}},
		{"list_offset", Limits{}},
		{"list_next", Limits{MaxItems: 10}},
		{"list_offset", Limits{MaxItems: 10}},
		{"list_next", Limits{MaxItems: 14}}, // a cap on a page boundary
		{"list_offset", Limits{MaxItems: 1000, MaxBytes: 150}},
		// One item per call, always progress: "[" and the first item fit in
		// 16 bytes, a second does not. (An item alone over max_bytes is an
		// error: TestMaxBytesBoundsSingleItemsAndAnswers.)
		{"list_next", Limits{MaxItems: 1000, MaxBytes: 16}},
	} {
		t.Run(fmt.Sprintf("%s/%d items/%d bytes", tc.tool, tc.limits.MaxItems, tc.limits.MaxBytes), func(t *testing.T) {
			rt, c := pagedRuntime(t, srv, tc.limits)
			tool := c.Tools[tc.tool]
			seen := map[string]int{}
			args := map[string]any{}
			for calls := 1; ; calls++ {
				l, res := callList(t, rt, tool, args)
				if res.IsError {
					t.Fatalf("call %d: %v", calls, res.Content)
				}
				if tc.limits.MaxItems > 0 && len(l.Items) > tc.limits.MaxItems {
					t.Fatalf("call %d returned %d items over the cap %d", calls, len(l.Items), tc.limits.MaxItems)
				}
				for _, it := range l.Items {
					seen[it.K]++
				}
				if !l.Truncated {
					break
				}
				if l.Cursor == "" || !strings.Contains(l.Note, "cursor") {
					t.Fatalf("truncated result without cursor or note: %+v", l)
				}
				if calls > n+1 {
					t.Fatal("cursors do not converge")
				}
				args = map[string]any{CursorArg: l.Cursor}
			}
			if len(seen) != n {
				t.Errorf("saw %d distinct items, want %d", len(seen), n)
			}
			for k, c := range seen {
				if c != 1 {
					t.Errorf("%s seen %d times", k, c)
				}
			}
		})
	}
}

func TestCursorIsChecked(t *testing.T) {
	srv := pagedAPS(t, 30)
	rt, c := pagedRuntime(t, srv, Limits{MaxItems: 10})
	first, _ := callList(t, rt, c.Tools["list_next"], map[string]any{"prefix": "a"})
	if !first.Truncated {
		t.Fatal("want a truncated first page")
	}
	other, _ := pagedRuntime(t, srv, Limits{MaxItems: 10})
	other.CursorKey = CursorKey("another secret")
	tests := []struct {
		name string
		rt   *Runtime
		tool string
		args map[string]any
		want string
	}{
		{"tampered", rt, "list_next", map[string]any{"prefix": "a", CursorArg: "x" + first.Cursor}, "is not a cursor this tool returned"},
		{"other arguments", rt, "list_next", map[string]any{"prefix": "b", CursorArg: first.Cursor}, "belongs to a call with other arguments"},
		{"other tool", rt, "list_offset", map[string]any{CursorArg: first.Cursor}, "is not a cursor this tool returned"},
		{"other key", other, "list_next", map[string]any{"prefix": "a", CursorArg: first.Cursor}, "is not a cursor this tool returned"},
		{"not a string", rt, "list_next", map[string]any{CursorArg: 5.0}, "argument cursor: must be a string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, res := callList(t, tc.rt, c.Tools[tc.tool], tc.args)
			text := res.Content[0].(mcp.TextContent).Text
			if !res.IsError || !strings.Contains(text, tc.want) {
				t.Errorf("got %q, want an error containing %q", text, tc.want)
			}
		})
	}
	ok, res := callList(t, rt, c.Tools["list_next"], map[string]any{"prefix": "a", CursorArg: first.Cursor})
	if res.IsError || ok.Items[0].K != "key-010" {
		t.Errorf("a good cursor continues at key-010, got %+v", ok)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestEmptyAnswerIsAnEmptyPage: for a listing that declares empty_is_none,
// an answer 204 without a body (Webhooks' "no webhooks exist") is an empty
// listing, not a failure, and takes one request; a body without the items
// array still fails. A listing that does not declare it takes an empty
// answer for one cut short.
func TestEmptyAnswerIsAnEmptyPage(t *testing.T) {
	requests := 0
	answer := func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests++
		answer(w)
	}))
	defer srv.Close()
	rt, plain := pagedRuntimeB(t, srv.URL)
	declared := strings.Replace(pagedCatalog, "page_size: 7}", "page_size: 7, empty_is_none: true}", 1)
	c, err := Load(writeCatalogF(t, declared), testLoadOptions)
	if err != nil || declared == pagedCatalog {
		t.Fatalf("the catalogue with empty_is_none: %v", err)
	}
	l, res := callList(t, rt, c.Tools["list_next"], nil)
	if res.IsError || len(l.Items) != 0 || l.Truncated || requests != 1 {
		t.Errorf("204: error %v, %d items, truncated %v, %d requests; want an empty listing from one request", res.IsError, len(l.Items), l.Truncated, requests)
	}
	if _, res := callList(t, rt, plain.Tools["list_next"], nil); !res.IsError {
		t.Error("204 without empty_is_none was taken as an empty listing")
	}
	answer = func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"other":[]}`)) }
	if _, res := callList(t, rt, c.Tools["list_next"], nil); !res.IsError {
		t.Error("an answer without the items array was taken as a listing")
	}
}
