package apshttp

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// booker is a SlotBooker that answers with wait (refusing what is further
// than maxWait) or err, and records what it was asked.
type booker struct {
	wait time.Duration
	err  error

	mu       sync.Mutex
	keys     []string
	maxWaits []time.Duration
	windows  []time.Duration
	holds    []hold
}

func (b *booker) Reserve(_ context.Context, key string, _ int, window, maxWait time.Duration) (time.Duration, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.keys, b.maxWaits, b.windows = append(b.keys, key), append(b.maxWaits, maxWait), append(b.windows, window)
	return b.wait, b.wait <= maxWait, b.err
}

func (b *booker) Hold(_ context.Context, key string, d time.Duration) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.holds = append(b.holds, hold{key, d})
	return b.err
}

type hold struct {
	key string
	d   time.Duration
}

var hubsBudget = &Budget{Family: "GET /project/v1/hubs", PerMinute: 50}

func TestPacingHoldsTheRequest(t *testing.T) {
	srv, seen := answering(t, `{}`)
	b := &booker{wait: 150 * time.Millisecond}
	e := &Exchanger{BaseURL: srv.URL, HTTP: NewClient(ClientOptions{}), Auth: &tokens{}, Retry: fastPolicy,
		Pacing: &Pacing{Slots: b, App: "app1"}}
	var tally Tally
	start := time.Now()
	if _, err := e.Exchange(context.Background(), &Request{Method: "GET", Path: "/h", Budget: hubsBudget}, new(bytes.Buffer), &tally); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < b.wait || tally.Paced != b.wait {
		t.Errorf("took %v, paced %v; want the booked wait of %v", took, tally.Paced, b.wait)
	}
	if len(*seen) != 1 || len(b.keys) != 1 || b.keys[0] != "pace:app1:GET /project/v1/hubs" {
		t.Errorf("%d requests, booked %v", len(*seen), b.keys)
	}
	// A minute plus the default margin of a fiftieth.
	if b.windows[0] != time.Minute+1200*time.Millisecond {
		t.Errorf("window %v", b.windows[0])
	}
	// A request without a budget books nothing.
	if _, err := e.Exchange(context.Background(), &Request{Method: "GET", Path: "/h"}, new(bytes.Buffer), &tally); err != nil || len(b.keys) != 1 {
		t.Errorf("unbudgeted request: %v, bookings %v", err, b.keys)
	}
}

func TestPacingRefusesBeyondTheBound(t *testing.T) {
	srv, seen := answering(t, `{}`)
	tests := []struct {
		name      string
		timeout   time.Duration // the call's deadline; 0: none
		maxWait   time.Duration
		wantBound time.Duration // what the booker is offered, at most
	}{
		{"the deadline, less a quarter", 2 * time.Second, 0, 1500 * time.Millisecond},
		{"the deadline, less at most 5s", time.Minute, 0, 55 * time.Second},
		{"the declared bound", time.Minute, time.Second, time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &booker{wait: 2 * time.Minute}
			e := &Exchanger{BaseURL: srv.URL, HTTP: NewClient(ClientOptions{}), Auth: &tokens{}, Retry: fastPolicy,
				Pacing: &Pacing{Slots: b, App: "app1", MaxWait: tc.maxWait}}
			ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
			defer cancel()
			var tally Tally
			_, err := e.Exchange(ctx, &Request{Method: "GET", Path: "/h", Idempotent: true, Budget: hubsBudget}, new(bytes.Buffer), &tally)
			var over *BudgetError
			if !errors.As(err, &over) || over.Wait != b.wait || !strings.Contains(err.Error(), "50 requests a minute to GET /project/v1/hubs") {
				t.Fatalf("got %v, want a BudgetError naming the family", err)
			}
			// Refused once, not retried, never sent.
			if len(b.keys) != 1 || tally.Requests != 0 || len(*seen) != 0 {
				t.Errorf("%d bookings, %d requests, APS saw %d", len(b.keys), tally.Requests, len(*seen))
			}
			if got := b.maxWaits[0]; got > tc.wantBound || got < tc.wantBound-100*time.Millisecond {
				t.Errorf("bound offered %v, want about %v", got, tc.wantBound)
			}
		})
	}
}

func TestPacingPerUserAndBookerFailure(t *testing.T) {
	srv, seen := answering(t, `{}`)
	b := &booker{err: errors.New("redis: connection refused")}
	e := &Exchanger{BaseURL: srv.URL, HTTP: NewClient(ClientOptions{}), Auth: &tokens{}, Retry: fastPolicy,
		Pacing: &Pacing{Slots: b, App: "app1", User: func(context.Context) string { return "U1" }}}
	perUser := &Budget{Family: "GET /issues", PerMinute: 500, PerUser: true}
	for _, budget := range []*Budget{perUser, hubsBudget} {
		// The booker fails: the request goes unpaced rather than not at all.
		if _, err := e.Exchange(context.Background(), &Request{Method: "GET", Path: "/x", Budget: budget}, new(bytes.Buffer), &Tally{}); err != nil {
			t.Fatalf("%s with a failing booker: %v", budget.Family, err)
		}
	}
	want := []string{"pace:app1:GET /issues:user:U1", "pace:app1:GET /project/v1/hubs"}
	if len(*seen) != 2 || !slices.Equal(b.keys, want) {
		t.Errorf("APS saw %d requests; keys %v, want %v", len(*seen), b.keys, want)
	}
}

func TestPacingEndsWithTheCall(t *testing.T) {
	srv, seen := answering(t, `{}`)
	b := &booker{wait: time.Hour}
	e := &Exchanger{BaseURL: srv.URL, HTTP: NewClient(ClientOptions{}), Auth: &tokens{}, Retry: fastPolicy, Pacing: &Pacing{Slots: b, App: "a"}}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := e.Exchange(ctx, &Request{Method: "GET", Path: "/h", Budget: hubsBudget}, new(bytes.Buffer), &Tally{})
	if !errors.Is(err, context.Canceled) || len(*seen) != 0 {
		t.Errorf("got %v with %d requests sent; want the cancellation and none", err, len(*seen))
	}
}

// TestA429HoldsTheBudget: a 429 with Retry-After on a request with a
// budget holds the budget's key (the caller's, for a per-user budget) for
// that long, so every caller sharing it waits; one without Retry-After,
// or on a request without a budget, holds nothing.
func TestA429HoldsTheBudget(t *testing.T) {
	perUser := &Budget{Family: "GET /construction/issues/v1/projects/{project_id}/issues", PerMinute: 500, PerUser: true}
	tests := []struct {
		name       string
		retryAfter string
		budget     *Budget
		want       []hold
	}{
		{"per application", "1", hubsBudget, []hold{{"pace:app1:GET /project/v1/hubs", time.Second}}},
		{"per user", "1", perUser, []hold{{"pace:app1:" + perUser.Family + ":user:ada", time.Second}}},
		{"no Retry-After", "", hubsBudget, nil},
		{"no budget", "1", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := scripted(t, tc.retryAfter, http.StatusTooManyRequests)
			b := &booker{}
			policy := fastPolicy
			policy.MaxAttempts = 1 // the hold, not the retry, is what is tested
			e := &Exchanger{BaseURL: srv.URL, HTTP: NewClient(ClientOptions{}), Auth: &tokens{}, Retry: policy,
				Pacing: &Pacing{Slots: b, App: "app1", User: func(context.Context) string { return "ada" }}}
			_, err := e.Exchange(context.Background(), &Request{Method: "GET", Path: "/h", Budget: tc.budget}, new(bytes.Buffer), &Tally{})
			var se *StatusError
			if !errors.As(err, &se) || se.Status != http.StatusTooManyRequests {
				t.Fatalf("want APS's 429, got %v", err)
			}
			if !slices.Equal(b.holds, tc.want) {
				t.Errorf("holds %v, want %v", b.holds, tc.want)
			}
		})
	}
}
