package sharedreads

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

func TestCachedReadWithinTTLAndAfter(t *testing.T) {
	aps := newFakeAPS(t, `{"v":1}`)
	clk := &clock{now: time.Unix(1e9, 0)}
	r := New(Options{MaxBytes: 1 << 20, Now: clk.Now})
	e := aps.exchanger(r, jwtFor("app-a", ""))
	ctx := context.Background()
	steps := []struct {
		advance  time.Duration
		want     string
		requests int64
		shared   int
	}{
		{0, `{"v":1}`, 1, 0},
		{59 * time.Second, `{"v":1}`, 1, 1}, // within the minute: from the cache
		{time.Second, `{"v":2}`, 2, 0},      // a minute on: APS again
	}
	for i, s := range steps {
		clk.advance(s.advance)
		aps.setBody(fmt.Sprintf(`{"v":%d}`, aps.count.Load()+1))
		body, tally, err := call(t, ctx, e, read("/hubs", time.Minute, "hubs"))
		if err != nil || body != s.want || aps.count.Load() != s.requests || tally.Shared != s.shared {
			t.Errorf("step %d: %q %v after %d requests (shared %d), want %q after %d (shared %d)",
				i, body, err, aps.count.Load(), tally.Shared, s.want, s.requests, s.shared)
		}
	}
}

func TestCachedAnswersStayWithTheirIdentity(t *testing.T) {
	aps := newFakeAPS(t, `{"who":"first"}`)
	r := New(Options{MaxBytes: 1 << 20})
	ctx := context.Background()
	alice, bob := aps.exchanger(r, jwtFor("app", "alice")), aps.exchanger(r, jwtFor("app", "bob"))
	if body, _, _ := call(t, ctx, alice, read("/hubs", time.Minute, "hubs")); body != `{"who":"first"}` {
		t.Fatalf("alice got %q", body)
	}
	aps.setBody(`{"who":"bob"}`)
	if body, _, _ := call(t, ctx, bob, read("/hubs", time.Minute, "hubs")); body != `{"who":"bob"}` {
		t.Errorf("bob got %q: another person's cached answer", body)
	}
	// A fresh token of the same person (another jti) shares the entry.
	again := aps.exchanger(r, jwtFor("app", "alice"))
	if body, _, _ := call(t, ctx, again, read("/hubs", time.Minute, "hubs")); body != `{"who":"first"}` {
		t.Errorf("alice with a new token got %q, want her cached answer", body)
	}
	if got := aps.count.Load(); got != 2 {
		t.Errorf("APS got %d requests, want 2", got)
	}
}

func TestCacheKeepsOnlyWhatKeepAccepts(t *testing.T) {
	aps := newFakeAPS(t, `{"status":"inprogress"}`)
	r := New(Options{MaxBytes: 1 << 20})
	e := aps.exchanger(r, jwtFor("app", ""))
	manifest := func() *apshttp.Request {
		req := read("/manifest", time.Hour, "md")
		req.Sharing.Keep = func(b []byte) bool { return strings.Contains(string(b), `"success"`) }
		return req
	}
	ctx := context.Background()
	for range 2 {
		_, _, _ = call(t, ctx, e, manifest())
	}
	if got := aps.count.Load(); got != 2 {
		t.Fatalf("a manifest in progress was served from the cache: %d requests, want 2", got)
	}
	aps.setBody(`{"status":"success"}`)
	for range 3 {
		_, _, _ = call(t, ctx, e, manifest())
	}
	if got := aps.count.Load(); got != 3 {
		t.Errorf("a finished manifest was not cached: %d requests, want 3", got)
	}
}

func TestMemoryCacheStaysWithinItsBytes(t *testing.T) {
	const bound = 64 << 10
	body := `{"pad":"` + strings.Repeat("x", 4000) + `"}`
	aps := newFakeAPS(t, body)
	r := New(Options{MaxBytes: bound})
	e := aps.exchanger(r, jwtFor("app", ""))
	ctx := context.Background()
	for i := range 100 {
		if _, _, err := call(t, ctx, e, read(fmt.Sprintf("/p/%d", i), time.Hour, "p")); err != nil {
			t.Fatal(err)
		}
		if got := r.CachedBytes(); got > bound {
			t.Fatalf("after %d answers the cache holds %d bytes, over its bound of %d", i+1, got, bound)
		}
	}
	before := aps.count.Load()
	_, _, _ = call(t, ctx, e, read("/p/99", time.Hour, "p")) // the latest: still there
	_, _, _ = call(t, ctx, e, read("/p/0", time.Hour, "p"))  // the oldest: evicted
	if got := aps.count.Load() - before; got != 1 {
		t.Errorf("%d requests for the newest and the oldest answer, want 1 (the oldest evicted)", got)
	}
	// One answer over an eighth of the bound is not kept at all.
	aps.setBody(`{"pad":"` + strings.Repeat("y", bound/4) + `"}`)
	for range 2 {
		_, _, _ = call(t, ctx, e, read("/big", time.Hour, "p"))
	}
	if got := aps.count.Load() - before; got != 3 {
		t.Errorf("a too-large answer was cached: %d requests, want 3", got)
	}
}

func TestAWriteInvalidatesItsFamilyForEveryone(t *testing.T) {
	aps := newFakeAPS(t, `{"buckets":["a"]}`)
	r := New(Options{MaxBytes: 1 << 20})
	ctx := context.Background()
	alice, bob := aps.exchanger(r, jwtFor("app", "alice")), aps.exchanger(r, jwtFor("app", "bob"))
	for _, e := range []*apshttp.Exchanger{alice, bob} {
		_, _, _ = call(t, ctx, e, read("/buckets", time.Hour, "buckets"))
		_, _, _ = call(t, ctx, e, read("/other", time.Hour, "other"))
	}
	aps.setBody(`{"buckets":["a","b"]}`)
	write := &apshttp.Request{Method: "POST", Path: "/buckets", Body: []byte(`{"bucketKey":"b"}`), Sharing: &apshttp.Sharing{Family: "buckets"}}
	if _, _, err := call(t, ctx, alice, write); err != nil {
		t.Fatal(err)
	}
	before := aps.count.Load()
	for _, e := range []*apshttp.Exchanger{alice, bob} {
		if body, _, _ := call(t, ctx, e, read("/buckets", time.Hour, "buckets")); body != `{"buckets":["a","b"]}` {
			t.Errorf("after the write a read got %q, want the new bucket", body)
		}
		_, _, _ = call(t, ctx, e, read("/other", time.Hour, "other"))
	}
	if got := aps.count.Load() - before; got != 2 {
		t.Errorf("after the write: %d requests, want 2 (the buckets of each person; the other family stays cached)", got)
	}
}

func TestAReadStartedBeforeAWriteIsNotKept(t *testing.T) {
	aps := newFakeAPS(t, `{"old":true}`)
	r := New(Options{MaxBytes: 1 << 20})
	e := aps.exchanger(r, jwtFor("app", ""))
	ctx := context.Background()
	release := aps.hold()
	done := make(chan struct{})
	go func() { _, _, _ = call(t, ctx, e, read("/b", time.Hour, "b")); close(done) }()
	waitRequests(t, aps, 1)
	r.Invalidate(ctx, "b") // a write lands while the read is in the air
	release()
	<-done
	aps.setBody(`{"old":false}`)
	if body, _, _ := call(t, ctx, e, read("/b", time.Hour, "b")); body != `{"old":false}` {
		t.Errorf("got %q: the answer read before the write was kept", body)
	}
}
