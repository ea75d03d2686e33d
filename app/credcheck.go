package app

import (
	"context"
	"sync"
	"time"

	"github.com/aps-mcp/aps-mcp/authproviders"
)

// Credential checks: how long one may take, and how soon after a failed
// one /readyz tries again (it is open to anyone who reaches the server, so
// it must not turn into a stream of token requests).
const (
	credCheckTimeout = 15 * time.Second
	credRecheckAfter = 10 * time.Second
)

// checkCredentials asks APS for a token with the app's own credentials,
// once, where the kind has credentials of its own to check: a kind that
// acts as a person (3lo, a team server's per-person provider) gets tokens
// only once someone signs in. The token is cached for the first call.
func (a *App) checkCredentials(ctx context.Context) (checked bool, err error) {
	a.mu.Lock()
	kind, provider := a.kind, a.provider
	a.mu.Unlock()
	if kind.ActsAsUser {
		return false, nil
	}
	if _, ok := provider.(*authproviders.PerUser); ok {
		return false, nil
	}
	if _, err := provider.Token(ctx); err != nil {
		a.logger.Error("APS refused this server's credentials, or did not answer; /readyz answers 503 until it issues a token",
			"auth", kind.Name, "error", err)
		return true, err
	}
	a.logger.Info("APS accepted this server's credentials", "auth", kind.Name)
	return true, nil
}

// credCheck runs the start-up credential check and keeps its outcome for
// /readyz; nothing started means nothing to report (the app is not
// serving, or its kind has no credentials of its own).
type credCheck struct {
	recheckAfter time.Duration // 0: credRecheckAfter

	mu      sync.Mutex
	check   func(context.Context) (bool, error)
	running chan struct{} // closed when the running check ends; nil if none
	done    bool          // a check ended
	failed  bool          // and APS issued no token
	at      time.Time     // when it ended
}

// start runs check in the background unless one is running.
func (c *credCheck) start(check func(context.Context) (bool, error)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.check = check
	c.runLocked()
}

func (c *credCheck) runLocked() {
	if c.running != nil || c.check == nil {
		return
	}
	running := make(chan struct{})
	c.running = running
	go func() {
		defer close(running)
		ctx, cancel := context.WithTimeout(context.Background(), credCheckTimeout)
		defer cancel()
		checked, err := c.check(ctx)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.running, c.done, c.at = nil, checked, time.Now()
		c.failed = checked && err != nil
	}()
}

// ready waits (as long as ctx allows) for the check under way, starting
// another when the last one failed a while ago, and returns what keeps
// the server from being ready, or "".
func (c *credCheck) ready(ctx context.Context) string {
	c.mu.Lock()
	again := c.recheckAfter
	if again == 0 {
		again = credRecheckAfter
	}
	if c.done && c.failed && time.Since(c.at) > again {
		c.runLocked()
	}
	running := c.running
	c.mu.Unlock()
	if running != nil {
		select {
		case <-running:
		case <-ctx.Done():
			return "checking this server's APS credentials"
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done && c.failed {
		return "APS refused this server's credentials, or did not answer (see the server's log)"
	}
	return ""
}
