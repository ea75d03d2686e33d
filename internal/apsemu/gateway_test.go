package apsemu

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func gatewayBody(code, msg string) map[string]any {
	return map[string]any{
		"developerMessage": msg,
		"moreInfo":         "https://aps.autodesk.com/en/docs/oauth/v2/developers_guide/error_handling/",
		"errorCode":        code,
	}
}

func TestGatewayErrors(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	e, base := startEmulator(t, Options{Now: clock.Now, TokenTTL: time.Minute})
	buckets := base + "/oss/v2/buckets"
	objects := base + "/oss/v2/buckets/" + demoModelsBucket + "/objects"
	bucketOnly := fetchToken(t, base, "bucket:read")
	dataOnly := fetchToken(t, base, "data:read")
	resourceOnly := fetchToken(t, base, "data:read:urn:adsk.objects:os.object:"+demoModelsBucket+"/part-0001.ipt")

	invalid := gatewayBody("AUTH-006", "The access token is invalid.")
	forbidden := gatewayBody("AUTH-010", "Token does not have the privilege for this request.")
	tests := []struct {
		name   string
		url    string
		auth   string
		status int
		body   map[string]any
	}{
		{"missing header", buckets, "", 401, gatewayBody("AUTH-006", "The Authorization header is missing.")},
		{"basic scheme", buckets, "Basic " + bucketOnly, 401, invalid},
		{"bearer without token", buckets, "Bearer ", 401, invalid},
		{"unknown token", buckets, "Bearer not-a-token", 401, invalid},
		{"unknown token on unknown path", base + "/oss/v2/nothing", "Bearer not-a-token", 401, invalid},
		{"lowercase bearer accepted, wrong scope", objects, "bearer " + bucketOnly, 403, forbidden},
		{"data scope on buckets", buckets, "Bearer " + dataOnly, 403, forbidden},
		{"bucket scope on objects", objects, "Bearer " + bucketOnly, 403, forbidden},
		{"resource scope is not data:read", objects, "Bearer " + resourceOnly, 403, forbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, tt.url, nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			r := do(t, req)
			r.wantJSON(t, tt.status, tt.body)
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}

	t.Run("expired", func(t *testing.T) {
		tok := fetchToken(t, base, "bucket:read")
		clock.Advance(59 * time.Second)
		if r := get(t, buckets, tok); r.status != 200 {
			t.Fatalf("1s before expiry: status %d", r.status)
		}
		clock.Advance(time.Second)
		get(t, buckets, tok).wantJSON(t, 401, invalid)
	})

	t.Run("revoked", func(t *testing.T) {
		tok := fetchToken(t, base, "bucket:read")
		if r := get(t, buckets, tok); r.status != 200 {
			t.Fatalf("before revoke: status %d", r.status)
		}
		before := e.TokenRequests()
		e.RevokeTokens()
		get(t, buckets, tok).wantJSON(t, 401, invalid)
		fresh := fetchToken(t, base, "bucket:read")
		if r := get(t, buckets, fresh); r.status != 200 {
			t.Fatalf("token issued after revoke: status %d", r.status)
		}
		if got := e.TokenRequests(); got != before+1 {
			t.Errorf("TokenRequests() = %d, want %d", got, before+1)
		}
	})
}

func TestNoAPIAccess(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{Clients: []Client{
		{ID: DemoClientID, Secret: DemoClientSecret, NoAPIAccess: []string{"/construction/", "/oss/v2/buckets/" + demoModelsBucket}},
		{ID: otherClient, Secret: otherSecret},
	}})
	appToken := fetchToken(t, base, "bucket:read data:read")
	userTok := userToken(t, e, base, "data:read")
	otherToken := fetchTokenFor(t, base, otherClient, otherSecret, url.Values{"grant_type": {"client_credentials"}, "scope": {"bucket:read"}})
	// The observed body, verbatim.
	noAccess := map[string]any{
		"developerMessage": "The client_id specified does not have access to the api product",
		"moreInfo":         "https://forge.autodesk.com/en/docs/oauth/v2/developers_guide/error_handling/",
		"errorCode":        "AUTH-001",
	}
	issues := base + "/construction/issues/v1/projects/" + demoIssuesProjectID() + "/issues"
	tests := []struct {
		name   string
		url    string
		token  string
		status int
	}{
		{"user token under the prefix", issues, userTok, 403},
		{"app token under the prefix", issues, appToken, 403},
		{"before routing: unknown path under the prefix", base + "/construction/nothing", userTok, 403},
		{"before scope checks", base + "/oss/v2/buckets/" + demoModelsBucket + "/details", userTok, 403},
		{"second prefix", base + "/oss/v2/buckets/" + demoModelsBucket + "/objects", appToken, 403},
		{"other products fine", base + "/oss/v2/buckets", appToken, 200},
		{"other products fine for users", base + "/project/v1/hubs", userTok, 200},
		{"token checked first", issues, "bogus", 401},
		{"other apps unaffected", base + "/construction/nothing", otherToken, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, tt.url, tt.token)
			if tt.status == 403 {
				r.wantJSON(t, 403, noAccess)
				if ct := r.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q", ct)
				}
				if !strings.HasPrefix(string(r.body), `{"developerMessage":`) || !strings.HasSuffix(string(r.body), `"errorCode":"AUTH-001"}`) {
					t.Errorf("member order differs from the observed body: %s", r.body)
				}
			} else if r.status != tt.status {
				t.Errorf("status %d, want %d; body %s", r.status, tt.status, r.body)
			}
		})
	}
}
