package apsemu

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The service account the tests register, with IDs shaped like the
// documented example assertion.
const (
	testSAID    = "Z752CT5MKW2S9N7E"
	testKID     = "5de993f4-62b0-495a-a43a-b9896d6e9582"
	testKID2    = "120e8400-e29b-41d4-a716-446655440003"
	otherClient = "second-client"
	otherSecret = "second-secret"
)

// testKeys returns two RSA keys, generated once per test binary because
// 2048-bit generation is slow under -race.
var testKeys = sync.OnceValues(func() (*rsa.PrivateKey, *rsa.PrivateKey) {
	gen := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	}
	return gen(), gen()
})

// signAssertion signs claims with method and key; the header holds alg plus
// the given members.
func signAssertion(t *testing.T, method jwt.SigningMethod, key any, header map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	tok.Header = map[string]any{"alg": method.Alg()}
	maps.Copy(tok.Header, header)
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("signing assertion: %v", err)
	}
	return s
}

// validClaims is the documented claim set for the test account, five
// minutes from now, aimed at the emulator's own token URL.
func validClaims(base string, now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss":   DemoClientID,
		"sub":   testSAID,
		"aud":   base + tokenPath,
		"exp":   now.Add(5 * time.Minute).Unix(),
		"scope": []string{"data:read", "user:read"},
	}
}

// exchange posts a jwt-bearer token request with Basic credentials (nil:
// none) and extra form fields.
func exchange(t *testing.T, base, assertion string, extra url.Values, basic []string) testResponse {
	t.Helper()
	form := url.Values{"grant_type": {grantJWTBearer}}
	if assertion != "" {
		form.Set("assertion", assertion)
	}
	for k, v := range extra {
		form[k] = v
	}
	return postToken(t, base, formType, form.Encode(), basic)
}

// userToken registers the test service account (if needed) for the demo
// client and exchanges an assertion carrying scope for a user-context token.
func userToken(t *testing.T, e *Emulator, base, scope string) string {
	t.Helper()
	key, _ := testKeys()
	e.AddServiceAccount(ServiceAccount{ID: testSAID, KeyID: testKID, Key: &key.PublicKey})
	claims := validClaims(base, time.Now())
	claims["scope"] = strings.Fields(scope)
	r := exchange(t, base, signAssertion(t, jwt.SigningMethodRS256, key, map[string]any{"kid": testKID}, claims), nil,
		[]string{DemoClientID, DemoClientSecret})
	if r.status != http.StatusOK {
		t.Fatalf("jwt-bearer exchange: status %d body %s", r.status, r.body)
	}
	return r.object(t)["access_token"].(string)
}

func TestJWTBearerSuccess(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	e, base := startEmulator(t, Options{Now: func() time.Time { return now }})
	key, key2 := testKeys()
	e.AddServiceAccount(ServiceAccount{ID: testSAID, KeyID: testKID, Key: &key.PublicKey})
	e.AddServiceAccount(ServiceAccount{ID: testSAID, KeyID: testKID2, Key: &key2.PublicKey})
	demo := []string{DemoClientID, DemoClientSecret}
	kid := map[string]any{"kid": testKID}

	tests := []struct {
		name       string
		assertion  func() string
		form       url.Values
		basic      []string
		wantScopes []string
	}{
		{"documented header and claims", func() string {
			return signAssertion(t, jwt.SigningMethodRS256, key, kid, validClaims(base, now))
		}, nil, demo, []string{"data:read", "user:read"}},
		{"form scope narrows", func() string {
			return signAssertion(t, jwt.SigningMethodRS256, key, kid, validClaims(base, now))
		}, url.Values{"scope": {"data:read"}}, demo, []string{"data:read"}},
		{"body credentials", func() string {
			return signAssertion(t, jwt.SigningMethodRS256, key, kid, validClaims(base, now))
		}, url.Values{"client_id": {DemoClientID}, "client_secret": {DemoClientSecret}}, nil, []string{"data:read", "user:read"}},
		{"second key of the account", func() string {
			return signAssertion(t, jwt.SigningMethodRS256, key2, map[string]any{"kid": testKID2}, validClaims(base, now))
		}, nil, demo, []string{"data:read", "user:read"}},
		{"SDK style: typ, iat, nbf, jti", func() string {
			c := validClaims(base, now)
			c["iat"], c["nbf"], c["jti"] = now.Unix(), now.Unix(), "a-random-id"
			return signAssertion(t, jwt.SigningMethodRS256, key, map[string]any{"kid": testKID, "typ": "JWT"}, c)
		}, nil, demo, []string{"data:read", "user:read"}},
		{"expired within the skew", func() string {
			c := validClaims(base, now)
			c["exp"] = now.Add(-5 * time.Second).Unix()
			return signAssertion(t, jwt.SigningMethodRS256, key, kid, c)
		}, nil, demo, []string{"data:read", "user:read"}},
		{"aud as a one-element array, duplicate scope", func() string {
			c := validClaims(base, now)
			c["aud"] = []string{base + tokenPath}
			c["scope"] = []string{"data:read", "data:read"}
			return signAssertion(t, jwt.SigningMethodRS256, key, kid, c)
		}, nil, demo, []string{"data:read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := exchange(t, base, tt.assertion(), tt.form, tt.basic)
			if r.status != http.StatusOK {
				t.Fatalf("status = %d; body %s", r.status, r.body)
			}
			m := r.object(t)
			if len(m) != 3 || m["token_type"] != "Bearer" || m["expires_in"] != float64(3599) {
				t.Fatalf("body = %v, want access_token, token_type and expires_in only", m)
			}
			claims := verifyAccessToken(t, base, m["access_token"].(string))
			want := map[string]any{
				"scope":     toAnySlice(tt.wantScopes),
				"client_id": DemoClientID,
				"iss":       "https://developer.api.autodesk.com",
				"aud":       "https://autodesk.com",
				"jti":       claims["jti"],
				"userid":    testSAID,
				"exp":       float64(now.Add(3599 * time.Second).Unix()),
			}
			if !reflect.DeepEqual(map[string]any(claims), want) {
				t.Errorf("claims = %v, want %v", claims, want)
			}
		})
	}
	if got, want := e.JWTExchanges(), int64(len(tests)); got != want {
		t.Errorf("JWTExchanges() = %d, want %d", got, want)
	}
}

func TestJWTBearerRejections(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	e, base := startEmulator(t, Options{
		Now:     func() time.Time { return now },
		Clients: []Client{{ID: DemoClientID, Secret: DemoClientSecret}, {ID: otherClient, Secret: otherSecret}},
	})
	key, otherKey := testKeys()
	e.AddServiceAccount(ServiceAccount{ID: testSAID, KeyID: testKID, Key: &key.PublicKey})
	e.AddServiceAccount(ServiceAccount{ID: "DISABLED0SA00001", KeyID: "disabled-kid", Key: &key.PublicKey, Disabled: true})
	e.AddServiceAccount(ServiceAccount{ID: "OTHERAPP0SA00001", ClientID: otherClient, KeyID: "other-kid", Key: &key.PublicKey})
	demo := []string{DemoClientID, DemoClientSecret}
	kid := map[string]any{"kid": testKID}

	// with signs the valid claims after edit changes them.
	with := func(edit func(jwt.MapClaims)) func() string {
		return func() string {
			c := validClaims(base, now)
			edit(c)
			return signAssertion(t, jwt.SigningMethodRS256, key, kid, c)
		}
	}
	valid := with(func(jwt.MapClaims) {})
	const invalidPrefix = "The 'assertion' is invalid: "

	tests := []struct {
		name      string
		assertion func() string
		form      url.Values
		basic     []string
		status    int
		code      string
		descHas   string
	}{
		{"tampered signature", func() string {
			parts := strings.Split(valid(), ".")
			// Change a character in the middle, where every bit is signature.
			sig := []byte(parts[2])
			if sig[10] == 'A' {
				sig[10] = 'B'
			} else {
				sig[10] = 'A'
			}
			return parts[0] + "." + parts[1] + "." + string(sig)
		}, nil, demo, 400, "invalid_grant", "signature does not verify"},
		{"payload modified after signing", func() string {
			parts := strings.Split(valid(), ".")
			c := validClaims(base, now)
			c["scope"] = []string{"data:read", "data:write", "user:read"}
			payload, _ := json.Marshal(c)
			return parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
		}, nil, demo, 400, "invalid_grant", "signature does not verify"},
		{"other RSA key under the registered kid", func() string {
			return signAssertion(t, jwt.SigningMethodRS256, otherKey, kid, validClaims(base, now))
		}, nil, demo, 400, "invalid_grant", "signature does not verify"},
		{"unknown kid", func() string {
			return signAssertion(t, jwt.SigningMethodRS256, key, map[string]any{"kid": "no-such-kid"}, validClaims(base, now))
		}, nil, demo, 400, "invalid_grant", `'kid' "no-such-kid" is not a key of service account`},
		{"kid of another account", func() string {
			return signAssertion(t, jwt.SigningMethodRS256, key, map[string]any{"kid": "disabled-kid"}, validClaims(base, now))
		}, nil, demo, 400, "invalid_grant", "is not a key of service account"},
		{"no kid", func() string {
			return signAssertion(t, jwt.SigningMethodRS256, key, nil, validClaims(base, now))
		}, nil, demo, 400, "invalid_grant", "'kid' is missing"},
		{"HS256", func() string {
			return signAssertion(t, jwt.SigningMethodHS256, []byte(DemoClientSecret), kid, validClaims(base, now))
		}, nil, demo, 400, "invalid_grant", `'alg' must be RS256, got "HS256"`},
		{"alg none", func() string {
			return signAssertion(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, validClaims(base, now))
		}, nil, demo, 400, "invalid_grant", `'alg' must be RS256, got "none"`},
		{"RS512", func() string {
			return signAssertion(t, jwt.SigningMethodRS512, key, kid, validClaims(base, now))
		}, nil, demo, 400, "invalid_grant", `'alg' must be RS256, got "RS512"`},
		{"not a JWT", func() string { return "not.a-jwt" }, nil, demo, 400, "invalid_grant", "three base64url parts"},
		{"expired", with(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() }), nil, demo, 400, "invalid_grant",
			"expired at 2025-06-01T11:59:00Z"},
		{"missing exp", with(func(c jwt.MapClaims) { delete(c, "exp") }), nil, demo, 400, "invalid_grant", "'exp' claim is missing"},
		{"exp not a number", with(func(c jwt.MapClaims) { c["exp"] = "soon" }), nil, demo, 400, "invalid_grant", "NumericDate"},
		{"exp six minutes ahead", with(func(c jwt.MapClaims) { c["exp"] = now.Add(6 * time.Minute).Unix() }), nil, demo, 400, "invalid_grant",
			"more than 300 seconds in the future"},
		{"nbf in the future", with(func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Minute).Unix() }), nil, demo, 400, "invalid_grant",
			"not valid before"},
		{"aud is the public APS URL", with(func(c jwt.MapClaims) { c["aud"] = "https://developer.api.autodesk.com/authentication/v2/token" }),
			nil, demo, 400, "invalid_grant", `'aud' claim must be exactly "` + base + tokenPath + `"`},
		{"missing aud", with(func(c jwt.MapClaims) { delete(c, "aud") }), nil, demo, 400, "invalid_grant", "'aud' claim is missing"},
		{"iss is another client", with(func(c jwt.MapClaims) { c["iss"] = otherClient }), nil, demo, 400, "invalid_grant",
			"is not the client ID of the authenticated app"},
		{"unknown sub", with(func(c jwt.MapClaims) { c["sub"] = "NOSUCHACCOUNT001" }), nil, demo, 400, "invalid_grant",
			`'sub' claim "NOSUCHACCOUNT001" is not a service account of this app`},
		{"account of another app", with(func(c jwt.MapClaims) { c["sub"] = "OTHERAPP0SA00001" }), nil, demo, 400, "invalid_grant",
			"is not a service account of this app"},
		{"disabled account", func() string {
			c := validClaims(base, now)
			c["sub"] = "DISABLED0SA00001"
			return signAssertion(t, jwt.SigningMethodRS256, key, map[string]any{"kid": "disabled-kid"}, c)
		}, nil, demo, 400, "invalid_grant", "The service account is not currently in an enabled state."},
		{"scope as a string", with(func(c jwt.MapClaims) { c["scope"] = "data:read user:read" }), nil, demo, 400, "invalid_grant",
			`must be a JSON array of strings, not the string "data:read user:read"`},
		{"empty scope array", with(func(c jwt.MapClaims) { c["scope"] = []string{} }), nil, demo, 400, "invalid_grant", "at least one scope"},
		{"scope array of numbers", with(func(c jwt.MapClaims) { c["scope"] = []int{1} }), nil, demo, 400, "invalid_grant", "JSON array of strings"},
		{"unknown scope", with(func(c jwt.MapClaims) { c["scope"] = []string{"data:read", "bogus:scope"} }), nil, demo, 400, "invalid_grant",
			`unknown scope "bogus:scope"`},
		{"missing scope", with(func(c jwt.MapClaims) { delete(c, "scope") }), nil, demo, 400, "invalid_grant", "'scope' claim is missing"},
		{"form scope not a subset", valid, url.Values{"scope": {"data:read data:write"}}, demo, 400, "invalid_scope", "exceeds the scope granted"},
		{"form scope unknown", valid, url.Values{"scope": {"bogus:scope"}}, demo, 400, "invalid_scope", ""},
		{"missing assertion", func() string { return "" }, nil, demo, 400, "invalid_request",
			"The request is missing a required parameter 'assertion'."},
		{"bad client secret", valid, nil, []string{DemoClientID, "wrong"}, 401, "invalid_client", "The client credentials are invalid."},
		{"credentials in header and body", valid, url.Values{"client_id": {DemoClientID}}, demo, 400, "invalid_request", "'client_id'"},
		{"other app exchanging this app's account", valid, nil, []string{otherClient, otherSecret}, 400, "invalid_grant",
			"is not the client ID of the authenticated app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := exchange(t, base, tt.assertion(), tt.form, tt.basic)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d; body %s", r.status, tt.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			m := r.object(t)
			if len(m) != 2 || m["error"] != tt.code {
				t.Fatalf("body = %v, want error %q and error_description only", m, tt.code)
			}
			desc, _ := m["error_description"].(string)
			if !strings.Contains(desc, tt.descHas) {
				t.Errorf("error_description = %q, want it to contain %q", desc, tt.descHas)
			}
			if tt.code == "invalid_grant" && !strings.HasPrefix(desc, invalidPrefix) && !strings.HasPrefix(desc, "The service account") {
				t.Errorf("error_description = %q, want the documented prefix %q", desc, invalidPrefix)
			}
		})
	}

	// A client_credentials request counts as a token request, not as an
	// exchange; every request above was an exchange, whatever its outcome.
	fetchToken(t, base, "data:read")
	if got, want := e.JWTExchanges(), int64(len(tests)); got != want {
		t.Errorf("JWTExchanges() = %d, want %d", got, want)
	}
	if got, want := e.TokenRequests(), int64(len(tests)+1); got != want {
		t.Errorf("TokenRequests() = %d, want %d", got, want)
	}
}

func TestAddServiceAccountUpdates(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	key, _ := testKeys()
	assertion := signAssertion(t, jwt.SigningMethodRS256, key, map[string]any{"kid": testKID}, validClaims(base, time.Now()))
	demo := []string{DemoClientID, DemoClientSecret}
	steps := []struct {
		name   string
		sa     ServiceAccount
		status int
	}{
		{"registered disabled", ServiceAccount{ID: testSAID, KeyID: testKID, Key: &key.PublicKey, Disabled: true}, 400},
		{"enabled again, key kept", ServiceAccount{ID: testSAID}, 200},
		{"moved to another app", ServiceAccount{ID: testSAID, ClientID: otherClient}, 400},
	}
	for _, s := range steps {
		e.AddServiceAccount(s.sa)
		if r := exchange(t, base, assertion, nil, demo); r.status != s.status {
			t.Errorf("%s: status %d, want %d; body %s", s.name, r.status, s.status, r.body)
		}
	}
}
