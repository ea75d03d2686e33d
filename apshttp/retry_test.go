package apshttp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aps-mcp/aps-mcp/defaults"
)

// fastPolicy keeps the tests quick: millisecond backoff.
var fastPolicy = RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxWait: 2 * time.Second}

// scripted answers each request with the next status, then 200.
func scripted(t *testing.T, retryAfter string, statuses ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(statuses) {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(statuses[i])
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetryPolicyDo(t *testing.T) {
	tests := []struct {
		name        string
		policy      RetryPolicy
		retryAfter  string
		statuses    []int
		retryable   Retryable
		wantStatus  int
		wantCalls   int32
		wantRetries int
	}{
		{"succeeds after transient answers", fastPolicy, "0", []int{429, 503, 502}, RetryTransient, 200, 4, 3},
		{"attempts run out", fastPolicy, "0", []int{503, 503, 503, 503, 503}, RetryTransient, 503, 4, 3},
		{"not retryable", fastPolicy, "", []int{404}, RetryTransient, 404, 1, 0},
		{"single-use requests retry only 429", fastPolicy, "0", []int{503}, RetryRateLimited, 503, 1, 0},
		{"429 is safe for single-use requests", fastPolicy, "0", []int{429}, RetryRateLimited, 200, 2, 1},
		{"Retry-After beyond the wait budget stops", RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxWait: 500 * time.Millisecond}, "1", []int{429, 429}, RetryTransient, 429, 1, 0},
		{"no retries configured", RetryPolicy{MaxAttempts: 1}, "", []int{503}, RetryTransient, 503, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, calls := scripted(t, tc.retryAfter, tc.statuses...)
			c := resty.New()
			resp, stats, err := tc.policy.Do(context.Background(), func() (*resty.Response, error) { return c.R().Get(srv.URL) }, tc.retryable)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode() != tc.wantStatus || calls.Load() != tc.wantCalls || stats.Retries != tc.wantRetries {
				t.Errorf("status %d calls %d retries %d; want %d %d %d", resp.StatusCode(), calls.Load(), stats.Retries, tc.wantStatus, tc.wantCalls, tc.wantRetries)
			}
			if tc.retryAfter == "1" && stats.RetryAfter != time.Second {
				t.Errorf("RetryAfter = %v, want 1s", stats.RetryAfter)
			}
		})
	}
}

func TestRetryHonoursRetryAfterAndContext(t *testing.T) {
	srv, _ := scripted(t, "1", 429, 429)
	c := resty.New()
	start := time.Now()
	resp, stats, err := RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxWait: 5 * time.Second}.
		Do(context.Background(), func() (*resty.Response, error) { return c.R().Get(srv.URL) }, RetryTransient)
	if err != nil || resp.StatusCode() != 429 || stats.Retries != 1 {
		t.Fatalf("got %v %v %+v", resp, err, stats)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("waited %v, but APS asked for 1s", waited)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	srv2, _ := scripted(t, "30", 429, 429)
	patient := RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxWait: time.Minute}
	_, _, err = patient.Do(ctx, func() (*resty.Response, error) { return c.R().SetContext(ctx).Get(srv2.URL) }, RetryTransient)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a cancelled wait returned %v, want the context's error", err)
	}
}

func TestRetryConnectionErrors(t *testing.T) {
	c := resty.New()
	var calls int
	_, stats, err := fastPolicy.Do(context.Background(), func() (*resty.Response, error) {
		calls++
		return c.R().Get("http://127.0.0.1:1/")
	}, RetryTransient)
	if err == nil || calls != fastPolicy.MaxAttempts || stats.Retries != fastPolicy.MaxAttempts-1 {
		t.Errorf("calls %d, retries %d, err %v", calls, stats.Retries, err)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{" 3 ", 3 * time.Second, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
	}
	for _, tc := range tests {
		got, ok := retryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestDefaultsComeFromTheTable: the retry policy and the client's timeout
// fall back to the profile's defaults, not to values of their own.
func TestDefaultsComeFromTheTable(t *testing.T) {
	p := DefaultRetryPolicy()
	if p.MaxAttempts != defaults.RetryMaxAttempts || p.BaseDelay != defaults.RetryBaseDelay || p.MaxDelay != defaults.RetryMaxDelay || p.MaxWait != defaults.RetryMaxWait {
		t.Errorf("DefaultRetryPolicy() = %+v, not the table's retry defaults", p)
	}
	p.MaxAttempts = 99
	if DefaultRetryPolicy().MaxAttempts == 99 {
		t.Error("a caller changed the default policy for everyone")
	}
	if got := NewClient(ClientOptions{}).GetClient().Timeout; got != defaults.RequestTimeout {
		t.Errorf("client timeout %v, want the table's %v", got, defaults.RequestTimeout)
	}
}
