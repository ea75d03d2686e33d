package store_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/store"
)

// paced runs a Pacer case of the contract: both backends are Pacers.
func paced(run func(t *testing.T, a, b store.Pacer)) func(t *testing.T, a, b store.Store) {
	return func(t *testing.T, a, b store.Store) { run(t, a.(store.Pacer), b.(store.Pacer)) }
}

// reserve books a slot and fails the test on an error.
func reserve(t *testing.T, p store.Pacer, key string, limit int, window, maxWait time.Duration) (time.Duration, bool) {
	t.Helper()
	wait, ok, err := p.Reserve(ctx, key, limit, window, maxWait)
	if err != nil {
		t.Fatalf("Reserve(%q): %v", key, err)
	}
	return wait, ok
}

// near reports whether got is within tol below want (bookings are made a few
// milliseconds apart, so later ones wait a little less).
func near(got, want, tol time.Duration) bool { return got <= want && got >= want-tol }

func testPaceBooksInOrder(t *testing.T, a, b store.Pacer) {
	const window = 2 * time.Second
	var waits []time.Duration
	for i := range 7 {
		p := a
		if i%2 == 1 {
			p = b
		}
		wait, ok := reserve(t, p, "k", 3, window, time.Minute)
		if !ok {
			t.Fatalf("booking %d refused with a minute to spare (wait %v)", i+1, wait)
		}
		waits = append(waits, wait)
	}
	// Three now, three a window later, the seventh two windows later.
	want := []time.Duration{0, 0, 0, window, window, window, 2 * window}
	for i := range want {
		if !near(waits[i], want[i], 200*time.Millisecond) {
			t.Fatalf("waits = %v, want about %v", waits, want)
		}
	}
}

func testPaceRefusalBooksNothing(t *testing.T, a, b store.Pacer) {
	const window = 2 * time.Second
	if _, ok := reserve(t, a, "k", 1, window, 0); !ok {
		t.Fatal("first booking refused")
	}
	wait, ok := reserve(t, b, "k", 1, window, 100*time.Millisecond)
	if ok || !near(wait, window, 200*time.Millisecond) {
		t.Fatalf("second booking with 100ms to spare: wait %v, ok %v; want refused, about %v", wait, ok, window)
	}
	// The refusal took no slot: the next booking is one window away, not two.
	if wait, ok := reserve(t, a, "k", 1, window, time.Minute); !ok || !near(wait, window, 300*time.Millisecond) {
		t.Fatalf("after a refusal: wait %v, ok %v; want about %v", wait, ok, window)
	}
}

func testPaceSharedUnderLoad(t *testing.T, a, b store.Pacer) {
	const (
		limit  = 5
		window = time.Second
		n      = 24
	)
	var mu sync.Mutex
	var slots []time.Time
	var blur time.Duration // the longest call: how far a slot may be off
	var wg sync.WaitGroup
	for i := range n {
		p := a
		if i%2 == 1 {
			p = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			before := time.Now()
			wait, ok, err := p.Reserve(ctx, "k", limit, window, time.Minute)
			if err != nil || !ok {
				t.Errorf("Reserve: %v, ok %v", err, ok)
				return
			}
			took := time.Since(before)
			mu.Lock()
			slots = append(slots, before.Add(took/2+wait))
			blur = max(blur, took)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.SortFunc(slots, func(x, y time.Time) int { return x.Compare(y) })
	// Any limit+1 slots in a row span a window; the calls' own latency
	// blurs each slot's estimate by up to half the longest call.
	for i := limit; i < len(slots); i++ {
		if span := slots[i].Sub(slots[i-limit]); span < window-blur {
			t.Fatalf("slots %d..%d span %v, under the window of %v (blur %v)", i-limit, i, span, window, blur)
		}
	}
	if last := time.Until(slots[len(slots)-1]); last < (n/limit-1)*window-100*time.Millisecond {
		t.Errorf("the last of %d slots is only %v away", n, last)
	}
}

func testPaceKeysApart(t *testing.T, a, b store.Pacer) {
	reserve(t, a, "one", 1, time.Minute, 0)
	if wait, ok := reserve(t, b, "two", 1, time.Minute, 0); !ok || wait != 0 {
		t.Fatalf("another key: wait %v, ok %v; want a slot now", wait, ok)
	}
}

func testPaceBadArguments(t *testing.T, a, _ store.Pacer) {
	for _, c := range []struct {
		limit  int
		window time.Duration
	}{{0, time.Second}, {1, 0}, {1, time.Microsecond}} {
		if _, _, err := a.Reserve(ctx, "k", c.limit, c.window, time.Second); err == nil {
			t.Errorf("Reserve(limit %d, window %v) succeeded", c.limit, c.window)
		}
	}
}

// testPaceHoldDelaysBookings: a hold set through one client delays the
// other's bookings of the key until it ends, refuses those that cannot
// wait so long, is not shortened by a shorter one, and leaves other keys
// alone.
func testPaceHoldDelaysBookings(t *testing.T, a, b store.Pacer) {
	const hold = 1500 * time.Millisecond
	if err := a.Hold(ctx, "k", hold); err != nil {
		t.Fatal(err)
	}
	if err := a.Hold(ctx, "k", 100*time.Millisecond); err != nil { // ends sooner: no change
		t.Fatal(err)
	}
	if wait, ok := reserve(t, b, "k", 10, time.Second, 100*time.Millisecond); ok || !near(wait, hold, 300*time.Millisecond) {
		t.Fatalf("during a hold, with 100ms to spare: wait %v, ok %v; want refused, about %v", wait, ok, hold)
	}
	if wait, ok := reserve(t, b, "k", 10, time.Second, time.Minute); !ok || !near(wait, hold, 300*time.Millisecond) {
		t.Fatalf("during a hold: wait %v, ok %v; want about %v", wait, ok, hold)
	}
	if wait, ok := reserve(t, b, "other", 10, time.Second, 0); !ok || wait != 0 {
		t.Errorf("another key during the hold: wait %v, ok %v; want a slot now", wait, ok)
	}
	if err := a.Hold(ctx, "k", 0); err != nil {
		t.Errorf("a hold of nothing: %v", err)
	}
}
