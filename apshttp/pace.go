package apshttp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-resty/resty/v2"
)

// Budget is the published pace of one APS endpoint family: at most PerMinute
// requests a minute for each application, or for each user of it when PerUser.
// Requests that carry one are held back until it allows them (see Pacing).
type Budget struct {
	Family    string // names the family in keys and messages, e.g. "GET /project/v1/hubs"
	PerMinute int
	PerUser   bool
}

// SlotBooker books request slots in sliding windows, shared by everyone who books
// under the same key; store.Pacer satisfies it, in memory or in Redis.
type SlotBooker interface {
	// Reserve books the earliest slot from now that keeps at most limit bookings
	// of key in every span of window, unless it is more than maxWait away, and
	// says how far away it is.
	Reserve(ctx context.Context, key string, limit int, window, maxWait time.Duration) (wait time.Duration, ok bool, err error)
	// Hold books no slot of key before d from now (a 429's Retry-After),
	// unless a hold in place ends later.
	Hold(ctx context.Context, key string, d time.Duration) error
}

// Pacing keeps the requests of one APS application within their budgets: each
// attempt of a request with a Budget books a slot in its family's window before
// it is sent, and waits for it. With a shared SlotBooker (the team store in
// Redis) every replica books in the same windows, so together they stay within
// the budget instead of drawing 429s. Slots and App are required.
type Pacing struct {
	Slots SlotBooker
	// App is the APS application's client ID: budgets are per application.
	App string
	// User names the caller a PerUser budget is kept for ("" for one shared
	// by every caller); nil keeps every budget per application.
	User func(ctx context.Context) string
	// Window is the span PerMinute counts in; 0 is a minute. Tests shorten it.
	Window time.Duration
	// Margin widens the window a little, so that requests booked a window
	// apart still arrive a window apart whatever the network's jitter; 0 is
	// Window/50 (1.2 s a minute).
	Margin time.Duration
	// MaxWait bounds how long one request may be held; 0 leaves the bound to
	// the call's deadline alone.
	MaxWait time.Duration
}

// BudgetError is a request not sent because its family's next free slot was
// further away than the call could wait: its deadline (keeping a quarter of
// what is left, at most 5 s, for the request itself) or Pacing.MaxWait.
type BudgetError struct {
	Family    string
	PerMinute int
	PerUser   bool
	Wait      time.Duration // how far away the next free slot was
	Bound     time.Duration // the longest the call could wait
}

func (e *BudgetError) Error() string {
	whom := "this application"
	if e.PerUser {
		whom = "each user"
	}
	return fmt.Sprintf("not sent: APS allows %d requests a minute to %s for %s, and its next free slot was %v away, longer than the %v this call could still wait; try again in %v",
		e.PerMinute, e.Family, whom, e.Wait.Round(100*time.Millisecond), e.Bound.Round(100*time.Millisecond), e.Wait.Round(time.Second)+time.Second)
}

// maxHeadroom caps what of a call's remaining time is kept for the request
// once its slot comes.
const maxHeadroom = 5 * time.Second

// wait books b's next slot and sleeps until it comes. It returns how long it
// waited and a *BudgetError when the slot was too far away, ctx's error when the
// call ended meanwhile, or the booker's error.
func (p *Pacing) wait(ctx context.Context, b *Budget) (time.Duration, error) {
	window := p.Window
	if window <= 0 {
		window = time.Minute
	}
	margin := p.Margin
	if margin <= 0 {
		margin = window / 50
	}
	bound := p.bound(ctx)
	wait, ok, err := p.Slots.Reserve(ctx, p.key(ctx, b), b.PerMinute, window+margin, bound)
	switch {
	case err != nil:
		return 0, fmt.Errorf("booking a slot for %s: %w", b.Family, err)
	case !ok:
		return 0, &BudgetError{Family: b.Family, PerMinute: b.PerMinute, PerUser: b.PerUser, Wait: wait, Bound: bound}
	case wait <= 0:
		return 0, nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-t.C:
		return wait, nil
	}
}

// key is where b's slots are booked for ctx's caller: per application,
// and per user when b says so.
func (p *Pacing) key(ctx context.Context, b *Budget) string {
	key := "pace:" + p.App + ":" + b.Family
	if b.PerUser && p.User != nil {
		key += ":user:" + p.User(ctx)
	}
	return key
}

// heed passes a 429's Retry-After (status is the answer's, 0 for none) on to everyone booking b's slots: APS
// spends a budget we cannot see too (other processes of the same
// application, a limit lower than the published one), and the callers
// sharing it had better wait than each draw a 429 of their own. A booker
// that fails leaves the retry policy to cope, as pace does.
func (e *Exchanger) heed(ctx context.Context, req *Request, status int, resp *resty.Response, tally *Tally) {
	if status != http.StatusTooManyRequests || req.Budget == nil || e.Pacing == nil {
		return
	}
	d, ok := retryAfter(resp.Header().Get("Retry-After"), time.Now())
	if !ok || d <= 0 {
		return
	}
	if err := e.Pacing.Slots.Hold(ctx, e.Pacing.key(ctx, req.Budget), d); err != nil && e.Logger != nil {
		e.Logger.Warn("APS's Retry-After not shared with the budget", "call_id", tally.CallID, "family", req.Budget.Family, "error", err)
	}
}

// bound is the longest a request of ctx may wait for its slot.
func (p *Pacing) bound(ctx context.Context) time.Duration {
	bound := p.MaxWait
	if bound <= 0 {
		bound = 24 * time.Hour // no bound declared: the deadline, if any, decides
	}
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		bound = min(bound, left-min(left/4, maxHeadroom))
	}
	return max(bound, 0)
}

// pace holds req back until its budget allows it, when it has one and e paces.
// A booker that fails (Redis unreachable) does not stop the request: it goes
// unpaced, and the retry policy copes with any 429 that brings.
func (e *Exchanger) pace(ctx context.Context, req *Request, tally *Tally) error {
	if req.Budget == nil || e.Pacing == nil {
		return nil
	}
	waited, err := e.Pacing.wait(ctx, req.Budget)
	tally.Paced += waited
	var over *BudgetError
	switch {
	case err == nil, errors.As(err, &over), ctx.Err() != nil:
		return err
	}
	if e.Logger != nil {
		e.Logger.Warn("APS request sent unpaced", "call_id", tally.CallID, "family", req.Budget.Family, "error", err)
	}
	return nil
}
