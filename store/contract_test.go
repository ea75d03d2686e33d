package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/internal/redistest"
	"github.com/aps-mcp/aps-mcp/store"
)

// backend opens the handles a contract case runs on.
type backend struct {
	name    string
	durable bool
	// setup runs once per backend and returns open, which gives each case two
	// handles on one fresh, shared state: two replicas for Redis, the one store
	// twice for memory (a process's goroutines are its "replicas").
	setup func(t *testing.T) (open func(t *testing.T) (a, b store.Store))
}

var backends = []backend{
	{name: "memory", durable: false, setup: func(*testing.T) func(*testing.T) (store.Store, store.Store) {
		return func(t *testing.T) (store.Store, store.Store) {
			s := open(t, "memory")
			return s, s
		}
	}},
	{name: "redis", durable: true, setup: func(t *testing.T) func(*testing.T) (store.Store, store.Store) {
		base := redistest.Start(t)
		return func(t *testing.T) (store.Store, store.Store) {
			// Each case gets its own namespace on the shared server.
			u := base + "?prefix=" + url.QueryEscape(t.Name()+":")
			return open(t, u), open(t, u)
		}
	}},
}

// open opens a store that is closed when t ends.
func open(t testing.TB, url string) store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// contract lists what every backend must do; a and b share state.
var contract = []struct {
	name string
	run  func(t *testing.T, a, b store.Store)
}{
	{"PutGetReplace", testPutGetReplace},
	{"PutNew", testPutNew},
	{"TTLExpiry", testTTLExpiry},
	{"BadTTL", testBadTTL},
	{"Take", testTake},
	{"TakeOneWinner", testTakeOneWinner},
	{"Delete", testDelete},
	{"Sets", testSets},
	{"SetTTLNeverShortens", testSetTTLNeverShortens},
	{"LocksApartFromKeys", testLocksApartFromKeys},
	{"LockExcludes", testLockExcludes},
	{"LockWakesOnUnlock", testLockWakesOnUnlock},
	{"LockDeadHolderExpires", testLockDeadHolderExpires},
	{"StaleUnlockKeepsNewHolder", testStaleUnlock},
	{"LockWaitEndsWithContext", testLockWaitEndsWithContext},
	{"PaceBooksInOrder", paced(testPaceBooksInOrder)},
	{"PaceRefusalBooksNothing", paced(testPaceRefusalBooksNothing)},
	{"PaceSharedUnderLoad", paced(testPaceSharedUnderLoad)},
	{"PaceKeysApart", paced(testPaceKeysApart)},
	{"PaceBadArguments", paced(testPaceBadArguments)},
	{"PaceHoldDelaysBookings", paced(testPaceHoldDelaysBookings)},
	{"Ping", func(t *testing.T, a, b store.Store) {
		for _, s := range []store.Store{a, b} {
			if err := s.Ping(context.Background()); err != nil {
				t.Fatalf("Ping: %v", err)
			}
		}
	}},
}

func TestContract(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			openPair := be.setup(t)
			for _, c := range contract {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel() // each case has a state of its own
					a, b := openPair(t)
					c.run(t, a, b)
				})
			}
			t.Run("Durable", func(t *testing.T) {
				a, _ := openPair(t)
				if a.Durable() != be.durable {
					t.Fatalf("Durable() = %v, want %v", a.Durable(), be.durable)
				}
			})
		})
	}
}

var ctx = context.Background()

func mustGet(t *testing.T, s store.Store, key, want string) {
	t.Helper()
	got, err := s.Get(ctx, key)
	if err != nil || string(got) != want {
		t.Fatalf("Get(%q) = %q, %v; want %q", key, got, err, want)
	}
}

func mustBeGone(t *testing.T, s store.Store, key string) {
	t.Helper()
	if got, err := s.Get(ctx, key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(%q) = %q, %v; want ErrNotFound", key, got, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testPutGetReplace(t *testing.T, a, b store.Store) {
	mustBeGone(t, a, "k")
	v := []byte("one")
	must(t, a.Put(ctx, "k", v, time.Minute))
	v[0] = 'X' // the store must have kept its own copy
	mustGet(t, b, "k", "one")
	got, _ := b.Get(ctx, "k")
	got[0] = 'Y'
	mustGet(t, b, "k", "one")
	must(t, b.Put(ctx, "k", []byte("two"), time.Minute))
	mustGet(t, a, "k", "two")
	must(t, a.Put(ctx, "empty", nil, time.Minute))
	if got, err := a.Get(ctx, "empty"); err != nil || len(got) != 0 {
		t.Fatalf("Get(empty) = %q, %v; want an empty value", got, err)
	}
	bin := []byte{0, 255, '\r', '\n', 0}
	must(t, a.Put(ctx, "bin", bin, time.Minute))
	if got, err := b.Get(ctx, "bin"); err != nil || !bytes.Equal(got, bin) {
		t.Fatalf("Get(bin) = %v, %v; want %v", got, err, bin)
	}
}

func testPutNew(t *testing.T, a, b store.Store) {
	for i, want := range []bool{true, false} {
		ok, err := []store.Store{a, b}[i].PutNew(ctx, "k", fmt.Appendf(nil, "v%d", i), time.Minute)
		if err != nil || ok != want {
			t.Fatalf("PutNew #%d = %v, %v; want %v", i, ok, err, want)
		}
	}
	mustGet(t, a, "k", "v0")
	must(t, a.Delete(ctx, "k"))
	if ok, err := b.PutNew(ctx, "k", []byte("v2"), 100*time.Millisecond); err != nil || !ok {
		t.Fatalf("PutNew after Delete = %v, %v; want true", ok, err)
	}
	time.Sleep(250 * time.Millisecond)
	if ok, err := a.PutNew(ctx, "k", []byte("v3"), time.Minute); err != nil || !ok {
		t.Fatalf("PutNew after expiry = %v, %v; want true", ok, err)
	}
	mustGet(t, b, "k", "v3")
}

func testTTLExpiry(t *testing.T, a, b store.Store) {
	const ttl = 300 * time.Millisecond
	start := time.Now()
	must(t, a.Put(ctx, "v", []byte("x"), ttl))
	must(t, a.Put(ctx, "taken", []byte("x"), ttl))
	must(t, a.SetAdd(ctx, "s", "m", ttl))
	must(t, a.Put(ctx, "long", []byte("y"), time.Minute))
	// Presence is only checked while the TTL surely has not run out, so a stalled
	// machine cannot fail the test; absence after it is always checked.
	if _, err := b.Get(ctx, "v"); time.Since(start) < ttl && err != nil {
		t.Fatalf("Get before expiry: %v", err)
	}
	time.Sleep(time.Until(start.Add(ttl + 100*time.Millisecond)))
	mustBeGone(t, b, "v")
	if got, err := b.Take(ctx, "taken"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Take after expiry = %q, %v; want ErrNotFound", got, err)
	}
	if got, err := b.SetMembers(ctx, "s"); err != nil || len(got) != 0 {
		t.Fatalf("SetMembers after expiry = %q, %v; want none", got, err)
	}
	mustGet(t, b, "long", "y")
}

func testBadTTL(t *testing.T, a, _ store.Store) {
	for _, ttl := range []time.Duration{0, -time.Second, time.Microsecond} {
		if err := a.Put(ctx, "k", []byte("v"), ttl); err == nil {
			t.Errorf("Put with ttl %v succeeded", ttl)
		}
		if _, err := a.PutNew(ctx, "k", []byte("v"), ttl); err == nil {
			t.Errorf("PutNew with ttl %v succeeded", ttl)
		}
		if err := a.SetAdd(ctx, "s", "m", ttl); err == nil {
			t.Errorf("SetAdd with ttl %v succeeded", ttl)
		}
		if _, err := a.Lock(ctx, "l", ttl); err == nil {
			t.Errorf("Lock with ttl %v succeeded", ttl)
		}
	}
	mustBeGone(t, a, "k")
}

func testTake(t *testing.T, a, b store.Store) {
	must(t, a.Put(ctx, "code", []byte("secret"), time.Minute))
	if got, err := b.Take(ctx, "code"); err != nil || string(got) != "secret" {
		t.Fatalf("Take = %q, %v; want secret", got, err)
	}
	if got, err := a.Take(ctx, "code"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second Take = %q, %v; want ErrNotFound", got, err)
	}
	mustBeGone(t, a, "code")
}

// testTakeOneWinner races 50 Takes per key, split over both handles.
func testTakeOneWinner(t *testing.T, a, b store.Store) {
	const rounds, takers = 10, 50
	for round := range rounds {
		key := fmt.Sprintf("code-%d", round)
		must(t, a.Put(ctx, key, []byte(key), time.Minute))
		var wins, misses atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range takers {
			s := []store.Store{a, b}[i%2]
			wg.Go(func() {
				<-start
				got, err := s.Take(ctx, key)
				switch {
				case err == nil && string(got) == key:
					wins.Add(1)
				case errors.Is(err, store.ErrNotFound):
					misses.Add(1)
				default:
					t.Errorf("Take = %q, %v", got, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if wins.Load() != 1 || misses.Load() != takers-1 {
			t.Fatalf("round %d: %d winners and %d misses of %d Takes; want exactly one winner",
				round, wins.Load(), misses.Load(), takers)
		}
	}
}

func testDelete(t *testing.T, a, b store.Store) {
	must(t, a.Put(ctx, "k1", []byte("1"), time.Minute))
	must(t, a.Put(ctx, "k2", []byte("2"), time.Minute))
	must(t, a.Put(ctx, "k3", []byte("3"), time.Minute))
	must(t, a.SetAdd(ctx, "s", "m", time.Minute))
	must(t, b.Delete(ctx, "k1", "missing", "k2", "s"))
	must(t, b.Delete(ctx))
	mustBeGone(t, a, "k1")
	mustBeGone(t, a, "k2")
	mustGet(t, a, "k3", "3")
	if got, err := a.SetMembers(ctx, "s"); err != nil || len(got) != 0 {
		t.Fatalf("SetMembers after Delete = %q, %v; want none", got, err)
	}
}

func testSets(t *testing.T, a, b store.Store) {
	if got, err := a.SetMembers(ctx, "grants"); err != nil || len(got) != 0 {
		t.Fatalf("SetMembers of a missing set = %q, %v; want none", got, err)
	}
	for _, m := range []string{"zeta", "alpha", "zeta", "mid"} {
		must(t, a.SetAdd(ctx, "grants", m, time.Minute))
	}
	want := []string{"alpha", "mid", "zeta"}
	if got, err := b.SetMembers(ctx, "grants"); err != nil || !slices.Equal(got, want) {
		t.Fatalf("SetMembers = %q, %v; want %q", got, err, want)
	}
	must(t, b.SetRemove(ctx, "grants", "zeta", "absent"))
	must(t, b.SetRemove(ctx, "grants"))
	must(t, b.SetRemove(ctx, "no-such-set", "x"))
	want = []string{"alpha", "mid"}
	if got, err := a.SetMembers(ctx, "grants"); err != nil || !slices.Equal(got, want) {
		t.Fatalf("SetMembers after SetRemove = %q, %v; want %q", got, err, want)
	}
	must(t, a.SetRemove(ctx, "grants", "alpha", "mid"))
	// A set left empty is gone, so the key is free for a value.
	if ok, err := a.PutNew(ctx, "grants", []byte("v"), time.Minute); err != nil || !ok {
		t.Fatalf("PutNew on an emptied set = %v, %v; want true", ok, err)
	}
	must(t, a.SetAdd(ctx, "set", "m", time.Minute))
	if _, err := b.Get(ctx, "set"); !errors.Is(err, store.ErrWrongType) {
		t.Fatalf("Get of a set: %v, want ErrWrongType", err)
	}
	if _, err := b.Take(ctx, "set"); !errors.Is(err, store.ErrWrongType) {
		t.Fatalf("Take of a set: %v, want ErrWrongType", err)
	}
	if err := b.SetAdd(ctx, "grants", "m", time.Minute); !errors.Is(err, store.ErrWrongType) {
		t.Fatalf("SetAdd to a value: %v, want ErrWrongType", err)
	}
	if _, err := b.SetMembers(ctx, "grants"); !errors.Is(err, store.ErrWrongType) {
		t.Fatalf("SetMembers of a value: %v, want ErrWrongType", err)
	}
}

func testSetTTLNeverShortens(t *testing.T, a, b store.Store) {
	must(t, a.SetAdd(ctx, "long-first", "m1", time.Minute))
	must(t, b.SetAdd(ctx, "long-first", "m2", 100*time.Millisecond))
	must(t, a.SetAdd(ctx, "short-first", "m1", 100*time.Millisecond))
	must(t, b.SetAdd(ctx, "short-first", "m2", time.Minute))
	time.Sleep(300 * time.Millisecond)
	want := []string{"m1", "m2"}
	for _, key := range []string{"long-first", "short-first"} {
		if got, err := a.SetMembers(ctx, key); err != nil || !slices.Equal(got, want) {
			t.Errorf("SetMembers(%s) after the short ttl = %q, %v; want %q", key, got, err, want)
		}
	}
}

func testLocksApartFromKeys(t *testing.T, a, b store.Store) {
	must(t, a.Put(ctx, "refresh:u1", []byte("value"), time.Minute))
	unlock, err := b.Lock(ctx, "refresh:u1", time.Minute)
	must(t, err)
	mustGet(t, a, "refresh:u1", "value")
	must(t, a.Delete(ctx, "refresh:u1"))
	must(t, unlock(ctx))
}
