// # Rate limits
//
// With Options.RateLimits the gateway also enforces per-application
// budgets per endpoint, checked once the route and method are known and
// before the scope: at most RateLimit.Limit requests in any span of its
// Window (a minute unless set). A request over the budget answers 429 with
// Retry-After, the whole seconds until the oldest counted request leaves
// the window (at least 1), and the documented body
// {"developerMessage":"Quota limit exceeded."}; refused requests are not
// counted, and RateLimited counts them apart from injected faults.
// PublishedRateLimits is APS's documented table (NOTES §1.5).
package apsemu
