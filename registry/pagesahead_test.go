package registry

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// inFlight wraps h, counting the requests it serves at once and the most it
// ever served at once, after the first request (the first page).
type inFlight struct {
	h              http.Handler
	before         func(r *http.Request) // runs first, e.g. to sleep
	requests, now  atomic.Int32
	mu             sync.Mutex
	most           int32
	offsetsInOrder []string
}

func (f *inFlight) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	n := f.now.Add(1)
	defer f.now.Add(-1)
	f.mu.Lock()
	f.most = max(f.most, n)
	f.offsetsInOrder = append(f.offsetsInOrder, r.URL.Query().Get("offset"))
	f.mu.Unlock()
	if f.before != nil {
		f.before(r)
	}
	f.h.ServeHTTP(w, r)
}

// wantKeys checks that items are key-FROM .. key-TO-1, in order.
func wantKeys(t *testing.T, l listing, from, to int) {
	t.Helper()
	if len(l.Items) != to-from {
		t.Fatalf("%d items, want %d (key-%03d to key-%03d)", len(l.Items), to-from, from, to-1)
	}
	for i, it := range l.Items {
		if want := fmt.Sprintf("key-%03d", from+i); it.K != want {
			t.Fatalf("item %d is %s, want %s: pages out of order", i, it.K, want)
		}
	}
}

// TestPagesAheadKeepTheirOrder: an offset listing fetches the pages after
// the first at once, at most pagesAheadAtOnce at a time, each exactly once,
// and returns the items in order however late each page comes.
func TestPagesAheadKeepTheirOrder(t *testing.T) {
	const n = 300 // 34 pages of 9
	for seed := range uint64(3) {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(seed, 1))
			var mu sync.Mutex
			f := &inFlight{h: pagedAPS(t, n).Config.Handler, before: func(*http.Request) {
				mu.Lock()
				d := time.Duration(rnd.IntN(20)) * time.Millisecond
				mu.Unlock()
				time.Sleep(d)
			}}
			srv := httptest.NewServer(f)
			defer srv.Close()
			rt, c := pagedRuntimeB(t, srv.URL)
			rt.Limits.MaxItems = 1000
			l, res := callList(t, rt, c.Tools["list_offset"], nil)
			if res.IsError || l.Truncated || l.Count != n {
				t.Fatalf("got %d items, truncated %v, %s", l.Count, l.Truncated, resultText(res))
			}
			wantKeys(t, l, 0, n)
			seen := map[string]bool{}
			for _, off := range f.offsetsInOrder {
				if seen[off] {
					t.Errorf("offset %q asked for twice", off)
				}
				seen[off] = true
			}
			if got := f.requests.Load(); got != 34 {
				t.Errorf("%d requests, want 34", got)
			}
			if f.most < 2 || f.most > pagesAheadAtOnce {
				t.Errorf("at most %d pages in flight at once, want 2..%d", f.most, pagesAheadAtOnce)
			}
		})
	}
}

// TestPagesAheadRespectCapsAndLimit: the pages fetched at once are the ones
// the cap or the call's limit needs, no more; the result stops where the
// sequential one would, with a cursor that resumes exactly there.
func TestPagesAheadRespectCapsAndLimit(t *testing.T) {
	const n = 100 // pages of 9
	for _, tc := range []struct {
		name         string
		maxItems     int
		args         map[string]any
		wantItems    int
		wantRequests int32
	}{
		{"limit inside a page", 500, map[string]any{LimitArg: 20.0}, 20, 3},
		{"cap on a page boundary", 27, nil, 27, 3},
		{"limit of one page", 500, map[string]any{LimitArg: 9.0}, 9, 1},
		{"cap past the total", 500, nil, n, 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &inFlight{h: pagedAPS(t, n).Config.Handler}
			srv := httptest.NewServer(f)
			defer srv.Close()
			rt, c := pagedRuntimeB(t, srv.URL)
			rt.Limits.MaxItems = tc.maxItems
			l, res := callList(t, rt, c.Tools["list_offset"], tc.args)
			if res.IsError {
				t.Fatal(resultText(res))
			}
			wantKeys(t, l, 0, tc.wantItems)
			if got := f.requests.Load(); got != tc.wantRequests {
				t.Errorf("%d requests, want %d", got, tc.wantRequests)
			}
			if truncated := tc.wantItems < n; l.Truncated != truncated || truncated && l.Cursor == "" {
				t.Fatalf("truncated %v, cursor %q; want truncated %v with a cursor", l.Truncated, l.Cursor, truncated)
			}
			// The cursors walk the rest in order, exactly once.
			for from := tc.wantItems; l.Truncated; {
				next, res := callList(t, rt, c.Tools["list_offset"], map[string]any{CursorArg: l.Cursor})
				if res.IsError || len(next.Items) == 0 {
					t.Fatalf("resuming at item %d: %s", from, resultText(res))
				}
				wantKeys(t, next, from, from+len(next.Items))
				from, l = from+len(next.Items), next
				if !l.Truncated && from != n {
					t.Fatalf("the cursors end at item %d of %d", from, n)
				}
			}
		})
	}
}

// TestPagesAheadFailureInTheMiddle: a page that fails while later ones
// arrive first ends the listing with the pages before it, in order, a
// cursor at the failed page and APS's message; nothing after it leaks into
// the result, and resuming returns the rest exactly once. A failure no
// later call mends (404) is an error, never a short result that looks whole.
func TestPagesAheadFailureInTheMiddle(t *testing.T) {
	const n = 100
	var healed atomic.Bool
	var status atomic.Int32
	status.Store(http.StatusServiceUnavailable)
	f := &inFlight{h: pagedAPS(t, n).Config.Handler}
	broken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch off := r.URL.Query().Get("offset"); {
		case off == "45" && !healed.Load():
			time.Sleep(30 * time.Millisecond) // the pages after it are done first
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(int(status.Load()))
			_, _ = w.Write([]byte(`{"developerMessage":"The service is temporarily unavailable.","errorCode":"ERR-003"}`))
		default:
			f.ServeHTTP(w, r)
		}
	})
	srv := httptest.NewServer(broken)
	defer srv.Close()
	rt, c := pagedRuntimeB(t, srv.URL)
	rt.Retry = apshttp.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxWait: time.Second}
	tool := c.Tools["list_offset"]

	first, res := callList(t, rt, tool, nil)
	if res.IsError || !first.Truncated || first.Cursor == "" || !strings.Contains(first.Note, "page 6 failed") || !strings.Contains(first.Note, "temporarily unavailable") {
		t.Fatalf("want the five pages before offset 45, truncated, with the reason; got %+v %s", first, resultText(res))
	}
	wantKeys(t, first, 0, 45)
	healed.Store(true)
	rest, res := callList(t, rt, tool, map[string]any{CursorArg: first.Cursor})
	if res.IsError || rest.Truncated {
		t.Fatalf("resuming: %+v %s", rest, resultText(res))
	}
	wantKeys(t, rest, 45, n)

	healed.Store(false)
	status.Store(http.StatusNotFound)
	if _, res := callList(t, rt, tool, nil); !res.IsError || !strings.Contains(resultText(res), "404") {
		t.Errorf("a 404 mid-listing: want an error, got %s", resultText(res))
	}
}

// TestPagesAheadEndWithTheCall: a call cancelled while pages are in flight
// returns at once, and every page request it started ends with it.
func TestPagesAheadEndWithTheCall(t *testing.T) {
	const n = 100
	var started, ended atomic.Int32
	release := make(chan struct{})
	defer close(release)
	paged := pagedAPS(t, n).Config.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") == "" {
			paged.ServeHTTP(w, r)
			return
		}
		started.Add(1)
		defer ended.Add(1)
		select { // a page that never comes, until its client gives up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	rt, c := pagedRuntimeB(t, srv.URL)
	tool := c.Tools["list_offset"]
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for started.Load() < pagesAheadAtOnce {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool.Name
	if _, err := rt.Handler(tool)(ctx, req); err == nil {
		t.Fatal("a cancelled call returned a result")
	}
	deadline := time.Now().Add(5 * time.Second)
	for ended.Load() < started.Load() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if s, e := started.Load(), ended.Load(); s != pagesAheadAtOnce || e != s {
		t.Errorf("%d page requests started (want %d), %d ended with the call", s, pagesAheadAtOnce, e)
	}
}

// TestPagesAheadWithinTheirBudget: pages fetched at once still keep their
// endpoint's budget; the first page whose slot is beyond the call's time
// ends the listing there, in order, with a cursor and the reason.
func TestPagesAheadWithinTheirBudget(t *testing.T) {
	const n = 100
	f := &inFlight{h: pagedAPS(t, n).Config.Handler}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c, err := Load(writeCatalog(t, pagedCatalog+"budgets:\n  GET /offset: {per_minute: 3}\n"), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	rt, _ := pagedRuntimeB(t, srv.URL)
	rt.Pacing = &apshttp.Pacing{Slots: memorySlots(t), App: "app"}
	rt.Limits.CallTimeout = 2 * time.Second
	l, res := callList(t, rt, c.Tools["list_offset"], nil)
	if res.IsError || !l.Truncated || l.Cursor == "" || !strings.Contains(l.Note, "before page 4, to stay within APS's rate limit") {
		t.Fatalf("want three pages, truncated, with the budget's reason; got %+v %s", l, resultText(res))
	}
	wantKeys(t, l, 0, 27)
	if got := f.requests.Load(); got != 3 {
		t.Errorf("APS got %d requests; the budget allows 3", got)
	}
}
