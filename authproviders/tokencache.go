package authproviders

import (
	"context"
	"sync"
	"time"
)

// fetchTimeout bounds one token request, whoever started it: the fetch
// outlives the caller that triggered it, because other callers wait on it.
const fetchTimeout = 60 * time.Second

// Token is an access token and when it stops being usable.
type Token struct {
	Value     string
	ExpiresIn time.Duration // lifetime APS granted
}

// tokenCache holds one access token and runs at most one fetch at a time:
// callers that arrive while a fetch is under way wait for it and share its
// result, so a burst of calls on a cold cache makes one token request.
type tokenCache struct {
	fetch func(context.Context) (Token, error)
	now   func() time.Time

	mu       sync.Mutex
	value    string
	renewAt  time.Time
	inflight *tokenFetch
}

type tokenFetch struct {
	done  chan struct{}
	value string
	err   error
}

func newTokenCache(fetch func(context.Context) (Token, error)) *tokenCache {
	return &tokenCache{fetch: fetch, now: time.Now}
}

// Get returns the cached token or waits for a fresh one.
func (c *tokenCache) Get(ctx context.Context) (string, error) {
	c.mu.Lock()
	if c.value != "" && c.now().Before(c.renewAt) {
		v := c.value
		c.mu.Unlock()
		return v, nil
	}
	f := c.inflight
	if f == nil {
		f = &tokenFetch{done: make(chan struct{})}
		c.inflight = f
		go c.run(context.WithoutCancel(ctx), f)
	}
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.value, f.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (c *tokenCache) run(ctx context.Context, f *tokenFetch) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	started := c.now()
	tok, err := c.fetch(ctx)

	c.mu.Lock()
	if err == nil {
		c.value = tok.Value
		c.renewAt = started.Add(tok.ExpiresIn - renewMargin(tok.ExpiresIn))
	}
	c.inflight = nil
	c.mu.Unlock()

	f.value, f.err = tok.Value, err
	close(f.done)
}

// Set caches a token obtained outside fetch (a completed sign-in, or one
// read back from a token store), obtained at the given time.
func (c *tokenCache) Set(tok Token, obtained time.Time) {
	c.mu.Lock()
	c.value = tok.Value
	c.renewAt = obtained.Add(tok.ExpiresIn - renewMargin(tok.ExpiresIn))
	c.mu.Unlock()
}

// Invalidate drops token if it is the cached one.
func (c *tokenCache) Invalidate(token string) {
	c.mu.Lock()
	if c.value == token {
		c.value = ""
	}
	c.mu.Unlock()
}

// renewMargin is how long before expiry a token is replaced: five minutes
// for APS's usual hour, a tenth of the lifetime for short-lived tokens.
func renewMargin(lifetime time.Duration) time.Duration {
	return min(5*time.Minute, lifetime/10)
}
