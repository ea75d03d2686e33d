package sharedreads

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// jwtFor is a token shaped as APS issues them (NOTES §2.5), unsigned:
// the subject is all Reads reads of it.
func jwtFor(clientID, userID string, scopes ...string) string {
	claims, _ := json.Marshal(map[string]any{"client_id": clientID, "userid": userID, "scope": scopes, "jti": time.Now().UnixNano()})
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc(claims) + ".sig"
}

// fixedToken is a TokenSource of one token.
type fixedToken string

func (f fixedToken) Token(context.Context) (string, error) { return string(f), nil }
func (fixedToken) Invalidate(string)                       {}

// fakeAPS answers every request with its body, counting the requests
// per bearer token; while gate is open (not nil) each request waits
// for it to close.
type fakeAPS struct {
	srv   *httptest.Server
	count atomic.Int64
	// abandoned counts requests whose client went away unanswered.
	abandoned atomic.Int64
	mu        sync.Mutex
	body      string
	gate      chan struct{}
	seen      []string // paths, in arrival order
}

func newFakeAPS(t *testing.T, body string) *fakeAPS {
	t.Helper()
	f := &fakeAPS{body: body}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.count.Add(1)
		f.mu.Lock()
		gate, body := f.gate, f.body
		f.seen = append(f.seen, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		if gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				f.abandoned.Add(1)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "/made"+r.URL.Path)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPS) setBody(b string) { f.mu.Lock(); f.body = b; f.mu.Unlock() }

// hold makes requests wait until the returned function is called.
func (f *fakeAPS) hold() (release func()) {
	gate := make(chan struct{})
	f.mu.Lock()
	f.gate = gate
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		f.gate = nil
		f.mu.Unlock()
		close(gate)
	}
}

// exchanger reaches f with token, its requests shared through r.
func (f *fakeAPS) exchanger(r *Reads, token string) *apshttp.Exchanger {
	return &apshttp.Exchanger{BaseURL: f.srv.URL, HTTP: apshttp.NewClient(apshttp.ClientOptions{}), Auth: fixedToken(token), Sharer: r}
}

// read is a GET of path that r may share, kept for ttl in family.
func read(path string, ttl time.Duration, family string) *apshttp.Request {
	return &apshttp.Request{Method: "GET", Path: path, Idempotent: true, Check: apshttp.CompleteJSON,
		Sharing: &apshttp.Sharing{Read: true, TTL: ttl, Family: family}}
}

// call exchanges req and returns the answer as a string.
func call(t *testing.T, ctx context.Context, e *apshttp.Exchanger, req *apshttp.Request) (string, apshttp.Tally, error) {
	t.Helper()
	var into bytes.Buffer
	var tally apshttp.Tally
	body, err := e.Exchange(ctx, req, &into, &tally)
	return string(body), tally, err
}

// waitWaiters waits until n callers wait on one flight of r.
func waitWaiters(t *testing.T, r *Reads, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r.flights.mu.Lock()
		most := 0
		for _, f := range r.flights.m {
			most = max(most, f.waiters)
		}
		r.flights.mu.Unlock()
		if most >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("fewer than %d callers joined the flight", n)
}

// clock is a settable clock for TTLs.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// waitRequests waits until APS has got n requests.
func waitRequests(t *testing.T, f *fakeAPS, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.count.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("APS got %d requests, want %d", f.count.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}
