package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aps-mcp/aps-mcp/internal/redistest"
	"github.com/aps-mcp/aps-mcp/store"
)

// rawClient talks to the test server directly, to see the key layout.
func rawClient(t *testing.T, url string) *redis.Client {
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestRedisKeyLayoutAndPrefix(t *testing.T) {
	url := redistest.Start(t)
	def := open(t, url)
	teamA := open(t, url+"?prefix=team-a%3A")
	must(t, def.Put(ctx, "code:1", []byte("default"), time.Minute))
	must(t, teamA.Put(ctx, "code:1", []byte("team a"), time.Minute))
	must(t, teamA.SetAdd(ctx, "grants:u1", "g1", time.Minute))
	unlock, err := teamA.Lock(ctx, "refresh:u1", time.Minute)
	must(t, err)
	defer unlock(ctx)

	mustGet(t, def, "code:1", "default")
	mustGet(t, teamA, "code:1", "team a")
	keys, err := rawClient(t, url).Keys(ctx, "*").Result()
	must(t, err)
	slices.Sort(keys)
	want := []string{"aps-mcp:k:code:1", "team-a:k:code:1", "team-a:k:grants:u1", "team-a:lock:refresh:u1"}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys in Redis = %q, want %q", keys, want)
	}
	for _, k := range want {
		if ttl, err := rawClient(t, url).PTTL(ctx, k).Result(); err != nil || ttl <= 0 {
			t.Errorf("PTTL(%s) = %v, %v; want a TTL on every key", k, ttl, err)
		}
	}
}

// TestRedisReplicaRestartLosesNothing closes one replica and opens a new one: what
// the first wrote, including a held lock, is all still there.
func TestRedisReplicaRestartLosesNothing(t *testing.T) {
	url := redistest.Start(t)
	first, err := store.Open(ctx, url)
	must(t, err)
	must(t, first.Put(ctx, "token:abc", []byte("v"), time.Minute))
	must(t, first.SetAdd(ctx, "grants:u1", "g1", time.Minute))
	if _, err := first.Lock(ctx, "refresh:u1", time.Minute); err != nil {
		t.Fatal(err)
	}
	must(t, first.Close())

	second := open(t, url)
	mustGet(t, second, "token:abc", "v")
	if got, err := second.SetMembers(ctx, "grants:u1"); err != nil || !slices.Equal(got, []string{"g1"}) {
		t.Fatalf("SetMembers after restart = %q, %v; want [g1]", got, err)
	}
	mustBeHeld(t, second, "refresh:u1")
}

// TestRedisPingFollowsServer checks Ping (for /readyz) reports Redis going away and
// coming back, and that the store keeps working after.
func TestRedisPingFollowsServer(t *testing.T) {
	srv := redistest.StartServer(t)
	s := open(t, srv.URL())
	must(t, s.Ping(ctx))
	srv.Stop()
	// go-redis retries dialling for seconds; a readiness probe bounds its wait.
	ping, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if err := s.Ping(ping); err == nil {
		t.Fatal("Ping succeeded with Redis stopped")
	}
	get, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := s.Get(get, "k"); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get with Redis stopped = %v; want a connection error, not ErrNotFound", err)
	}
	srv.Restart()
	must(t, s.Ping(ctx))
	must(t, s.Put(ctx, "k", []byte("v"), time.Minute))
	mustGet(t, s, "k", "v")
}
