package app

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// TestCredCheck: /readyz waits for the check under way, reports a failed
// one, tries again (not more often than the recheck interval) and is ready
// once APS issues a token; a kind with nothing to check is ready at once.
func TestCredCheck(t *testing.T) {
	var calls atomic.Int32
	var refuse atomic.Bool
	refuse.Store(true)
	release := make(chan struct{})
	check := func(context.Context) (bool, error) {
		calls.Add(1)
		<-release
		if refuse.Load() {
			return true, errors.New("invalid_client")
		}
		return true, nil
	}
	c := &credCheck{recheckAfter: 50 * time.Millisecond}
	ctx := context.Background()
	if got := c.ready(ctx); got != "" {
		t.Errorf("before any check: %q", got)
	}
	c.start(check)
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if got := c.ready(short); got != "checking this server's APS credentials" {
		t.Errorf("while checking: %q", got)
	}
	close(release)
	if got := c.ready(ctx); got == "" {
		t.Error("ready although APS refused the credentials")
	}
	if got := c.ready(ctx); got == "" || calls.Load() != 1 {
		t.Errorf("asked again at once (%d checks): %q", calls.Load(), got)
	}
	refuse.Store(false)
	time.Sleep(60 * time.Millisecond)
	if got := c.ready(ctx); got != "" || calls.Load() != 2 {
		t.Errorf("after the recheck interval, with APS issuing tokens: %q (%d checks)", got, calls.Load())
	}

	skipped := &credCheck{}
	skipped.start(func(context.Context) (bool, error) { return false, nil })
	if got := skipped.ready(ctx); got != "" {
		t.Errorf("a kind with nothing to check: %q", got)
	}
}
