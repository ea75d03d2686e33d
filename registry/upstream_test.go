package registry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/logging"
)

// pageFault is what faulty serves instead of the answer to request number
// n (from 1) for the page at startAt or offset at; ok serves it as usual.
type pageFault func(n int, at string) (status int, cut bool)

// faulty passes requests to h, breaking the answers fault picks: a status
// other than 200 in place of the answer, or the answer cut to half its
// bytes with a Content-Length that matches, which the transport cannot
// tell from a whole answer. It counts every request.
func faulty(h http.Handler, requests *atomic.Int32, fault pageFault) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(requests.Add(1))
		at := r.URL.Query().Get("startAt") + r.URL.Query().Get("offset")
		status, cut := fault(n, at)
		if status != 0 && status != http.StatusOK {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"developerMessage":"The service is temporarily unavailable.","errorCode":"ERR-003"}`))
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if cut {
			body = body[:len(body)/2]
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
}

func resultText(res *mcp.CallToolResult) string {
	if len(res.Content) == 0 {
		return ""
	}
	text, _ := res.Content[0].(mcp.TextContent)
	return text.Text
}

// TestPagesCutShortNeverLookWhole: a page that is not complete JSON is
// retried like a failed exchange; when its retries run out the listing
// says so, on the first page as an error, later with the pages before it,
// truncated, and a cursor that resumes at the broken page.
func TestPagesCutShortNeverLookWhole(t *testing.T) {
	const n = 30 // list_next pages of 7: startAt "" then key-006, key-013, ...
	retry := apshttp.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxWait: time.Second}
	for _, tc := range []struct {
		name         string
		fault        pageFault
		wantRequests int32
		wantError    bool // the first page never came
		wantItems    int  // in the first call's result
	}{
		{"every answer cut", func(int, string) (int, bool) { return 0, true }, 3, true, 0},
		{"cut twice, then whole", func(n int, at string) (int, bool) { return 0, at == "key-006" && n <= 3 }, 7, false, n},
		{"second page always cut", func(_ int, at string) (int, bool) { return 0, at == "key-006" }, 4, false, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var requests atomic.Int32
			srv := httptest.NewServer(faulty(pagedAPS(t, n).Config.Handler, &requests, tc.fault))
			defer srv.Close()
			rt, c := pagedRuntimeB(t, srv.URL)
			rt.Retry = retry
			l, res := callList(t, rt, c.Tools["list_next"], nil)
			text := resultText(res)
			switch {
			case tc.wantError:
				if !res.IsError || !strings.Contains(text, "cut short") {
					t.Errorf("want an error saying the answer was cut short, got %s", text)
				}
			case res.IsError || len(l.Items) != tc.wantItems || l.Count != tc.wantItems:
				t.Errorf("got %d items (count %d), error %v %s; want %d", len(l.Items), l.Count, res.IsError, text, tc.wantItems)
			case tc.wantItems < n && (!l.Truncated || l.Cursor == "" || !strings.Contains(l.Note, "cut short")):
				t.Errorf("a listing that stopped early does not say so: %+v", l)
			}
			if got := requests.Load(); got != tc.wantRequests {
				t.Errorf("%d requests, want %d", got, tc.wantRequests)
			}
		})
	}
}

// TestListingKeepsItsPagesWhenRetriesRunOut: a page whose retries run out
// on 429, 5xx or a lost answer ends the listing with the items before it,
// truncated, APS's message and a cursor at that page; resuming from the
// cursor, once APS recovers, returns every item exactly once. A refusal
// that no retry helps (404) is still an error.
func TestListingKeepsItsPagesWhenRetriesRunOut(t *testing.T) {
	const n = 40
	for _, tool := range []string{"list_next", "list_offset"} {
		t.Run(tool, func(t *testing.T) {
			var requests atomic.Int32
			var healed atomic.Bool
			third := map[string]string{"list_next": "key-013", "list_offset": "18"}[tool]
			srv := httptest.NewServer(faulty(pagedAPS(t, n).Config.Handler, &requests, func(_ int, at string) (int, bool) {
				if at == third && !healed.Load() {
					return http.StatusServiceUnavailable, false
				}
				return 0, false
			}))
			defer srv.Close()
			rt, c := pagedRuntimeB(t, srv.URL)
			rt.Retry = apshttp.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxWait: time.Second}
			first, res := callList(t, rt, c.Tools[tool], nil)
			if res.IsError || !first.Truncated || first.Cursor == "" || first.Count == 0 ||
				!strings.Contains(first.Note, "503") || !strings.Contains(first.Note, "temporarily unavailable") {
				t.Fatalf("want the pages before the failing one, truncated, with APS's message and a cursor; got %+v %s", first, resultText(res))
			}
			healed.Store(true)
			seen := map[string]int{}
			for _, it := range first.Items {
				seen[it.K]++
			}
			rest, res := callList(t, rt, c.Tools[tool], map[string]any{CursorArg: first.Cursor})
			if res.IsError || rest.Truncated {
				t.Fatalf("resuming: %+v %s", rest, resultText(res))
			}
			for _, it := range rest.Items {
				seen[it.K]++
			}
			for k, c := range seen {
				if c != 1 {
					t.Errorf("%s seen %d times", k, c)
				}
			}
			if len(seen) != n {
				t.Errorf("%d distinct items, want %d", len(seen), n)
			}
		})
	}

	t.Run("a refusal mid-listing is an error", func(t *testing.T) {
		var requests atomic.Int32
		srv := httptest.NewServer(faulty(pagedAPS(t, n).Config.Handler, &requests, func(_ int, at string) (int, bool) {
			if at == "key-013" {
				return http.StatusNotFound, false
			}
			return 0, false
		}))
		defer srv.Close()
		rt, c := pagedRuntimeB(t, srv.URL)
		if _, res := callList(t, rt, c.Tools["list_next"], nil); !res.IsError || !strings.Contains(resultText(res), "404") {
			t.Errorf("want the 404 as an error, got %s", resultText(res))
		}
	})
}

// TestEveryPageGetsItsOwnRetries: a listing whose every page needs all
// but one of its attempts completes: the retry budget is per page, not
// shared by the whole call.
func TestEveryPageGetsItsOwnRetries(t *testing.T) {
	const n, attempts = 30, 3
	var requests atomic.Int32
	srv := httptest.NewServer(faulty(pagedAPS(t, n).Config.Handler, &requests, func(n int, _ string) (int, bool) {
		if n%attempts != 0 {
			return http.StatusTooManyRequests, false
		}
		return 0, false
	}))
	defer srv.Close()
	rt, c := pagedRuntimeB(t, srv.URL)
	rt.Retry = apshttp.RetryPolicy{MaxAttempts: attempts, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxWait: time.Second}
	l, res := callList(t, rt, c.Tools["list_next"], nil)
	if res.IsError || l.Truncated || l.Count != n {
		t.Errorf("got %d items, truncated %v, error %s; want all %d", l.Count, l.Truncated, resultText(res), n)
	}
	if pages := (n + 6) / 7; requests.Load() != int32(pages*attempts) {
		t.Errorf("%d requests for %d pages of %d attempts each", requests.Load(), pages, attempts)
	}
}

// TestOffsetListingRequestCount: an offset listing asks for each page
// once and stops at the total, with no request for a page past the end,
// whether or not the total is a multiple of the page size.
func TestOffsetListingRequestCount(t *testing.T) {
	for _, tc := range []struct{ items, pages int32 }{{100, 12}, {99, 11}, {9, 1}, {0, 1}} {
		var requests atomic.Int32
		srv := httptest.NewServer(faulty(pagedAPS(t, int(tc.items)).Config.Handler, &requests, func(int, string) (int, bool) { return 0, false }))
		rt, c := pagedRuntimeB(t, srv.URL)
		l, res := callList(t, rt, c.Tools["list_offset"], nil)
		srv.Close()
		if res.IsError || l.Count != int(tc.items) {
			t.Errorf("%d items: got %d, error %s", tc.items, l.Count, resultText(res))
		}
		if got := requests.Load(); got != tc.pages {
			t.Errorf("%d items in pages of 9: %d requests, want %d", tc.items, got, tc.pages)
		}
	}
}

// TestMaxBytesBoundsSingleItemsAndAnswers: an item that alone is over
// max_bytes, or a single answer over it, is an error naming the limit,
// never a result over the limit.
func TestMaxBytesBoundsSingleItemsAndAnswers(t *testing.T) {
	srv := pagedAPS(t, 20)
	rt, c := pagedRuntime(t, srv, Limits{MaxBytes: 10}) // an item is {"k":"key-000"}, 15 bytes
	_, res := callList(t, rt, c.Tools["list_next"], nil)
	if text := resultText(res); !res.IsError || !strings.Contains(text, "max_bytes") || !strings.Contains(text, "10") {
		t.Errorf("an item over max_bytes: want an error naming the limit, got %s", text)
	}

	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"bucketKey":"b","notes":"` + strings.Repeat("x", 4096) + `"}`))
	}))
	defer big.Close()
	rt, _ = pagedRuntime(t, srv, Limits{MaxBytes: 1024})
	rt.BaseURL = big.URL
	tool := singleTool(t)
	res = callSingle(t, rt, tool)
	if text := resultText(res); !res.IsError || !strings.Contains(text, "max_bytes") || !strings.Contains(text, "1024") {
		t.Errorf("an answer over max_bytes: want an error naming the limit, got %s", text)
	}
}

// TestSingleAnswersThatAreNotJSON: a single answer that is not JSON is
// retried, then an error; never a result built from it.
func TestSingleAnswersThatAreNotJSON(t *testing.T) {
	for _, body := range []string{`<html>maintenance</html>`, `{"bucketKey":"b","own`} {
		var requests atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			_, _ = w.Write([]byte(body))
		}))
		rt, _ := pagedRuntimeB(t, srv.URL)
		rt.Retry = apshttp.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxWait: time.Second}
		res := callSingle(t, rt, singleTool(t))
		srv.Close()
		if text := resultText(res); !res.IsError || !strings.Contains(text, "JSON") {
			t.Errorf("%s: want an error saying the answer is not JSON, got %s", body, text)
		}
		if requests.Load() != 3 {
			t.Errorf("%s: %d requests, want 3", body, requests.Load())
		}
	}
}

const singleCatalog = `version: 1
toolsets:
  s: {description: S}
tools:
  get_bucket:
    title: A title
    description: Gets a bucket.
    toolset: s
    auth: [2lo]
    method: GET
    path: /bucket
`

func singleTool(t *testing.T) *Tool {
	t.Helper()
	c, err := Load(writeCatalogF(t, singleCatalog), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	return c.Tools["get_bucket"]
}

func callSingle(t *testing.T, rt *Runtime, tool *Tool) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool.Name
	res, err := rt.Handler(tool)(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	conforms(t, tool, res)
	return res
}

// TestStoppedListingIsJSON: APS's message in a listing stopped early is
// carried as JSON, whatever bytes it holds.
func TestStoppedListingIsJSON(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			_, _ = w.Write([]byte(`{"items":[{"key":"a"}],"next":"/next?startAt=a"}`))
			return
		}
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("bad\x01gateway \xff\xfe é"))
	}))
	defer srv.Close()
	rt, c := pagedRuntimeB(t, srv.URL)
	l, res := callList(t, rt, c.Tools["list_next"], nil) // callList fails on a document that is not JSON
	if res.IsError || !l.Truncated || l.Count != 1 || !strings.Contains(l.Note, "502") {
		t.Errorf("got %+v %s", l, resultText(res))
	}
}

// TestResultsAreRedacted: what the logs never show, results never show
// either: a token or secret APS echoes in an error body or in an answer
// is redacted, and a Runtime without a Redactor still redacts credential
// shapes.
func TestResultsAreRedacted(t *testing.T) {
	const secret = "the-client-secret-1234"
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("fail") != "" {
			w.WriteHeader(http.StatusForbidden)
		}
		_, _ = w.Write([]byte(`{"developerMessage":"refused Authorization: Bearer ` + jwt + ` with ` + secret + `"}`))
	}))
	defer srv.Close()
	catalog := strings.Replace(singleCatalog, "    path: /bucket\n", "    path: /bucket\n    params:\n      fail: {in: query, type: string, description: Fail.}\n", 1)
	c, err := Load(writeCatalogF(t, catalog), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	rt, _ := pagedRuntimeB(t, srv.URL)
	for _, tc := range []struct {
		name     string
		redactor *logging.Redactor
		gone     []string
	}{
		{"the server's secrets", logging.NewRedactor(secret), []string{jwt, secret}},
		{"no Redactor: the shapes", nil, []string{jwt}},
	} {
		rt.Redactor = tc.redactor
		for _, args := range []map[string]any{{"fail": "yes"}, nil} {
			req := mcp.CallToolRequest{}
			req.Params.Name, req.Params.Arguments = "get_bucket", args
			res, err := rt.Handler(c.Tools["get_bucket"])(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			conforms(t, c.Tools["get_bucket"], res)
			text := resultText(res)
			for _, g := range tc.gone {
				if strings.Contains(text, g) || strings.Contains(string(res.RawStructuredContent), g) {
					t.Errorf("%s, error %v: the result holds %q: %s", tc.name, res.IsError, g, text)
				}
			}
			if !strings.Contains(text, logging.Redacted) || res.IsError != (args != nil) {
				t.Errorf("%s: %s", tc.name, text)
			}
		}
	}
}

// TestRedactionNeverBreaksJSON: a document that redaction would leave
// invalid JSON is withheld, not sent broken.
func TestRedactionNeverBreaksJSON(t *testing.T) {
	res := redacted(logging.NewRedactor(`1","b"`), successResult([]byte(`{"a":"1","b":"2"}`)))
	if !res.IsError || !strings.Contains(resultText(res), "withheld") {
		t.Errorf("got %s", resultText(res))
	}
	clean := successResult([]byte(`{"a":"1"}`))
	if redacted(logging.NewRedactor("secret-value"), clean) != clean {
		t.Error("a clean result was rebuilt")
	}
}
