package apsemu

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// The verifier and S256 challenge of RFC 7636 Appendix B, so the emulator's
// PKCE arithmetic is checked against the RFC rather than against itself.
const (
	testVerifier  = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	testChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
)

// Redirect URIs and the client with registered callbacks the 3LO tests use.
const (
	testRedirect       = "http://127.0.0.1:8765/callback"
	testState          = "xyz-1.2_3,4"
	registeredClient   = "registered-client"
	registeredSecret   = "registered-secret"
	registeredRedirect = "https://app.example.com/callback?tenant=acme"
)

// absent as an authzQuery value deletes the parameter.
const absent = "\x00absent"

// threeLeggedOptions registers the demo client (no callbacks: loopback
// redirects), a second such client and one with registered callbacks.
func threeLeggedOptions(now func() time.Time) Options {
	return Options{Now: now, Clients: []Client{
		{ID: DemoClientID, Secret: DemoClientSecret},
		{ID: otherClient, Secret: otherSecret},
		{ID: registeredClient, Secret: registeredSecret, RedirectURIs: []string{registeredRedirect, "http://localhost:9000/cb"}},
	}}
}

// authzQuery is a valid PKCE authorization request for the demo client,
// with edits applied as name, value pairs (value absent deletes).
func authzQuery(edits ...string) url.Values {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {DemoClientID},
		"redirect_uri":          {testRedirect},
		"scope":                 {"data:read"},
		"state":                 {testState},
		"code_challenge":        {testChallenge},
		"code_challenge_method": {"S256"},
	}
	for i := 0; i+1 < len(edits); i += 2 {
		if edits[i+1] == absent {
			q.Del(edits[i])
		} else {
			q.Set(edits[i], edits[i+1])
		}
	}
	return q
}

// noRedirectClient returns the 302s themselves, as a test browser would
// see them before following.
func noRedirectClient() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// authorize sends GET /authentication/v2/authorize with a raw query.
func authorize(t *testing.T, base, rawQuery string) testResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+authorizePath+"?"+rawQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	return doWith(t, noRedirectClient(), req)
}

// redirectQuery checks r is a 302 to redirectURI (whose own query, if
// any, must come first unchanged) and returns the parameters appended.
func redirectQuery(t *testing.T, r testResponse, redirectURI string) url.Values {
	t.Helper()
	if r.status != http.StatusFound {
		t.Fatalf("status = %d, want 302; body %s", r.status, r.body)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}
	loc := r.header.Get("Location")
	sep := "?"
	if strings.Contains(redirectURI, "?") {
		sep = "&"
	}
	rest, ok := strings.CutPrefix(loc, redirectURI+sep)
	if !ok {
		t.Fatalf("Location = %q, want it to start with %q", loc, redirectURI+sep)
	}
	q, err := url.ParseQuery(rest)
	if err != nil {
		t.Fatalf("Location %q: %v", loc, err)
	}
	return q
}

// authorizeCode runs authorize for q and returns the code it redirects with.
func authorizeCode(t *testing.T, base string, q url.Values) string {
	t.Helper()
	got := redirectQuery(t, authorize(t, base, q.Encode()), q.Get("redirect_uri"))
	code := got.Get("code")
	if code == "" {
		t.Fatalf("no code in redirect: %v", got)
	}
	return code
}

func TestAuthorizeRefusesWithoutRedirect(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	tests := []struct {
		name    string
		query   string
		bodyHas string
	}{
		{"missing client_id", authzQuery("client_id", absent).Encode(), "missing a required parameter 'client_id'"},
		{"unknown client_id", authzQuery("client_id", "nope").Encode(), "'client_id' is not the client ID of a registered application"},
		{"unknown client_id and bad response_type", authzQuery("client_id", "nope", "response_type", "token").Encode(), "'client_id'"},
		{"repeated client_id", authzQuery().Encode() + "&client_id=" + DemoClientID, "'client_id' more than once"},
		{"missing redirect_uri", authzQuery("redirect_uri", absent).Encode(), "missing a required parameter 'redirect_uri'"},
		{"repeated redirect_uri", authzQuery().Encode() + "&redirect_uri=" + url.QueryEscape(testRedirect), "'redirect_uri' more than once"},
		{"https loopback", authzQuery("redirect_uri", "https://127.0.0.1:8765/callback").Encode(), "'redirect_uri' does not match"},
		{"other host", authzQuery("redirect_uri", "http://evil.example:8765/callback").Encode(), "'redirect_uri'"},
		{"loopback look-alike host", authzQuery("redirect_uri", "http://localhost.evil.example:8765/cb").Encode(), "'redirect_uri'"},
		{"loopback as userinfo", authzQuery("redirect_uri", "http://127.0.0.1:8765@evil.example/cb").Encode(), "'redirect_uri'"},
		{"userinfo on loopback", authzQuery("redirect_uri", "http://user@127.0.0.1:8765/cb").Encode(), "'redirect_uri'"},
		{"other loopback address", authzQuery("redirect_uri", "http://127.0.0.2:8765/cb").Encode(), "'redirect_uri'"},
		{"port out of range", authzQuery("redirect_uri", "http://127.0.0.1:99999/cb").Encode(), "'redirect_uri'"},
		{"fragment", authzQuery("redirect_uri", testRedirect+"#frag").Encode(), "'redirect_uri'"},
		{"relative", authzQuery("redirect_uri", "/callback").Encode(), "'redirect_uri'"},
		{"registered client, unregistered loopback", authzQuery("client_id", registeredClient).Encode(), "'redirect_uri'"},
		{"registered client, near miss", authzQuery("client_id", registeredClient, "redirect_uri", "https://app.example.com/callback").Encode(), "'redirect_uri'"},
		{"malformed query", "client_id=%zz&" + authzQuery().Encode(), "not validly URL-encoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := authorize(t, base, tt.query)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; Location %q", r.status, r.header.Get("Location"))
			}
			if loc := r.header.Get("Location"); loc != "" {
				t.Errorf("Location = %q, want none", loc)
			}
			if ct := r.header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if !strings.Contains(string(r.body), tt.bodyHas) {
				t.Errorf("body = %q, want it to contain %q", r.body, tt.bodyHas)
			}
		})
	}

	t.Run("POST", func(t *testing.T) {
		r := do(t, mustRequest(t, http.MethodPost, base+authorizePath+"?"+authzQuery().Encode()))
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != http.MethodGet || r.header.Get("Location") != "" {
			t.Fatalf("status = %d, Allow = %q, Location = %q", r.status, r.header.Get("Allow"), r.header.Get("Location"))
		}
	})
	if got, want := e.Authorizations(), int64(len(tests)); got != want {
		t.Errorf("Authorizations() = %d, want %d (the POST is not one)", got, want)
	}
}

func TestAuthorizeRedirectsErrors(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	var fiftyOne []string
	for i := range 51 {
		fiftyOne = append(fiftyOne, fmt.Sprintf("data:read:u%d", i))
	}
	tests := []struct {
		name    string
		query   string
		code    string
		descHas string
		state   string // the state the redirect must echo; "" for none
	}{
		{"missing response_type", authzQuery("response_type", absent).Encode(), "invalid_request", "'response_type'", testState},
		{"response_type token", authzQuery("response_type", "token").Encode(), "unsupported_response_type", `"token"`, testState},
		{"response_type id_token", authzQuery("response_type", "id_token").Encode(), "unsupported_response_type", "code only", testState},
		{"response_mode fragment", authzQuery("response_mode", "fragment").Encode(), "invalid_request", `"fragment"`, testState},
		{"response_mode form_post", authzQuery("response_mode", "form_post").Encode(), "invalid_request", "query only", testState},
		{"missing scope", authzQuery("scope", absent).Encode(), "invalid_request", "'scope'", testState},
		{"blank scope", authzQuery("scope", " ").Encode(), "invalid_scope", "scope", testState},
		{"unknown scope", authzQuery("scope", "data:read bogus:scope").Encode(), "invalid_scope", "scope", testState},
		{"comma-separated scopes", authzQuery("scope", "data:read,bucket:read").Encode(), "invalid_scope", "scope", testState},
		{"51 scopes", authzQuery("scope", strings.Join(fiftyOne, " ")).Encode(), "invalid_scope", "scope", testState},
		{"2001 characters", authzQuery("scope", "data:read:"+strings.Repeat("x", 1991)).Encode(), "invalid_scope", "scope", testState},
		{"repeated scope", authzQuery().Encode() + "&scope=bucket:read", "invalid_request", "'scope' more than once", testState},
		{"state with a space", authzQuery("state", "a b").Encode(), "invalid_request", "'state'", "a b"},
		{"state with markup", authzQuery("state", `"><b>`).Encode(), "invalid_request", "'state'", `"><b>`},
		{"repeated state", authzQuery().Encode() + "&state=other", "invalid_request", "'state' more than once", testState},
		{"challenge without method", authzQuery("code_challenge_method", absent).Encode(), "invalid_request", "must be S256", testState},
		{"plain method", authzQuery("code_challenge_method", "plain").Encode(), "invalid_request", "must be S256", testState},
		{"lower-case method", authzQuery("code_challenge_method", "s256").Encode(), "invalid_request", "must be S256", testState},
		{"method without challenge", authzQuery("code_challenge", absent).Encode(), "invalid_request", "requires a 'code_challenge'", testState},
		{"42-character challenge", authzQuery("code_challenge", testChallenge[:42]).Encode(), "invalid_request", "43 base64url characters", testState},
		{"44-character challenge", authzQuery("code_challenge", testChallenge+"A").Encode(), "invalid_request", "43 base64url", testState},
		{"standard base64 challenge", authzQuery("code_challenge", "+"+testChallenge[1:]).Encode(), "invalid_request", "43 base64url", testState},
		{"padded challenge", authzQuery("code_challenge", testChallenge[:42]+"=").Encode(), "invalid_request", "43 base64url", testState},
		{"no state to echo", authzQuery("state", absent, "response_type", "token").Encode(), "unsupported_response_type", "", ""},
		{"registered callback", authzQuery("client_id", registeredClient, "redirect_uri", registeredRedirect, "scope", "nope").Encode(),
			"invalid_scope", "scope", testState},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			got := redirectQuery(t, authorize(t, base, tt.query), q.Get("redirect_uri"))
			if got.Get("error") != tt.code {
				t.Errorf("error = %q, want %q", got.Get("error"), tt.code)
			}
			if d := got.Get("error_description"); d == "" || !strings.Contains(d, tt.descHas) {
				t.Errorf("error_description = %q, want it to contain %q", d, tt.descHas)
			}
			want := []string{"error", "error_description"}
			if tt.state != "" {
				want = append(want, "state")
			}
			if keys := sortedKeys(got); !slices.Equal(keys, want) || len(got["state"]) > 1 || got.Get("state") != tt.state {
				t.Errorf("redirect parameters = %v, want %v with state %q", got, want, tt.state)
			}
		})
	}
	if got, want := e.Authorizations(), int64(len(tests)); got != want {
		t.Errorf("Authorizations() = %d, want %d", got, want)
	}
}

func TestAuthorizeSuccess(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	var fifty []string
	for i := range 50 {
		fifty = append(fifty, fmt.Sprintf("data:read:u%d", i))
	}
	tests := []struct {
		name  string
		query url.Values
		state string
	}{
		{"PKCE and state", authzQuery(), testState},
		{"no state", authzQuery("state", absent), ""},
		{"empty state", authzQuery("state", ""), ""},
		{"no PKCE", authzQuery("code_challenge", absent, "code_challenge_method", absent), testState},
		{"redirect URI with its own query", authzQuery("redirect_uri", "http://localhost:41234/cb?next=%2Fhome&x=a+b"), testState},
		{"redirect URI ending in ?", authzQuery("redirect_uri", "http://localhost:41234/cb?"), testState},
		{"localhost without port", authzQuery("redirect_uri", "http://localhost/cb"), testState},
		{"registered callback with a query", authzQuery("client_id", registeredClient, "redirect_uri", registeredRedirect), testState},
		{"registered loopback callback", authzQuery("client_id", registeredClient, "redirect_uri", "http://localhost:9000/cb"), testState},
		{"tolerated parameters", authzQuery("prompt", "login", "nonce", "n-0S6_WzA2Mj", "response_mode", "query",
			"authoptions", `{"id":"tenant"}`, "unknown", "ignored"), testState},
		{"prompt none", authzQuery("prompt", "none"), testState},
		{"50 scopes", authzQuery("scope", strings.Join(fifty, " ")), testState},
		{"2000 characters", authzQuery("scope", "data:read:"+strings.Repeat("x", 1990)), testState},
		{"every state character", authzQuery("state", "AZaz09,._-"), "AZaz09,._-"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			redirectURI := tt.query.Get("redirect_uri")
			r := authorize(t, base, tt.query.Encode())
			got := redirectQuery(t, r, strings.TrimSuffix(redirectURI, "?"))
			want := []string{"code"}
			if tt.state != "" {
				want = append(want, "state")
			}
			if keys := sortedKeys(got); !slices.Equal(keys, want) || got.Get("state") != tt.state {
				t.Fatalf("redirect parameters = %v, want %v with state %q", got, want, tt.state)
			}
			code := got.Get("code")
			if len(code) < 20 || seen[code] {
				t.Errorf("code %q is short or repeated", code)
			}
			seen[code] = true
		})
	}
	if got, want := e.Authorizations(), int64(len(tests)); got != want {
		t.Errorf("Authorizations() = %d, want %d", got, want)
	}
}

func TestDenyConsent(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	const hostile = `<script>alert(1)</script> & "quotes" ünïcode`
	steps := []struct {
		name    string
		deny    string
		query   url.Values
		code    string // "" = success
		descHas string
	}{
		{"consent by default", "", authzQuery(), "", ""},
		{"denied with hostile text", hostile, authzQuery(), "access_denied", hostile},
		{"denied, no state", hostile, authzQuery("state", absent), "access_denied", hostile},
		{"invalid requests are still reported as such", hostile, authzQuery("response_type", "token"), "unsupported_response_type", ""},
		{"other wording", "The user clicked Deny.", authzQuery(), "access_denied", "The user clicked Deny."},
		{"consent restored", "", authzQuery(), "", ""},
	}
	for _, s := range steps {
		e.DenyConsent(s.deny)
		r := authorize(t, base, s.query.Encode())
		if loc := r.header.Get("Location"); strings.ContainsAny(loc, `<>" `) {
			t.Errorf("%s: Location %q is not URL-encoded", s.name, loc)
		}
		got := redirectQuery(t, r, testRedirect)
		if got.Get("state") != s.query.Get("state") {
			t.Errorf("%s: state = %q, want %q", s.name, got.Get("state"), s.query.Get("state"))
		}
		if s.code == "" {
			if got.Get("code") == "" || got.Has("error") {
				t.Errorf("%s: redirect %v, want a code", s.name, got)
			}
			continue
		}
		if got.Get("error") != s.code || got.Has("code") {
			t.Errorf("%s: redirect %v, want error %q", s.name, got, s.code)
		}
		if s.code == "access_denied" && got.Get("error_description") != s.descHas {
			t.Errorf("%s: error_description = %q, want %q verbatim", s.name, got.Get("error_description"), s.descHas)
		}
	}
	if got, want := e.Authorizations(), int64(len(steps)); got != want {
		t.Errorf("Authorizations() = %d, want %d", got, want)
	}
}

// mustRequest builds a request without a body.
func mustRequest(t *testing.T, method, rawURL string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// sortedKeys lists the names of q in order.
func sortedKeys(q url.Values) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
