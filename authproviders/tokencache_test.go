package authproviders

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestTokenCacheSharesOneFetch(t *testing.T) {
	var fetches atomic.Int32
	release := make(chan struct{})
	c := newTokenCache(func(ctx context.Context) (Token, error) {
		n := fetches.Add(1)
		<-release
		return Token{Value: fmt.Sprintf("tok-%d", n), ExpiresIn: time.Hour}, nil
	})
	const callers = 100
	var wg sync.WaitGroup
	got := make(chan string, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Get(context.Background())
			if err != nil {
				t.Error(err)
			}
			got <- v
		}()
	}
	time.Sleep(20 * time.Millisecond) // let the callers pile up behind the fetch
	close(release)
	wg.Wait()
	close(got)
	for v := range got {
		if v != "tok-1" {
			t.Errorf("caller got %q, want tok-1", v)
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("fetches = %d, want 1", n)
	}
}

func TestTokenCacheRenewsBeforeExpiryAndOnInvalidate(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	var fetches atomic.Int32
	c := newTokenCache(func(ctx context.Context) (Token, error) {
		n := fetches.Add(1)
		return Token{Value: fmt.Sprintf("tok-%d", n), ExpiresIn: time.Hour}, nil
	})
	c.now = clock.Now
	get := func() string {
		t.Helper()
		v, err := c.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	steps := []struct {
		advance time.Duration
		want    string
	}{
		{0, "tok-1"},
		{54 * time.Minute, "tok-1"}, // six minutes left: still good
		{2 * time.Minute, "tok-2"},  // four minutes left: renewed early
		{time.Minute, "tok-2"},      // fresh token cached
	}
	for i, s := range steps {
		clock.Add(s.advance)
		if got := get(); got != s.want {
			t.Errorf("step %d: token %q, want %q", i, got, s.want)
		}
	}
	c.Invalidate("tok-other") // not the cached one: ignored
	if got := get(); got != "tok-2" {
		t.Errorf("after invalidating another token: %q, want tok-2", got)
	}
	c.Invalidate("tok-2")
	if got := get(); got != "tok-3" {
		t.Errorf("after invalidating the cached token: %q, want tok-3", got)
	}
}

func TestTokenCacheErrorsAreNotCached(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	c := newTokenCache(func(ctx context.Context) (Token, error) {
		if fail.Load() {
			return Token{}, errors.New("refused")
		}
		return Token{Value: "ok", ExpiresIn: time.Hour}, nil
	})
	if _, err := c.Get(context.Background()); err == nil {
		t.Fatal("want the fetch error")
	}
	fail.Store(false)
	if v, err := c.Get(context.Background()); err != nil || v != "ok" {
		t.Fatalf("second Get = %q, %v", v, err)
	}
}

func TestTokenCacheCallerCancelDoesNotAbortSharedFetch(t *testing.T) {
	release := make(chan struct{})
	c := newTokenCache(func(ctx context.Context) (Token, error) {
		select {
		case <-release:
			return Token{Value: "ok", ExpiresIn: time.Hour}, nil
		case <-ctx.Done():
			return Token{}, ctx.Err()
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.Get(ctx); done <- err }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v", err)
	}
	close(release)
	if v, err := c.Get(context.Background()); err != nil || v != "ok" {
		t.Fatalf("next caller got %q, %v; the fetch should have finished for it", v, err)
	}
}
