package apsemu

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// demoBasic and otherBasic are the Basic credentials of the two loopback
// clients of threeLeggedOptions.
var (
	demoBasic  = []string{DemoClientID, DemoClientSecret}
	otherBasic = []string{otherClient, otherSecret}
)

// codeForm is the token request of a code exchange; an empty verifier is
// left out.
func codeForm(code, redirectURI, verifier string) url.Values {
	form := url.Values{"grant_type": {grantAuthorizationCode}, "code": {code}, "redirect_uri": {redirectURI}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	return form
}

// refreshForm is the token request of a refresh; an empty scope is left out.
func refreshForm(refreshToken, scope string) url.Values {
	form := url.Values{"grant_type": {grantRefreshToken}, "refresh_token": {refreshToken}}
	if scope != "" {
		form.Set("scope", scope)
	}
	return form
}

// tokenRequest posts form with Basic credentials (nil: none).
func tokenRequest(t *testing.T, base string, form url.Values, basic []string) testResponse {
	t.Helper()
	return postToken(t, base, formType, form.Encode(), basic)
}

// tokenSet is a successful 3LO token response.
type tokenSet struct {
	Access  string `json:"access_token"`
	Type    string `json:"token_type"`
	Expires int64  `json:"expires_in"`
	Refresh string `json:"refresh_token"`
	ID      string `json:"id_token"`
}

// wantTokens checks r is a 3LO token response with exactly the members
// named (besides access_token, token_type and expires_in) and decodes it.
func wantTokens(t *testing.T, r testResponse, extra ...string) tokenSet {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status = %d; body %s", r.status, r.body)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}
	m := r.object(t)
	want := append([]string{"access_token", "expires_in", "token_type"}, extra...)
	slices.Sort(want)
	keys := make([]string, 0, len(m))
	for k, v := range m {
		keys = append(keys, k)
		if s, isString := v.(string); isString && s == "" {
			t.Errorf("%s is empty", k)
		}
	}
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Fatalf("members = %v, want %v", keys, want)
	}
	var ts tokenSet
	decodeInto(t, r.body, &ts)
	if ts.Type != "Bearer" || ts.Expires != 3599 {
		t.Errorf("token_type %q, expires_in %d", ts.Type, ts.Expires)
	}
	return ts
}

// wantOAuthError checks an OAuth error body.
func wantOAuthError(t *testing.T, r testResponse, status int, code, descHas string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	m := r.object(t)
	desc, _ := m["error_description"].(string)
	if len(m) != 2 || m["error"] != code || desc == "" || !strings.Contains(desc, descHas) {
		t.Fatalf("body = %v, want error %q with a description containing %q", m, code, descHas)
	}
}

// signIn runs the whole PKCE flow for client (via basic) with scope.
func signIn(t *testing.T, base, scope string, basic []string) tokenSet {
	t.Helper()
	code := authorizeCode(t, base, authzQuery("client_id", basic[0], "scope", scope))
	r := tokenRequest(t, base, codeForm(code, testRedirect, testVerifier), basic)
	if slices.Contains(strings.Fields(scope), "openid") {
		return wantTokens(t, r, "refresh_token", "id_token")
	}
	return wantTokens(t, r, "refresh_token")
}

// jwksKey fetches the emulator's one signing key.
func jwksKey(t *testing.T, base string) (*rsa.PublicKey, string) {
	t.Helper()
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	decodeInto(t, get(t, base+keysPath, "").body, &set)
	if len(set.Keys) != 1 {
		t.Fatalf("JWKS holds %d keys", len(set.Keys))
	}
	n, err := base64.RawURLEncoding.DecodeString(set.Keys[0]["n"])
	if err != nil {
		t.Fatal(err)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}, set.Keys[0]["kid"]
}

// verifyIDToken checks the ID token's signature against the JWKS and
// returns its claims.
func verifyIDToken(t *testing.T, base, token string) jwt.MapClaims {
	t.Helper()
	pub, kid := jwksKey(t, base)
	claims := jwt.MapClaims{}
	parsed, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		t.Fatalf("id_token does not verify: %v", err)
	}
	if parsed.Header["kid"] != kid {
		t.Errorf("id_token kid = %v, want %q", parsed.Header["kid"], kid)
	}
	return claims
}

func TestCodeGrantSuccess(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	e, base := startEmulator(t, threeLeggedOptions(func() time.Time { return now }))
	tests := []struct {
		name     string
		query    url.Values
		verifier string
		basic    []string
		body     url.Values // extra form fields
		scopes   []string
		idToken  bool
	}{
		{"PKCE", authzQuery("scope", "data:read user-profile:read"), testVerifier, demoBasic, nil,
			[]string{"data:read", "user-profile:read"}, false},
		{"confidential client without PKCE", authzQuery("code_challenge", absent, "code_challenge_method", absent), "", demoBasic, nil,
			[]string{"data:read"}, false},
		{"credentials in the body", authzQuery(), testVerifier, nil,
			url.Values{"client_id": {DemoClientID}, "client_secret": {DemoClientSecret}}, []string{"data:read"}, false},
		{"openid with nonce", authzQuery("scope", "openid data:read", "nonce", "n-0S6_WzA2Mj"), testVerifier, demoBasic, nil,
			[]string{"openid", "data:read"}, true},
		{"openid without nonce", authzQuery("scope", "data:read openid"), testVerifier, demoBasic, nil,
			[]string{"data:read", "openid"}, true},
		{"form scope is ignored", authzQuery(), testVerifier, demoBasic, url.Values{"scope": {"data:write"}}, []string{"data:read"}, false},
		{"registered callback", authzQuery("client_id", registeredClient, "redirect_uri", registeredRedirect), testVerifier,
			[]string{registeredClient, registeredSecret}, nil, []string{"data:read"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := authorizeCode(t, base, tt.query)
			form := codeForm(code, tt.query.Get("redirect_uri"), tt.verifier)
			for k, v := range tt.body {
				form[k] = v
			}
			extra := []string{"refresh_token"}
			if tt.idToken {
				extra = append(extra, "id_token")
			}
			ts := wantTokens(t, tokenRequest(t, base, form, tt.basic), extra...)

			clientID := tt.query.Get("client_id")
			claims := verifyAccessToken(t, base, ts.Access)
			want := map[string]any{
				"scope":     toAnySlice(tt.scopes),
				"client_id": clientID,
				"iss":       "https://developer.api.autodesk.com",
				"aud":       "https://autodesk.com",
				"jti":       claims["jti"],
				"userid":    DemoUserID,
				"exp":       float64(now.Add(3599 * time.Second).Unix()),
			}
			if !reflect.DeepEqual(map[string]any(claims), want) {
				t.Errorf("claims = %v, want %v", claims, want)
			}
			if tt.idToken {
				idc := verifyIDToken(t, base, ts.ID)
				want := map[string]any{
					"iss": "https://developer.api.autodesk.com",
					"sub": DemoUserID,
					"aud": clientID,
					"iat": float64(now.Unix()),
					"exp": float64(now.Add(time.Hour).Unix()),
				}
				if n := tt.query.Get("nonce"); n != "" {
					want["nonce"] = n
				}
				if !reflect.DeepEqual(map[string]any(idc), want) {
					t.Errorf("id_token claims = %v, want %v", idc, want)
				}
			}
			if sub := get(t, base+userInfoPath, ts.Access).object(t)["sub"]; sub != DemoUserID {
				t.Errorf("userinfo sub = %v, want %s", sub, DemoUserID)
			}
		})
	}
	if got, want := e.CodeExchanges(), int64(len(tests)); got != want {
		t.Errorf("CodeExchanges() = %d, want %d", got, want)
	}
}

// TestDemoUserSeesTheFirstClientsHubs: the demo user's DM visibility
// follows the client, as service accounts' does.
func TestDemoUserSeesTheFirstClientsHubs(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	tests := []struct {
		name  string
		basic []string
		hubs  int
	}{
		{"first client", demoBasic, len(e.Hubs())},
		{"second client", otherBasic, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := signIn(t, base, "data:read", tt.basic)
			if doc := dmList(t, base+"/project/v1/hubs", ts.Access); len(doc.Data) != tt.hubs || tt.hubs == 0 && doc.Data == nil {
				t.Errorf("hubs = %d, want %d", len(doc.Data), tt.hubs)
			}
		})
	}
}

func TestCodeGrantErrors(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	noPKCE := authzQuery("code_challenge", absent, "code_challenge_method", absent)
	tests := []struct {
		name    string
		query   url.Values            // the authorization request
		edit    func(form url.Values) // turns the correct exchange into the faulty one
		basic   []string              // credentials of the faulty exchange
		status  int
		code    string
		descHas string
		spent   bool // whether the correct exchange afterwards fails
	}{
		{name: "wrong verifier", query: authzQuery(), edit: func(f url.Values) { f.Set("code_verifier", strings.Repeat("a", 43)) },
			basic: demoBasic, status: 400, code: "invalid_grant", descHas: "PKCE verification failed: the 'code_verifier' does not match", spent: true},
		{name: "missing verifier", query: authzQuery(), edit: func(f url.Values) { f.Del("code_verifier") },
			basic: demoBasic, status: 400, code: "invalid_request", descHas: "The request is missing a required parameter 'code_verifier'.", spent: true},
		{name: "verifier without challenge", query: noPKCE, edit: func(f url.Values) { f.Set("code_verifier", testVerifier) },
			basic: demoBasic, status: 400, code: "invalid_grant", descHas: "no 'code_challenge'", spent: true},
		{name: "42-character verifier", query: authzQuery(), edit: func(f url.Values) { f.Set("code_verifier", testVerifier[:42]) },
			basic: demoBasic, status: 400, code: "invalid_request", descHas: "43 to 128 characters"},
		{name: "129-character verifier", query: authzQuery(), edit: func(f url.Values) { f.Set("code_verifier", strings.Repeat("a", 129)) },
			basic: demoBasic, status: 400, code: "invalid_request", descHas: "43 to 128 characters"},
		{name: "verifier with a reserved character", query: authzQuery(), edit: func(f url.Values) { f.Set("code_verifier", "+"+testVerifier[1:]) },
			basic: demoBasic, status: 400, code: "invalid_request", descHas: "'code_verifier'"},
		{name: "empty verifier", query: authzQuery(), edit: func(f url.Values) { f.Set("code_verifier", "") },
			basic: demoBasic, status: 400, code: "invalid_request", descHas: "'code_verifier'"},
		{name: "repeated verifier", query: authzQuery(), edit: func(f url.Values) { f.Add("code_verifier", testVerifier) },
			basic: demoBasic, status: 400, code: "invalid_request", descHas: "'code_verifier' more than once"},
		{name: "wrong redirect_uri", query: authzQuery(), edit: func(f url.Values) { f.Set("redirect_uri", "http://127.0.0.1:8765/other") },
			basic: demoBasic, status: 400, code: "invalid_grant", descHas: "The 'redirect_uri' is invalid", spent: true},
		{name: "redirect_uri with a trailing slash", query: authzQuery(), edit: func(f url.Values) { f.Set("redirect_uri", testRedirect+"/") },
			basic: demoBasic, status: 400, code: "invalid_grant", descHas: "'redirect_uri'", spent: true},
		{name: "missing redirect_uri", query: authzQuery(), edit: func(f url.Values) { f.Del("redirect_uri") },
			basic: demoBasic, status: 400, code: "invalid_request", descHas: "The request is missing a required parameter 'redirect_uri'."},
		{name: "missing code", query: authzQuery(), edit: func(f url.Values) { f.Del("code") },
			basic: demoBasic, status: 400, code: "invalid_request", descHas: "The request is missing a required parameter 'code'."},
		{name: "unknown code", query: authzQuery(), edit: func(f url.Values) { f.Set("code", "not-a-code") },
			basic: demoBasic, status: 400, code: "invalid_grant", descHas: "The authorization code is invalid or has expired."},
		{name: "other client", query: authzQuery(), edit: func(url.Values) {},
			basic: otherBasic, status: 400, code: "invalid_grant", descHas: "The grant was issued to another client.", spent: true},
		{name: "no client authentication", query: authzQuery(), edit: func(url.Values) {},
			basic: nil, status: 401, code: "invalid_client", descHas: "No client credentials found."},
		{name: "wrong secret", query: authzQuery(), edit: func(url.Values) {},
			basic: []string{DemoClientID, "wrong"}, status: 401, code: "invalid_client", descHas: "The client credentials are invalid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := authorizeCode(t, base, tt.query)
			verifier := testVerifier
			if tt.query.Get("code_challenge") == "" {
				verifier = ""
			}
			faulty := codeForm(code, testRedirect, verifier)
			tt.edit(faulty)
			wantOAuthError(t, tokenRequest(t, base, faulty, tt.basic), tt.status, tt.code, tt.descHas)

			r := tokenRequest(t, base, codeForm(code, testRedirect, verifier), demoBasic)
			if tt.spent {
				wantOAuthError(t, r, 400, "invalid_grant", "The authorization code is invalid or has expired.")
			} else {
				wantTokens(t, r, "refresh_token")
			}
		})
	}
	// Every request but the two unauthenticated ones reached the grant;
	// all of them carried the grant type, so all count.
	if got, want := e.CodeExchanges(), int64(2*len(tests)); got != want {
		t.Errorf("CodeExchanges() = %d, want %d", got, want)
	}
}

func TestReusedCodeRevokesItsTokens(t *testing.T) {
	t.Parallel()
	_, base := startEmulator(t, threeLeggedOptions(nil))
	code := authorizeCode(t, base, authzQuery())
	first := wantTokens(t, tokenRequest(t, base, codeForm(code, testRedirect, testVerifier), demoBasic), "refresh_token")
	refreshed := wantTokens(t, tokenRequest(t, base, refreshForm(first.Refresh, ""), demoBasic), "refresh_token")
	unrelated := signIn(t, base, "data:read", demoBasic)
	for _, tok := range []string{first.Access, refreshed.Access} {
		if r := get(t, base+userInfoPath, tok); r.status != http.StatusOK {
			t.Fatalf("before the replay: userinfo status %d", r.status)
		}
	}

	// The replay fails, whoever sends it, and takes the code's tokens with it.
	wantOAuthError(t, tokenRequest(t, base, codeForm(code, testRedirect, testVerifier), otherBasic),
		400, "invalid_grant", "The authorization code is invalid or has expired.")
	invalid := gatewayBody("AUTH-006", "The access token is invalid.")
	for name, tok := range map[string]string{"first access token": first.Access, "refreshed access token": refreshed.Access} {
		t.Run(name, func(t *testing.T) { get(t, base+userInfoPath, tok).wantJSON(t, 401, invalid) })
	}
	wantOAuthError(t, tokenRequest(t, base, refreshForm(refreshed.Refresh, ""), demoBasic), 400, "invalid_grant",
		"The refresh token is invalid or expired.")

	// Tokens from other codes are untouched.
	if r := get(t, base+userInfoPath, unrelated.Access); r.status != http.StatusOK {
		t.Errorf("unrelated access token: status %d", r.status)
	}
	wantTokens(t, tokenRequest(t, base, refreshForm(unrelated.Refresh, ""), demoBasic), "refresh_token")
}

func TestCodeExpiry(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	_, base := startEmulator(t, threeLeggedOptions(clock.Now))
	tests := []struct {
		wait  time.Duration
		valid bool
	}{
		{5*time.Minute - time.Second, true},
		{5 * time.Minute, false},
		{time.Hour, false},
	}
	for _, tt := range tests {
		code := authorizeCode(t, base, authzQuery())
		clock.Advance(tt.wait)
		r := tokenRequest(t, base, codeForm(code, testRedirect, testVerifier), demoBasic)
		if tt.valid {
			wantTokens(t, r, "refresh_token")
		} else {
			wantOAuthError(t, r, 400, "invalid_grant", "The authorization code is invalid or has expired.")
		}
	}
}

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	e, base := startEmulator(t, threeLeggedOptions(func() time.Time { return now }))
	const original = "data:read bucket:read openid"
	held := map[string]string{"R1": signIn(t, base, original, demoBasic).Refresh}

	// Each step refreshes the token held under use; a success stores the
	// new refresh token under save.
	steps := []struct {
		name    string
		use     string
		scope   string
		basic   []string
		status  int
		code    string
		descHas string
		scopes  []string // of the new access token
		save    string
	}{
		{name: "rotate", use: "R1", basic: demoBasic, status: 200, scopes: []string{"data:read", "bucket:read", "openid"}, save: "R2"},
		{name: "rotated-out token", use: "R1", basic: demoBasic, status: 400, code: "invalid_grant", descHas: "The refresh token is invalid or expired."},
		{name: "other client", use: "R2", basic: otherBasic, status: 400, code: "invalid_grant", descHas: "The grant was issued to another client."},
		{name: "superset scope", use: "R2", scope: "data:read data:write", basic: demoBasic, status: 400, code: "invalid_scope",
			descHas: "exceeds the scope granted"},
		{name: "unknown scope", use: "R2", scope: "bogus:scope", basic: demoBasic, status: 400, code: "invalid_scope"},
		{name: "failures do not use the token up; subset scope", use: "R2", scope: "data:read", basic: demoBasic, status: 200,
			scopes: []string{"data:read"}, save: "R3"},
		{name: "a narrowed refresh keeps the original ceiling", use: "R3", scope: "bucket:read data:read", basic: demoBasic, status: 200,
			scopes: []string{"bucket:read", "data:read"}, save: "R4"},
		{name: "no client authentication", use: "R4", status: 401, code: "invalid_client"},
		{name: "missing refresh_token", use: "none", basic: demoBasic, status: 400, code: "invalid_request",
			descHas: "The request is missing a required parameter 'refresh_token'."},
		{name: "garbage", use: "garbage", basic: demoBasic, status: 400, code: "invalid_grant", descHas: "The refresh token is invalid or expired."},
		{name: "rotate again", use: "R4", basic: demoBasic, status: 200, scopes: []string{"data:read", "bucket:read", "openid"}, save: "R5"},
	}
	held["garbage"] = "not-a-refresh-token"
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			r := tokenRequest(t, base, refreshForm(held[s.use], s.scope), s.basic)
			if s.status != http.StatusOK {
				wantOAuthError(t, r, s.status, s.code, s.descHas)
				return
			}
			ts := wantTokens(t, r, "refresh_token") // never an id_token
			if ts.Refresh == held[s.use] {
				t.Errorf("refresh token was not rotated")
			}
			held[s.save] = ts.Refresh
			claims := verifyAccessToken(t, base, ts.Access)
			if claims["userid"] != DemoUserID || !reflect.DeepEqual(claims["scope"], toAnySlice(s.scopes)) {
				t.Errorf("claims = %v, want userid %s and scope %v", claims, DemoUserID, s.scopes)
			}
		})
	}
	if got, want := e.RefreshExchanges(), int64(len(steps)); got != want {
		t.Errorf("RefreshExchanges() = %d, want %d", got, want)
	}
}

func TestRefreshTokenExpiry(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	_, base := startEmulator(t, threeLeggedOptions(clock.Now))
	const days15 = 15 * 24 * time.Hour
	tests := []struct {
		name  string
		wait  time.Duration
		valid bool
	}{
		{"one second left", days15 - time.Second, true},
		{"15 days", days15, false},
		{"a month", 2 * days15, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := signIn(t, base, "data:read", demoBasic)
			clock.Advance(tt.wait)
			r := tokenRequest(t, base, refreshForm(ts.Refresh, ""), demoBasic)
			if !tt.valid {
				wantOAuthError(t, r, 400, "invalid_grant", "The refresh token is invalid or expired.")
				return
			}
			// A rotated token gets 15 days of its own.
			next := wantTokens(t, r, "refresh_token")
			clock.Advance(days15 - time.Second)
			wantTokens(t, tokenRequest(t, base, refreshForm(next.Refresh, ""), demoBasic), "refresh_token")
		})
	}
}

func TestExpireAccessTokens(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	hubs := base + "/project/v1/hubs"
	user := signIn(t, base, "data:read", demoBasic)
	app := fetchToken(t, base, "bucket:read")
	ssa := userToken(t, e, base, "data:read")
	for _, tok := range []string{user.Access, ssa} {
		dmGet(t, hubs, tok, http.StatusOK)
	}

	e.ExpireAccessTokens()
	invalid := gatewayBody("AUTH-006", "The access token is invalid.")
	tests := []struct {
		name, url, token string
	}{
		{"authorization code token", hubs, user.Access},
		{"service account token", hubs, ssa},
		{"app token", base + "/oss/v2/buckets", app},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { get(t, tt.url, tt.token).wantJSON(t, 401, invalid) })
	}

	// The refresh token survives and its new access token works.
	fresh := wantTokens(t, tokenRequest(t, base, refreshForm(user.Refresh, ""), demoBasic), "refresh_token")
	if doc := dmList(t, hubs, fresh.Access); len(doc.Data) == 0 {
		t.Error("no hubs with the refreshed token")
	}
	if r := get(t, base+"/oss/v2/buckets", fetchToken(t, base, "bucket:read")); r.status != http.StatusOK {
		t.Errorf("app token issued afterwards: status %d", r.status)
	}
}

func TestRevokeTokensRevokesRefreshTokens(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	before := signIn(t, base, "data:read", demoBasic)
	code := authorizeCode(t, base, authzQuery())
	e.RevokeTokens()
	get(t, base+userInfoPath, before.Access).wantJSON(t, 401, gatewayBody("AUTH-006", "The access token is invalid."))
	wantOAuthError(t, tokenRequest(t, base, refreshForm(before.Refresh, ""), demoBasic), 400, "invalid_grant",
		"The refresh token is invalid or expired.")

	// A code authorized before the revocation still exchanges.
	after := wantTokens(t, tokenRequest(t, base, codeForm(code, testRedirect, testVerifier), demoBasic), "refresh_token")
	wantTokens(t, tokenRequest(t, base, refreshForm(after.Refresh, ""), demoBasic), "refresh_token")
}

// TestConcurrentCodeReplay: of simultaneous exchanges of one code exactly
// one succeeds, and because the others are replays, the tokens it got are
// revoked however the requests interleave.
func TestConcurrentCodeReplay(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	code := authorizeCode(t, base, authzQuery())
	const attempts = 8
	// Goroutines other than the test's must not call t.Fatal, so they talk
	// HTTP directly and hand their results back.
	results := make(chan tokenSet, attempts)
	var wg sync.WaitGroup
	for range attempts {
		wg.Go(func() {
			form := codeForm(code, testRedirect, testVerifier)
			form.Set("client_id", DemoClientID)
			form.Set("client_secret", DemoClientSecret)
			resp, err := http.PostForm(base+tokenPath, form)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var ts tokenSet
			if resp.StatusCode == http.StatusOK {
				if err := json.NewDecoder(resp.Body).Decode(&ts); err != nil {
					t.Error(err)
				}
			}
			results <- ts
		})
	}
	wg.Wait()
	close(results)
	var won []tokenSet
	for ts := range results {
		if ts.Access != "" {
			won = append(won, ts)
		}
	}
	if len(won) != 1 {
		t.Fatalf("%d exchanges succeeded, want 1", len(won))
	}
	get(t, base+userInfoPath, won[0].Access).wantJSON(t, 401, gatewayBody("AUTH-006", "The access token is invalid."))
	wantOAuthError(t, tokenRequest(t, base, refreshForm(won[0].Refresh, ""), demoBasic), 400, "invalid_grant", "invalid or expired")
	if got := e.CodeExchanges(); got != attempts {
		t.Errorf("CodeExchanges() = %d, want %d", got, attempts)
	}
}
