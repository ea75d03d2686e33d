package apsemu

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// quotaBody is the documented 429 body.
var quotaBody = map[string]any{"developerMessage": "Quota limit exceeded."}

// unavailableBody is the emulator's 503 body.
var unavailableBody = gatewayBody("ERR-003", "The service is temporarily unavailable.")

func TestFaultsEveryRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		faults     Faults
		status     int
		retryAfter string
		body       map[string]any
	}{
		{"429", Faults{Rate429: 1, RetryAfter: 25 * time.Second}, 429, "25", quotaBody},
		{"429 wins over 503", Faults{Rate429: 1, Rate503: 1, RetryAfter: 2 * time.Second}, 429, "2", quotaBody},
		{"429 without delay", Faults{Rate429: 1}, 429, "0", quotaBody},
		{"503, delay rounded up", Faults{Rate503: 1, RetryAfter: 1500 * time.Millisecond}, 503, "2", unavailableBody},
		{"503, negative delay", Faults{Rate503: 1, RetryAfter: -time.Second}, 503, "0", unavailableBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, base := startEmulator(t, Options{})
			appToken := fetchToken(t, base, "bucket:read data:read")
			userTok := userToken(t, e, base, "data:read")
			e.SetFaults(tt.faults)
			// The gateway rate-limits before it looks at the token, so
			// missing and bogus tokens meet the fault too.
			requests := []struct{ path, token string }{
				{"/oss/v2/buckets", appToken},
				{"/oss/v2/buckets", ""},
				{"/oss/v2/buckets", "bogus"},
				{"/project/v1/hubs", userTok},
				{"/construction/issues/v1/projects/" + demoIssuesProjectID() + "/issues", userTok},
				{"/userinfo", userTok},
				{"/no/such/api", ""},
			}
			for _, req := range requests {
				r := get(t, base+req.path, req.token)
				r.wantJSON(t, tt.status, tt.body)
				if got := r.header.Get("Retry-After"); got != tt.retryAfter {
					t.Errorf("%s: Retry-After = %q, want %q", req.path, got, tt.retryAfter)
				}
				if ct := r.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("%s: Content-Type = %q", req.path, ct)
				}
			}
			// Authentication endpoints are not covered.
			if r := get(t, base+keysPath, ""); r.status != http.StatusOK {
				t.Errorf("keys: status %d", r.status)
			}
			fetchToken(t, base, "data:read")

			n429, n503 := e.FaultsInjected()
			want := int64(len(requests))
			if (tt.status == 429 && (n429 != want || n503 != 0)) || (tt.status == 503 && (n503 != want || n429 != 0)) {
				t.Errorf("FaultsInjected() = %d, %d after %d faulty answers of %d", n429, n503, want, tt.status)
			}

			e.SetFaults(Faults{})
			if r := get(t, base+"/oss/v2/buckets", appToken); r.status != http.StatusOK {
				t.Errorf("after SetFaults(Faults{}): status %d", r.status)
			}
		})
	}
}

// faultSequence sends n unauthenticated requests and returns the statuses:
// 429 or 503 when a fault was injected, 401 when the gateway let it through.
func faultSequence(t *testing.T, base string, n int) []int {
	t.Helper()
	out := make([]int, n)
	for i := range out {
		resp, err := http.Get(base + "/oss/v2/buckets")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		out[i] = resp.StatusCode
	}
	return out
}

func TestFaultRates(t *testing.T) {
	t.Parallel()
	const n = 1000
	tests := []struct {
		name             string
		rate429, rate503 float64
		seed             int64
	}{
		{"default seed", 0.2, 0.1, 0},
		{"own seed", 0.05, 0.3, 42},
		{"rates above 1 in total", 0.7, 0.7, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, base := startEmulator(t, Options{})
			f := Faults{Rate429: tt.rate429, Rate503: tt.rate503, Seed: tt.seed}
			e.SetFaults(f)
			first := faultSequence(t, base, n)
			counts := map[int]int{}
			for _, s := range first {
				counts[s]++
			}
			want503 := min(tt.rate503, 1-tt.rate429) // 503 gets what 429 leaves
			for status, rate := range map[int]float64{429: tt.rate429, 503: want503} {
				// Four standard deviations of a binomial count.
				tolerance := 4 * math.Sqrt(n*rate*(1-rate))
				if got := float64(counts[status]); math.Abs(got-n*rate) > tolerance {
					t.Errorf("%d answers: %v of %d, want %v ± %.0f", status, got, n, n*rate, tolerance)
				}
			}
			if counts[429]+counts[503]+counts[401] != n {
				t.Errorf("unexpected statuses: %v", counts)
			}
			n429, n503 := e.FaultsInjected()
			if n429 != int64(counts[429]) || n503 != int64(counts[503]) {
				t.Errorf("FaultsInjected() = %d, %d, want %d, %d", n429, n503, counts[429], counts[503])
			}

			// SetFaults reseeds: the same faults give the same sequence.
			e.SetFaults(f)
			if again := faultSequence(t, base, n); !slices.Equal(again, first) {
				t.Error("the same seed gave a different sequence")
			}
			f.Seed++
			e.SetFaults(f)
			if other := faultSequence(t, base, n); slices.Equal(other, first) {
				t.Error("another seed gave the same sequence")
			}
		})
	}
}

func TestFaultsIncludeAuth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		includeAuth bool
		tokenStatus int
	}{
		{"token endpoint spared", false, http.StatusOK},
		{"token endpoint included", true, http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, base := startEmulator(t, Options{})
			e.SetFaults(Faults{Rate429: 1, RetryAfter: 3 * time.Second, IncludeAuth: tt.includeAuth})
			form := url.Values{"grant_type": {"client_credentials"}, "scope": {"data:read"}}
			r := postToken(t, base, "application/x-www-form-urlencoded", form.Encode(), []string{DemoClientID, DemoClientSecret})
			if r.status != tt.tokenStatus {
				t.Fatalf("token: status %d, want %d; body %s", r.status, tt.tokenStatus, r.body)
			}
			if tt.includeAuth {
				r.wantJSON(t, 429, quotaBody)
				if r.header.Get("Retry-After") != "3" {
					t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
				}
				if e.TokenRequests() != 0 {
					t.Errorf("TokenRequests() = %d; a refused request never reached the token service", e.TokenRequests())
				}
			}
			// Never covered: the JWKS and the browser sign-in page.
			if r := get(t, base+keysPath, ""); r.status != http.StatusOK {
				t.Errorf("keys: status %d", r.status)
			}
			if r := authorize(t, base, authzQuery().Encode()); r.status != http.StatusFound {
				t.Errorf("authorize: status %d", r.status)
			}
			if r := get(t, base+"/oss/v2/buckets", ""); r.status != http.StatusTooManyRequests {
				t.Errorf("resource API: status %d, want 429", r.status)
			}
		})
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	const latency = 300 * time.Millisecond
	tests := []struct {
		name   string
		faults Faults
		status int
	}{
		{"healthy answer delayed", Faults{Latency: latency}, http.StatusOK},
		{"fault delayed", Faults{Latency: latency, Rate503: 1}, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, base := startEmulator(t, Options{})
			token := fetchToken(t, base, "bucket:read")
			e.SetFaults(tt.faults)
			start := time.Now()
			r := get(t, base+"/oss/v2/buckets", token)
			if elapsed := time.Since(start); elapsed < latency {
				t.Errorf("answered after %v, want at least %v", elapsed, latency)
			}
			if r.status != tt.status {
				t.Errorf("status %d, want %d", r.status, tt.status)
			}
		})
	}

	t.Run("cancelled request returns promptly", func(t *testing.T) {
		t.Parallel()
		e := New(Options{})
		srv := httptest.NewServer(e)
		e.SetFaults(Faults{Latency: time.Minute, Rate429: 1})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/oss/v2/buckets", nil)
		start := time.Now()
		_, err := http.DefaultClient.Do(req)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want the deadline", err)
		}
		// Close waits for outstanding handlers: it returns quickly only if
		// the handler stopped waiting when the client gave up.
		srv.Close()
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Fatalf("the handler kept waiting for %v", elapsed)
		}
		if n429, _ := e.FaultsInjected(); n429 != 0 {
			t.Errorf("FaultsInjected() counted an abandoned request: %d", n429)
		}
		log := e.Requests()
		if len(log) != 1 || log[0].Status != 0 {
			t.Errorf("log = %+v, want one entry with Status 0", log)
		}
	})
}

func TestRequestLogTimeAndStatus(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: t0}
	e, base := startEmulator(t, Options{Now: clock.Now})
	token := fetchToken(t, base, "bucket:read")
	clock.Advance(time.Second)
	get(t, base+"/oss/v2/buckets", token)
	clock.Advance(time.Second)
	get(t, base+"/oss/v2/buckets", "")
	clock.Advance(time.Second)
	e.SetFaults(Faults{Rate429: 1})
	get(t, base+"/oss/v2/buckets", token)
	clock.Advance(time.Second)
	e.SetFaults(Faults{Rate503: 1})
	get(t, base+"/project/v1/hubs", token)
	e.SetFaults(Faults{})
	clock.Advance(time.Second)
	req, _ := http.NewRequest(http.MethodPut, base+"/oss/v2/buckets", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+token)
	do(t, req)

	want := []struct {
		path   string
		status int
	}{
		{tokenPath, 200},
		{"/oss/v2/buckets", 200},
		{"/oss/v2/buckets", 401},
		{"/oss/v2/buckets", 429},
		{"/project/v1/hubs", 503},
		{"/oss/v2/buckets", 405},
	}
	log := e.Requests()
	if len(log) != len(want) {
		t.Fatalf("logged %d requests, want %d", len(log), len(want))
	}
	for i, w := range want {
		if log[i].Path != w.path || log[i].Status != w.status || !log[i].Time.Equal(t0.Add(time.Duration(i)*time.Second)) {
			t.Errorf("entry %d = %s %d at %v, want %s %d at %v", i, log[i].Path, log[i].Status, log[i].Time,
				w.path, w.status, t0.Add(time.Duration(i)*time.Second))
		}
	}
}
