package apshttp

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aps-mcp/aps-mcp/defaults"
)

// RetryPolicy bounds how APS calls are retried: how many attempts, how the
// waits grow, and how long all the waits of one exchange may add up to.
type RetryPolicy struct {
	MaxAttempts int           // attempts including the first; 1 disables retries
	BaseDelay   time.Duration // first backoff; doubles per retry, with jitter
	MaxDelay    time.Duration // cap on one backoff (a longer Retry-After is still honoured within MaxWait)
	MaxWait     time.Duration // cap on the sum of all waits
}

// DefaultRetryPolicy is the policy of the profile's retry defaults (package
// defaults): a few retries over up to a minute, which suits APS's rate
// limits. It is a function so that no caller can change it for the others.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts: defaults.RetryMaxAttempts, BaseDelay: defaults.RetryBaseDelay,
		MaxDelay: defaults.RetryMaxDelay, MaxWait: defaults.RetryMaxWait,
	}
}

// RetryStats says what the retries of one exchange did.
type RetryStats struct {
	Retries    int           // attempts after the first
	Waited     time.Duration // total time spent waiting
	RetryAfter time.Duration // the last Retry-After APS sent, if any
}

// Retryable decides whether an attempt's outcome is worth another try.
type Retryable func(resp *resty.Response, err error) bool

// TransientStatus reports APS answers that may succeed later: 429 and the
// 5xx a gateway or an overloaded service sends.
func TransientStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// RetryTransient retries 429, transient 5xx, failures to get any answer
// and answers refused by the request's check; an answer over the cap is
// final, as another try brings the same, and so is a request its budget
// kept from being sent (it was never sent, and waiting is what it could not do).
func RetryTransient(resp *resty.Response, err error) bool {
	if err != nil {
		var big *TooLargeError
		var over *BudgetError
		return IsConnectionError(err) && !errors.As(err, &big) && !errors.As(err, &over) && !errors.Is(err, resty.ErrResponseBodyTooLarge)
	}
	return TransientStatus(resp.StatusCode())
}

// RetryRateLimited retries only 429, which APS sends before doing anything:
// the one safe retry for requests that must not run twice.
func RetryRateLimited(resp *resty.Response, err error) bool {
	return err == nil && resp.StatusCode() == http.StatusTooManyRequests
}

// IsConnectionError reports a failure to exchange with APS at all, as
// opposed to the caller giving up.
func IsConnectionError(err error) bool {
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// Do runs send until it succeeds, its outcome is not retryable, the
// attempts are used up, or the next wait would pass MaxWait. Waits grow
// exponentially with jitter; a Retry-After from APS is honoured as the
// least wait. It returns the last outcome.
func (p RetryPolicy) Do(ctx context.Context, send func() (*resty.Response, error), retryable Retryable) (*resty.Response, RetryStats, error) {
	var stats RetryStats
	for attempt := 1; ; attempt++ {
		resp, err := send()
		if err == nil && resp.IsSuccess() || !retryable(resp, err) || attempt >= p.MaxAttempts {
			return resp, stats, err
		}
		wait := p.backoff(attempt)
		if resp != nil {
			if ra, ok := retryAfter(resp.Header().Get("Retry-After"), time.Now()); ok {
				stats.RetryAfter = ra
				wait = max(wait, ra) // APS said when: never sooner

			}
		}
		if stats.Waited+wait > p.MaxWait {
			return resp, stats, err
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return resp, stats, errors.Join(err, ctx.Err())
		case <-timer.C:
		}
		stats.Waited += wait
		stats.Retries++
	}
}

// backoff is BaseDelay·2^(attempt-1), capped at MaxDelay, with "equal
// jitter": half fixed, half random, so retries from many callers spread.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseDelay << min(attempt-1, 30)
	if d <= 0 || d > p.MaxDelay {
		d = p.MaxDelay
	}
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(half+1)
}

// retryAfter reads a Retry-After header: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		return time.Duration(min(secs, 24*3600)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
