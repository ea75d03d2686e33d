package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// size reports how many entries and leases the memory store still holds.
func (m *Memory) size() (entries, locks int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries), len(m.locks)
}

func TestMemorySweepDropsExpired(t *testing.T) {
	ctx := context.Background()
	m := newMemory(10 * time.Millisecond)
	defer m.Close()
	for i := range 100 {
		if err := m.Put(ctx, fmt.Sprint("short", i), []byte("v"), time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.SetAdd(ctx, "short-set", "m", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Lock(ctx, "abandoned", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := m.Put(ctx, "live", []byte("v"), time.Hour); err != nil {
		t.Fatal(err)
	}
	// Nothing reads the expired keys, so only the sweeper can drop them.
	deadline := time.Now().Add(10 * time.Second)
	for {
		entries, locks := m.size()
		if entries == 1 && locks == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after sweeping, %d entries and %d leases remain; want 1 and 0", entries, locks)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if v, err := m.Get(ctx, "live"); err != nil || string(v) != "v" {
		t.Fatalf("Get(live) = %q, %v", v, err)
	}
}

// TestMemorySweepDropsSpentPaces: a pace key whose bookings all stopped
// counting, and a hold that ended, are dropped by the sweeper (a team
// server's per-user budget keys would otherwise grow without bound); a
// key still in its window stays.
func TestMemorySweepDropsSpentPaces(t *testing.T) {
	ctx := context.Background()
	m := newMemory(10 * time.Millisecond)
	defer m.Close()
	for i := range 50 {
		if _, _, err := m.Reserve(ctx, fmt.Sprint("pace:user", i), 5, 20*time.Millisecond, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Hold(ctx, "pace:held", 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Reserve(ctx, "pace:live", 5, time.Hour, 0); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		m.mu.Lock()
		paces, holds, live := len(m.paces), len(m.holds), m.paces["pace:live"] != nil
		m.mu.Unlock()
		if paces == 1 && holds == 0 && live {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after sweeping, %d pace keys (live kept: %v) and %d holds remain; want the live one alone", paces, live, holds)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMemoryClose(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()
	unlock, err := m.Lock(ctx, "l", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	waiter := make(chan error, 1)
	go func() {
		_, err := m.Lock(ctx, "l", time.Hour)
		waiter <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the waiter block on the held lock
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-m.swept:
	default:
		t.Fatal("Close returned with the sweeper still running")
	}
	if err := <-waiter; !errors.Is(err, ErrClosed) {
		t.Fatalf("lock waiter after Close = %v; want ErrClosed", err)
	}
	if err := unlock(ctx); !errors.Is(err, ErrLockLost) {
		t.Fatalf("unlock after Close = %v; want ErrLockLost", err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	checks := map[string]error{
		"Put":    m.Put(ctx, "k", nil, time.Minute),
		"Ping":   m.Ping(ctx),
		"Delete": m.Delete(ctx, "k"),
		"SetAdd": m.SetAdd(ctx, "s", "m", time.Minute),
	}
	_, checks["Get"] = m.Get(ctx, "k")
	_, checks["Take"] = m.Take(ctx, "k")
	_, checks["PutNew"] = m.PutNew(ctx, "k", nil, time.Minute)
	_, checks["SetMembers"] = m.SetMembers(ctx, "s")
	checks["SetRemove"] = m.SetRemove(ctx, "s", "m")
	_, checks["Lock"] = m.Lock(ctx, "l2", time.Minute)
	for op, err := range checks {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v; want ErrClosed", op, err)
		}
	}
}
