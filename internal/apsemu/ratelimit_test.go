package apsemu

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// saToken gets a user token of account saID, registered for clientID
// (whose secret is secret), through the jwt-bearer grant.
func saToken(t *testing.T, e *Emulator, base, clientID, secret, saID string) string {
	t.Helper()
	key, _ := testKeys()
	e.AddServiceAccount(ServiceAccount{ID: saID, ClientID: clientID, KeyID: testKID, Key: &key.PublicKey})
	claims := validClaims(base, e.now())
	claims["iss"], claims["sub"], claims["scope"] = clientID, saID, []string{"data:read"}
	r := exchange(t, base, signAssertion(t, jwt.SigningMethodRS256, key, map[string]any{"kid": testKID}, claims), nil, []string{clientID, secret})
	if r.status != http.StatusOK {
		t.Fatalf("exchange for %s: %d %s", saID, r.status, r.body)
	}
	return r.object(t)["access_token"].(string)
}

// wantQuota checks that r is the documented 429 with Retry-After retryAfter.
func wantQuota(t *testing.T, r testResponse, retryAfter string) {
	t.Helper()
	r.wantJSON(t, http.StatusTooManyRequests, quotaBody)
	if got := r.header.Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After = %q, want %q", got, retryAfter)
	}
}

func TestPublishedRateLimitsSpendAndFree(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	e, base := startEmulator(t, Options{Now: clock.Now, RateLimits: PublishedRateLimits(),
		Clients: []Client{{ID: DemoClientID, Secret: DemoClientSecret}, {ID: otherClient, Secret: otherSecret}}})
	tok := saToken(t, e, base, DemoClientID, DemoClientSecret, testSAID)
	other := saToken(t, e, base, otherClient, otherSecret, "OTHERAPP0SA00001")
	hubs := base + "/project/v1/hubs"

	for i := range 50 {
		if r := get(t, hubs, tok); r.status != http.StatusOK {
			t.Fatalf("request %d of the 50 allowed: status %d %s", i+1, r.status, r.body)
		}
		clock.Advance(100 * time.Millisecond) // the 50 span 5 s
	}
	// The oldest counted request arrived 5 s ago: the window frees in 55 s.
	wantQuota(t, get(t, hubs, tok), "55")
	// Other endpoints and other applications have budgets of their own.
	if r := get(t, hubs+"/"+demoBigHubID()+"/projects", tok); r.status != http.StatusOK {
		t.Errorf("projects after hubs' budget is spent: status %d", r.status)
	}
	if r := get(t, hubs, other); r.status != http.StatusOK {
		t.Errorf("another app's hubs: status %d", r.status)
	}
	clock.Advance(54*time.Second + 500*time.Millisecond)
	wantQuota(t, get(t, hubs, tok), "1") // half a second left, rounded up
	clock.Advance(500 * time.Millisecond)
	// The oldest request has left the window: one more fits, not two.
	if r := get(t, hubs, tok); r.status != http.StatusOK {
		t.Fatalf("after the oldest left the window: status %d", r.status)
	}
	wantQuota(t, get(t, hubs, tok), "1")
	if got := e.RateLimited(); got != 3 {
		t.Errorf("RateLimited() = %d, want 3", got)
	}
	if n429, _ := e.FaultsInjected(); n429 != 0 {
		t.Errorf("FaultsInjected() counts %d 429s of rate limits", n429)
	}
}

func TestRateLimitsRefusedRequestsAreNotCounted(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	limits := []RateLimit{{Method: http.MethodGet, Pattern: "/project/v1/hubs", Limit: 2, Window: time.Second}}
	e, base := startEmulator(t, Options{Now: clock.Now, RateLimits: limits})
	tok := saToken(t, e, base, DemoClientID, DemoClientSecret, testSAID)
	var statuses []int
	for range 6 {
		statuses = append(statuses, get(t, base+"/project/v1/hubs", tok).status)
		clock.Advance(300 * time.Millisecond)
	}
	// t=0 and 0.3 pass; 0.6 and 0.9 are refused; at 1.2 the first has
	// left the window, at 1.5 the second (refusals never joined it).
	want := []int{200, 200, 429, 429, 200, 200}
	if !slices.Equal(statuses, want) {
		t.Errorf("statuses = %v, want %v", statuses, want)
	}
}

func TestRateLimitsPerUser(t *testing.T) {
	t.Parallel()
	limits := []RateLimit{{Method: http.MethodGet, Pattern: "/construction/issues/v1/projects/{projectId}/issue-types", Limit: 1, PerUser: true}}
	e, base := startEmulator(t, Options{RateLimits: limits})
	alice := saToken(t, e, base, DemoClientID, DemoClientSecret, testSAID)
	bob := saToken(t, e, base, DemoClientID, DemoClientSecret, "BOBSERVICEACCT01")
	path := base + "/construction/issues/v1/projects/" + demoIssuesProjectID() + "/issue-types"
	if r := get(t, path, alice); r.status == http.StatusTooManyRequests {
		t.Fatalf("alice's first request: 429")
	}
	wantQuota(t, get(t, path, alice), "60")
	if r := get(t, path, bob); r.status == http.StatusTooManyRequests {
		t.Errorf("bob's first request shares alice's budget: 429")
	}
}

func TestRateLimitsTokenEndpointByBasicClient(t *testing.T) {
	t.Parallel()
	limits := []RateLimit{{Method: http.MethodPost, Pattern: tokenPath, Limit: 1}}
	_, base := startEmulator(t, Options{RateLimits: limits})
	form := "grant_type=client_credentials&scope=data:read"
	basic := []string{DemoClientID, DemoClientSecret}
	if r := postToken(t, base, "application/x-www-form-urlencoded", form, basic); r.status != http.StatusOK {
		t.Fatalf("first token request: %d %s", r.status, r.body)
	}
	wantQuota(t, postToken(t, base, "application/x-www-form-urlencoded", form, basic), "60")
}

func TestRateLimitsUnknownEndpointPanics(t *testing.T) {
	t.Parallel()
	for _, limits := range [][]RateLimit{
		{{Method: http.MethodGet, Pattern: "/project/v1/nowhere", Limit: 1}},
		{{Method: http.MethodPost, Pattern: "/project/v1/hubs", Limit: 1}},
		{{Method: http.MethodGet, Pattern: "/project/v1/hubs", Limit: 1}, {Method: http.MethodGet, Pattern: "/project/v1/hubs", Limit: 2}},
	} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.HasPrefix(msg, "apsemu: ") {
					t.Errorf("New(%v) panicked with %q, want an apsemu message", limits, msg)
				}
			}()
			New(Options{RateLimits: limits})
		}()
	}
}
