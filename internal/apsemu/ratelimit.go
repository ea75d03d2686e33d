package apsemu

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// RateLimit is a budget the emulator enforces on one endpoint for each
// application (client ID): at most Limit requests in any span of Window.
// Once the budget is spent the endpoint answers 429 with Retry-After (the
// whole seconds, rounded up, until the oldest counted request leaves the
// window) and the documented body {"developerMessage":"Quota limit
// exceeded."}; refused requests are not counted.
type RateLimit struct {
	// Method and Pattern name the endpoint as the emulator's routes spell
	// it, e.g. "GET" and "/project/v1/hubs/{hub_id}/projects".
	Method, Pattern string
	// Limit is the number of requests allowed per Window; 0 or less
	// refuses every request.
	Limit int
	// Window is the span the budget covers; 0 or less means one minute,
	// as APS publishes its limits. Tests use shorter ones.
	Window time.Duration
	// PerUser gives each user of the application a budget of its own
	// (app-only requests share one), for limits published per user.
	PerUser bool
}

// PublishedRateLimits returns APS's documented per-minute limits (NOTES
// §1.5) on the endpoints it emulates, per application: Data Management's
// hubs and projects 50, top folders and folder contents 300; userinfo 500; token 500
// and revoke 100, counted for the client ID of Basic credentials only
// (credentials in the form body are not read before the handler); and the
// unverified Issues figure of 500 per user, kept per user here too.
// Endpoints without a published figure (items, versions, Model
// Derivative, OSS) are not limited.
func PublishedRateLimits() []RateLimit {
	const (
		hub     = "/project/v1/hubs/{hub_id}"
		project = hub + "/projects/{project_id}"
		data    = "/data/v1/projects/{project_id}"
		issues  = "/construction/issues/v1/projects/{projectId}"
	)
	get := func(pattern string, limit int) RateLimit {
		return RateLimit{Method: http.MethodGet, Pattern: pattern, Limit: limit}
	}
	out := []RateLimit{
		{Method: http.MethodPost, Pattern: tokenPath, Limit: 500},
		{Method: http.MethodPost, Pattern: revokePath, Limit: 100},
		get(userInfoPath, 500),
		get("/project/v1/hubs", 50),
		get(hub, 50),
		get(hub+"/projects", 50),
		get(project, 50),
		get(project+"/topFolders", 300),
		get(data+"/folders/{folder_id}/contents", 300),
	}
	for _, suffix := range []string{"/issues", "/issues/{issueId}", "/issues/{issueId}/comments", "/issue-types", "/issue-root-cause-categories"} {
		l := get(issues+suffix, 500)
		l.PerUser = true
		out = append(out, l)
	}
	return out
}

// rateLimiter counts requests per endpoint and application in sliding
// windows. The table never changes after New; the logs are guarded by mu.
type rateLimiter struct {
	limits  map[string]RateLimit // method + " " + pattern → its limit
	refused atomic.Int64

	mu   sync.Mutex
	logs map[rateKey][]time.Time // arrival times of the counted requests still in the window, oldest first
}

// rateKey is one budget: an endpoint and the application (and user, for
// PerUser limits) it belongs to.
type rateKey struct {
	endpoint, clientID, userID string
}

// newRateLimiter indexes limits by endpoint. Limits on endpoints the
// emulator has no route for, and two limits on one endpoint, are
// programming errors in the caller's table and panic.
func newRateLimiter(limits []RateLimit, apis []api) *rateLimiter {
	if len(limits) == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, a := range apis {
		for _, rt := range a.routes {
			known[endpointKey(rt.method, rt.pattern)] = true
		}
	}
	rl := &rateLimiter{limits: make(map[string]RateLimit, len(limits)), logs: map[rateKey][]time.Time{}}
	for _, l := range limits {
		k := endpointKey(l.Method, l.Pattern)
		if !known[k] {
			panic(fmt.Sprintf("apsemu: rate limit on %s: the emulator has no such endpoint", k))
		}
		if _, dup := rl.limits[k]; dup {
			panic(fmt.Sprintf("apsemu: two rate limits on %s", k))
		}
		if l.Window <= 0 {
			l.Window = time.Minute
		}
		rl.limits[k] = l
	}
	return rl
}

// endpointKey names a route in the rate-limit table.
func endpointKey(method, pattern string) string { return method + " " + pattern }

// admit counts a request to rt by clientID (and userID) arriving at now,
// or reports how long until its budget frees.
func (rl *rateLimiter) admit(rt *route, clientID, userID string, now time.Time) (retryAfter time.Duration, ok bool) {
	k := endpointKey(rt.method, rt.pattern)
	l, limited := rl.limits[k]
	if !limited || clientID == "" {
		return 0, true
	}
	key := rateKey{endpoint: k, clientID: clientID}
	if l.PerUser {
		key.userID = userID
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	log := rl.logs[key]
	start := now.Add(-l.Window)
	drop := 0
	for drop < len(log) && !log[drop].After(start) {
		drop++
	}
	log = log[drop:]
	if len(log) >= l.Limit {
		rl.logs[key] = log
		if len(log) == 0 {
			return l.Window, false
		}
		return log[0].Add(l.Window).Sub(now), false
	}
	rl.logs[key] = append(log, now)
	return 0, true
}

// overRateLimit answers 429 and reports true when the request to rt is
// over its budget. The application is the bearer token's; for the
// authentication endpoints, which take no bearer token, the client ID of
// Basic credentials.
func (e *Emulator) overRateLimit(w http.ResponseWriter, r *http.Request, rt *route, token tokenInfo) bool {
	if e.rates == nil {
		return false
	}
	clientID := token.clientID
	if clientID == "" {
		clientID, _, _ = r.BasicAuth()
	}
	wait, ok := e.rates.admit(rt, clientID, token.userID, e.now())
	if ok {
		return false
	}
	e.rates.refused.Add(1)
	// At least 1: the budget is spent now, so "0" would invite a client
	// straight back into another 429.
	w.Header().Set("Retry-After", retryAfterSeconds(max(wait, time.Second)))
	writeJSON(w, http.StatusTooManyRequests, contentTypeJSON, quotaError{DeveloperMessage: msgQuotaExceeded})
	return true
}

// RateLimited returns how many requests the emulator has refused with 429
// because an Options.RateLimits budget was spent (injected faults are
// counted by FaultsInjected instead).
func (e *Emulator) RateLimited() int64 {
	if e.rates == nil {
		return 0
	}
	return e.rates.refused.Load()
}
