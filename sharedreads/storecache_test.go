package sharedreads

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aps-mcp/aps-mcp/internal/redistest"
	"github.com/aps-mcp/aps-mcp/store"
)

// replicas are two Reads sharing one real Redis, as two server replicas do.
func replicas(t *testing.T, maxBytes int) (a, b *Reads, url string) {
	t.Helper()
	url = redistest.Start(t)
	key := make([]byte, store.KeySize)
	_, _ = rand.Read(key)
	sealer, err := store.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	open := func() *Reads {
		st, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return New(Options{MaxBytes: maxBytes, Store: st, Sealer: sealer})
	}
	return open(), open(), url
}

func TestReplicasShareTheCacheThroughRedis(t *testing.T) {
	aps := newFakeAPS(t, `{"secret-ish":"hub list"}`)
	a, b, url := replicas(t, 1<<20)
	ctx := context.Background()
	tok := jwtFor("app", "alice")
	if body, _, _ := call(t, ctx, aps.exchanger(a, tok), read("/hubs", time.Minute, "hubs")); body != `{"secret-ish":"hub list"}` {
		t.Fatalf("replica a got %q", body)
	}
	body, tally, err := call(t, ctx, aps.exchanger(b, tok), read("/hubs", time.Minute, "hubs"))
	if err != nil || body != `{"secret-ish":"hub list"}` || tally.Shared != 1 {
		t.Errorf("replica b got %q, %v (shared %d), want replica a's answer from Redis", body, err, tally.Shared)
	}
	if got := aps.count.Load(); got != 1 {
		t.Errorf("APS got %d requests from two replicas, want 1", got)
	}
	// Another person on replica b does not see alice's answer.
	_, _, _ = call(t, ctx, aps.exchanger(b, jwtFor("app", "bob")), read("/hubs", time.Minute, "hubs"))
	if got := aps.count.Load(); got != 2 {
		t.Errorf("bob was answered from alice's entry: %d requests, want 2", got)
	}
	// In Redis the answers are sealed, under keys that name nobody.
	raw := redis.NewClient(mustParse(t, url))
	defer raw.Close()
	keys, err := raw.Keys(ctx, "*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("keys in Redis: %v, %v", keys, err)
	}
	for _, k := range keys {
		if strings.Contains(k, "alice") || strings.Contains(k, "hubs") {
			t.Errorf("Redis key %q names what it holds", k)
		}
		v, _ := raw.Get(ctx, k).Result()
		if strings.Contains(v, "hub list") {
			t.Errorf("Redis holds an answer in clear under %q", k)
		}
	}
}

func TestAWriteOnOneReplicaInvalidatesTheOther(t *testing.T) {
	aps := newFakeAPS(t, `{"buckets":["a"]}`)
	a, b, _ := replicas(t, 1<<20)
	ctx := context.Background()
	tok := jwtFor("app", "")
	_, _, _ = call(t, ctx, aps.exchanger(b, tok), read("/buckets", time.Minute, "buckets"))
	aps.setBody(`{"buckets":["a","b"]}`)
	a.Invalidate(ctx, "buckets") // replica a created a bucket
	if body, _, _ := call(t, ctx, aps.exchanger(b, tok), read("/buckets", time.Minute, "buckets")); body != `{"buckets":["a","b"]}` {
		t.Errorf("replica b still answers %q after replica a's write", body)
	}
}

func TestStoreCacheBoundsWhatAReplicaWrites(t *testing.T) {
	const bound = 32 << 10
	aps := newFakeAPS(t, `{"pad":"`+strings.Repeat("x", 2000)+`"}`)
	a, _, _ := replicas(t, bound)
	ctx := context.Background()
	e := aps.exchanger(a, jwtFor("app", ""))
	for i := range 60 {
		_, _, _ = call(t, ctx, e, read("/p/"+string(rune('A'+i)), time.Minute, "p"))
	}
	sc := a.cache.(*storeCache)
	sc.mu.Lock()
	used, n := sc.used, sc.written.Len()
	sc.mu.Unlock()
	if used > bound || n == 0 || n >= 60 {
		t.Errorf("the replica accounts %d bytes in %d entries, want at most %d in fewer than 60", used, n, bound)
	}
	before := aps.count.Load()
	_, _, _ = call(t, ctx, e, read("/p/A", time.Minute, "p")) // deleted to make room
	if aps.count.Load() != before+1 {
		t.Error("the oldest answer is still in Redis past the bound")
	}
}

func mustParse(t *testing.T, url string) *redis.Options {
	t.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	return o
}
