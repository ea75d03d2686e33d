package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/store"
)

// tryLock tries to take name within wait; it returns the unlock or the error.
func tryLock(s store.Store, name string, ttl, wait time.Duration) (func(context.Context) error, error) {
	c, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	return s.Lock(c, name, ttl)
}

// mustBeHeld checks that name cannot be taken now.
func mustBeHeld(t *testing.T, s store.Store, name string) {
	t.Helper()
	if unlock, err := tryLock(s, name, time.Minute, 100*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		if err == nil {
			_ = unlock(ctx)
		}
		t.Fatalf("Lock(%q) of a held lock = %v; want DeadlineExceeded", name, err)
	}
}

// testLockExcludes runs holders on both handles and checks that never two are
// inside at once.
func testLockExcludes(t *testing.T, a, b store.Store) {
	const workers, rounds = 6, 5
	var inside, entries atomic.Int32
	var wg sync.WaitGroup
	for i := range workers {
		s := []store.Store{a, b}[i%2]
		wg.Go(func() {
			for range rounds {
				unlock, err := tryLock(s, "refresh:u1", 10*time.Second, 20*time.Second)
				if err != nil {
					t.Errorf("Lock: %v", err)
					return
				}
				entries.Add(1)
				if n := inside.Add(1); n != 1 {
					t.Errorf("%d holders inside the lock at once", n)
				}
				time.Sleep(time.Millisecond)
				inside.Add(-1)
				if err := unlock(ctx); err != nil {
					t.Errorf("unlock: %v", err)
				}
			}
		})
	}
	wg.Wait()
	if entries.Load() != workers*rounds {
		t.Fatalf("%d entries into the lock, want %d", entries.Load(), workers*rounds)
	}
}

// testLockWakesOnUnlock checks a waiter gets the lock on release, long before the
// holder's hour-long lease would end.
func testLockWakesOnUnlock(t *testing.T, a, b store.Store) {
	unlock, err := a.Lock(ctx, "l", time.Hour)
	must(t, err)
	got := make(chan error, 1)
	go func() {
		u, err := tryLock(b, "l", time.Minute, 20*time.Second)
		if err == nil {
			err = u(ctx)
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("second Lock returned %v while the lock was held", err)
	case <-time.After(100 * time.Millisecond):
	}
	must(t, unlock(ctx))
	if err := <-got; err != nil {
		t.Fatalf("waiter after unlock: %v", err)
	}
}

// testLockDeadHolderExpires: a holder that never unlocks blocks others only for
// its lease.
func testLockDeadHolderExpires(t *testing.T, a, b store.Store) {
	const lease = 300 * time.Millisecond
	start := time.Now()
	if _, err := a.Lock(ctx, "l", lease); err != nil {
		t.Fatal(err)
	}
	_, err := tryLock(b, "l", time.Minute, 50*time.Millisecond)
	if time.Since(start) < lease && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock during the dead holder's lease = %v; want DeadlineExceeded", err)
	}
	unlock, err := tryLock(b, "l", time.Minute, 20*time.Second)
	if err != nil {
		t.Fatalf("Lock after the dead holder's lease: %v", err)
	}
	if elapsed := time.Since(start); elapsed < lease {
		t.Fatalf("lock taken %v after a %v lease began", elapsed, lease)
	}
	must(t, unlock(ctx))
}

// testStaleUnlock: a holder whose lease moved on cannot release its successor.
func testStaleUnlock(t *testing.T, a, b store.Store) {
	stale, err := a.Lock(ctx, "l", 100*time.Millisecond)
	must(t, err)
	time.Sleep(200 * time.Millisecond)
	if err := stale(ctx); !errors.Is(err, store.ErrLockLost) {
		t.Fatalf("unlock after the lease ran out = %v; want ErrLockLost", err)
	}
	stale2, err := a.Lock(ctx, "l", 100*time.Millisecond)
	must(t, err)
	time.Sleep(200 * time.Millisecond)
	current, err := tryLock(b, "l", time.Minute, 20*time.Second)
	must(t, err)
	if err := stale2(ctx); !errors.Is(err, store.ErrLockLost) {
		t.Fatalf("stale unlock while another holds the lock = %v; want ErrLockLost", err)
	}
	mustBeHeld(t, a, "l")
	must(t, current(ctx))
	again, err := tryLock(a, "l", time.Minute, 20*time.Second)
	must(t, err)
	must(t, again(ctx))
	if err := again(ctx); !errors.Is(err, store.ErrLockLost) {
		t.Fatalf("second unlock = %v; want ErrLockLost", err)
	}
}

func testLockWaitEndsWithContext(t *testing.T, a, b store.Store) {
	unlock, err := a.Lock(ctx, "l", time.Minute)
	must(t, err)
	c, cancel := context.WithCancel(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := b.Lock(c, "l", time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock with a cancelled context = %v; want context.Canceled", err)
	}
	mustBeHeld(t, b, "l")
	ended, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Lock(ended, "free", time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock of a free lock with an ended context = %v; want context.Canceled", err)
	}
	must(t, unlock(ctx))
}
