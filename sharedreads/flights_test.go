package sharedreads

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/store"
)

func TestIdenticalReadsInFlightSendOneRequest(t *testing.T) {
	const n = 20
	aps := newFakeAPS(t, `{"data":[1,2,3]}`)
	r := New(Options{})
	e := aps.exchanger(r, jwtFor("app-a", ""))
	release := aps.hold()
	var wg sync.WaitGroup
	bodies, tallies, errs := make([]string, n), make([]apshttp.Tally, n), make([]error, n)
	for i := range n {
		wg.Go(func() { bodies[i], tallies[i], errs[i] = call(t, context.Background(), e, read("/hubs", 0, "")) })
	}
	waitWaiters(t, r, n)
	release()
	wg.Wait()
	if got := aps.count.Load(); got != 1 {
		t.Errorf("APS got %d requests for %d identical reads, want 1", got, n)
	}
	sent, shared := 0, 0
	for i := range n {
		if errs[i] != nil || bodies[i] != `{"data":[1,2,3]}` {
			t.Fatalf("caller %d: %q, %v", i, bodies[i], errs[i])
		}
		sent += tallies[i].Requests
		shared += tallies[i].Shared
	}
	if sent != 1 || shared != n-1 {
		t.Errorf("tallies say %d sent and %d shared, want 1 and %d", sent, shared, n-1)
	}
}

func TestEachCallerGetsItsOwnCopy(t *testing.T) {
	aps := newFakeAPS(t, `{"a":1}`)
	r := New(Options{})
	e := aps.exchanger(r, jwtFor("app-a", ""))
	release := aps.hold()
	intos := make([][]byte, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			var tally apshttp.Tally
			var into bytes.Buffer
			b, err := e.Exchange(context.Background(), read("/x", 0, ""), &into, &tally)
			if err != nil {
				t.Error(err)
			}
			intos[i] = b
		})
	}
	waitWaiters(t, r, 2)
	release()
	wg.Wait()
	intos[0][2] = 'Z' // one caller scribbles on its answer
	if string(intos[1]) != `{"a":1}` {
		t.Errorf("another caller's answer changed with it: %q", intos[1])
	}
}

func TestDifferentIdentitiesAndWritesAreNotCoalesced(t *testing.T) {
	cases := []struct {
		name   string
		tokens []string
		req    func() *apshttp.Request
	}{
		{"two 2lo apps", []string{jwtFor("app-a", ""), jwtFor("app-b", "")}, func() *apshttp.Request { return read("/hubs", 0, "") }},
		{"two people of one app", []string{jwtFor("app-a", "alice"), jwtFor("app-a", "bob")}, func() *apshttp.Request { return read("/hubs", 0, "") }},
		{"one app, other scopes", []string{jwtFor("app-a", "", "data:read"), jwtFor("app-a", "", "data:read", "data:write")}, func() *apshttp.Request { return read("/hubs", 0, "") }},
		{"writes", []string{jwtFor("app-a", ""), jwtFor("app-a", "")}, func() *apshttp.Request {
			return &apshttp.Request{Method: "POST", Path: "/buckets", Body: []byte(`{}`), Sharing: &apshttp.Sharing{Family: "buckets"}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			aps := newFakeAPS(t, `{}`)
			r := New(Options{MaxBytes: 1 << 20})
			release := aps.hold()
			var wg sync.WaitGroup
			for _, tok := range tc.tokens {
				e := aps.exchanger(r, tok)
				wg.Go(func() {
					if _, _, err := call(t, context.Background(), e, tc.req()); err != nil {
						t.Error(err)
					}
				})
			}
			waitRequests(t, aps, int64(len(tc.tokens)))
			release()
			wg.Wait()
			if got := aps.count.Load(); got != int64(len(tc.tokens)) {
				t.Errorf("APS got %d requests, want %d", got, len(tc.tokens))
			}
		})
	}
}

func TestOneCallerLeavingDoesNotFailTheOthers(t *testing.T) {
	aps := newFakeAPS(t, `{"ok":true}`)
	r := New(Options{})
	e := aps.exchanger(r, jwtFor("app-a", ""))
	release := aps.hold()
	first, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() { _, _, err := call(t, first, e, read("/p", 0, "")); firstErr <- err }()
	waitWaiters(t, r, 1)
	second := make(chan string, 1)
	go func() {
		body, _, err := call(t, context.Background(), e, read("/p", 0, ""))
		if err != nil {
			t.Error(err)
		}
		second <- body
	}()
	waitWaiters(t, r, 2)
	cancel() // the caller that started the flight goes away
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled caller got %v, want context.Canceled", err)
	}
	release()
	if body := <-second; body != `{"ok":true}` {
		t.Errorf("the other caller got %q", body)
	}
	if got := aps.count.Load(); got != 1 {
		t.Errorf("APS got %d requests, want 1", got)
	}
}

func TestTheLastCallerLeavingCancelsTheRequest(t *testing.T) {
	aps := newFakeAPS(t, `{}`)
	r := New(Options{})
	e := aps.exchanger(r, jwtFor("app-a", ""))
	release := aps.hold()
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, _, err := call(t, ctx, e, read("/p", 0, "")); done <- err }()
	waitRequests(t, aps, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	for deadline := time.Now().Add(10 * time.Second); aps.abandoned.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("APS still serves the request nobody waits for")
		}
	}
	// A later caller starts afresh rather than joining the cancelled flight.
	go func() { _, _, _ = call(t, context.Background(), e, read("/p", 0, "")) }()
	waitRequests(t, aps, 2)
}

// TestPooledBuffersLeaveAnswersAlone: flights read into buffers they give
// back once every caller has its copy, and later flights reuse them;
// neither a caller's answer nor one the cache keeps changes with that.
func TestPooledBuffersLeaveAnswersAlone(t *testing.T) {
	aps := newFakeAPS(t, `{"kept":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}`)
	r := New(Options{MaxBytes: 1 << 20})
	e := aps.exchanger(r, jwtFor("app-a", ""))
	kept, _, err := call(t, context.Background(), e, read("/kept", time.Hour, ""))
	if err != nil {
		t.Fatal(err)
	}
	var mine bytes.Buffer
	first, err := e.Exchange(context.Background(), read("/first", 0, ""), &mine, &apshttp.Tally{})
	if err != nil {
		t.Fatal(err)
	}
	firstCopy := string(first)
	for i := range 20 { // uncached reads: each flight's buffer goes back, and the next takes it
		aps.setBody(fmt.Sprintf(`{"later":%d,"pad":"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}`, i))
		if body, _, err := call(t, context.Background(), e, read("/later", 0, "")); err != nil || !strings.Contains(body, fmt.Sprintf(`"later":%d,`, i)) {
			t.Fatalf("later read %d: %q, %v", i, body, err)
		}
	}
	if string(first) != firstCopy {
		t.Errorf("a caller's answer changed under it: %q, was %q", first, firstCopy)
	}
	aps.setBody(`{"changed":true}`)
	again, tally, err := call(t, context.Background(), e, read("/kept", time.Hour, ""))
	if err != nil || again != kept || tally.Shared != 1 {
		t.Errorf("the cached answer: %q (shared %d, %v), want %q from the cache", again, tally.Shared, err, kept)
	}
}

// TestASharedReadKeepsItsBudgetWaitAndDeadline: a read sent through a
// flight reports the time it waited for its budget's slot in the caller's
// tally, and a slot further away than the caller's deadline allows is
// refused at once with the budget's error, as an unshared read is, rather
// than waited for past the deadline.
func TestASharedReadKeepsItsBudgetWaitAndDeadline(t *testing.T) {
	const window = 400 * time.Millisecond
	aps := newFakeAPS(t, `{"a":1}`)
	slots := store.NewMemory()
	t.Cleanup(func() { _ = slots.Close() })
	e := aps.exchanger(New(Options{}), jwtFor("app-a", ""))
	e.Pacing = &apshttp.Pacing{Slots: slots, App: "app-a", Window: window, Margin: time.Millisecond}
	budgeted := func() *apshttp.Request {
		req := read("/x", 0, "")
		req.Budget = &apshttp.Budget{Family: "GET /x", PerMinute: 1}
		return req
	}
	if _, _, err := call(t, context.Background(), e, budgeted()); err != nil {
		t.Fatal(err)
	}
	_, tally, err := call(t, context.Background(), e, budgeted())
	if err != nil || tally.Paced < window/2 || tally.Requests != 1 {
		t.Errorf("the second read: %v, tally %+v; want it to report a wait of about %v", err, tally, window)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err = call(t, ctx, e, budgeted())
	var over *apshttp.BudgetError
	if !errors.As(err, &over) || time.Since(start) > window/2 {
		t.Errorf("a read whose slot is past its deadline: %v after %v; want the budget's error at once", err, time.Since(start))
	}
}

// TestKeptHeadersReachEveryCaller: the answer headers a request asks to
// keep (answer_headers) reach every caller of a shared read, and the
// caller of a write, though the exchange ran on a copy of the request.
func TestKeptHeadersReachEveryCaller(t *testing.T) {
	aps := newFakeAPS(t, `{"a":1}`)
	r := New(Options{})
	e := aps.exchanger(r, jwtFor("app-a", ""))
	release := aps.hold()
	reqs := []*apshttp.Request{read("/h", 0, ""), read("/h", 0, "")}
	var wg sync.WaitGroup
	for _, req := range reqs {
		req.KeepHeaders = []string{"Location"}
		wg.Go(func() {
			if _, _, err := call(t, context.Background(), e, req); err != nil {
				t.Error(err)
			}
		})
	}
	waitWaiters(t, r, 2)
	release()
	wg.Wait()
	write := &apshttp.Request{Method: "POST", Path: "/w", Check: apshttp.CompleteJSON, KeepHeaders: []string{"Location"},
		Sharing: &apshttp.Sharing{Family: "things"}}
	if _, _, err := call(t, context.Background(), e, write); err != nil {
		t.Fatal(err)
	}
	for i, req := range append(reqs, write) {
		if want := "/made" + req.Path; req.Kept.Get("Location") != want {
			t.Errorf("request %d kept %v, want Location %s", i, req.Kept, want)
		}
	}
}
