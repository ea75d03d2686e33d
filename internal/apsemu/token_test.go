package apsemu

import (
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const formType = "application/x-www-form-urlencoded"

func TestTokenErrors(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	demo := []string{DemoClientID, DemoClientSecret}
	okForm := "grant_type=client_credentials&scope=data:read"
	tests := []struct {
		name        string
		contentType string
		body        string
		basic       []string
		status      int
		code        string
		descHas     string
	}{
		{"json body", "application/json", `{"grant_type":"client_credentials"}`, demo, 400, "invalid_request", "Content-Type"},
		{"no content type", "", okForm, demo, 400, "invalid_request", "Content-Type"},
		{"both credentials", formType, okForm + "&client_id=" + DemoClientID + "&client_secret=" + DemoClientSecret, demo, 400, "invalid_request",
			"The 'client_id' is not supported in the request body when Authorization headers are present."},
		{"client_id in body with header", formType, okForm + "&client_id=" + DemoClientID, demo, 400, "invalid_request", "client_id"},
		{"no credentials", formType, okForm, nil, 401, "invalid_client", ""},
		{"wrong secret in header", formType, okForm, []string{DemoClientID, "nope"}, 401, "invalid_client", "The client credentials are invalid."},
		{"wrong secret in body", formType, okForm + "&client_id=" + DemoClientID + "&client_secret=nope", nil, 401, "invalid_client", "The client credentials are invalid."},
		{"id without secret in body", formType, okForm + "&client_id=" + DemoClientID, nil, 401, "invalid_client", ""},
		{"unknown client", formType, okForm, []string{"who", "ever"}, 401, "invalid_client", ""},
		{"missing grant_type", formType, "scope=data:read", demo, 400, "invalid_request", "The token request must specify a valid 'grant_type'."},
		{"unknown grant_type", formType, "grant_type=password&scope=data:read", demo, 400, "invalid_request", "The token request must specify a valid 'grant_type'."},
		{"authorization_code with an unknown code", formType, "grant_type=authorization_code&code=x&redirect_uri=http://l", demo, 400, "invalid_grant",
			"The authorization code is invalid or has expired."},
		{"refresh_token with an unknown token", formType, "grant_type=refresh_token&refresh_token=x", demo, 400, "invalid_grant",
			"The refresh token is invalid or expired."},
		{"repeated code", formType, "grant_type=authorization_code&code=x&code=y&redirect_uri=http://l", demo, 400, "invalid_request", "'code'"},
		{"jwt-bearer with a non-JWT assertion", formType, "grant_type=" + url.QueryEscape(grantJWTBearer) + "&assertion=x", demo, 400, "invalid_grant", "The 'assertion' is invalid"},
		{"jwt-bearer without assertion", formType, "grant_type=" + url.QueryEscape(grantJWTBearer), demo, 400, "invalid_request",
			"The request is missing a required parameter 'assertion'."},
		{"repeated assertion", formType, "grant_type=" + url.QueryEscape(grantJWTBearer) + "&assertion=x&assertion=y", demo, 400, "invalid_request", "'assertion'"},
		{"missing scope", formType, "grant_type=client_credentials", demo, 400, "invalid_request", "'scope'"},
		{"blank scope", formType, "grant_type=client_credentials&scope=+", demo, 400, "invalid_scope", ""},
		{"unknown scope", formType, "grant_type=client_credentials&scope=data:read+bogus:scope", demo, 400, "invalid_scope", ""},
		{"empty resource scope", formType, "grant_type=client_credentials&scope=data:read:", demo, 400, "invalid_scope", ""},
		{"repeated grant_type", formType, okForm + "&grant_type=client_credentials", demo, 400, "invalid_request", "grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postToken(t, base, tt.contentType, tt.body, tt.basic)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d; body %s", r.status, tt.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			m := r.object(t)
			if len(m) != 2 || m["error"] != tt.code {
				t.Errorf("body = %v, want error %q and error_description only", m, tt.code)
			}
			desc, _ := m["error_description"].(string)
			if desc == "" || !strings.Contains(desc, tt.descHas) {
				t.Errorf("error_description = %q, want it to contain %q", desc, tt.descHas)
			}
		})
	}
	if got, want := e.TokenRequests(), int64(len(tests)); got != want {
		t.Errorf("TokenRequests() = %d, want %d", got, want)
	}
}

func TestTokenWrongMethod(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	r := get(t, base+tokenPath, "")
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != http.MethodPost {
		t.Fatalf("status = %d, Allow = %q", r.status, r.header.Get("Allow"))
	}
	if n := e.TokenRequests(); n != 0 {
		t.Errorf("TokenRequests() = %d after a GET, want 0", n)
	}
}

func TestTokenGrantSuccess(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	e, base := startEmulator(t, Options{Now: func() time.Time { return now }})
	urnScope := "data:read:urn:adsk.objects:os.object:bucket/key"
	tests := []struct {
		name        string
		contentType string
		body        string
		basic       []string
		wantScopes  []string
	}{
		{"basic header", formType, "grant_type=client_credentials&scope=data:read+bucket:read", []string{DemoClientID, DemoClientSecret},
			[]string{"data:read", "bucket:read"}},
		{"body credentials, charset, duplicate scope", formType + "; charset=UTF-8",
			"grant_type=client_credentials&scope=bucket:read%20%20bucket:read&client_id=" + DemoClientID + "&client_secret=" + DemoClientSecret, nil,
			[]string{"bucket:read"}},
		{"resource scope", formType, "grant_type=client_credentials&scope=" + url.QueryEscape(urnScope), []string{DemoClientID, DemoClientSecret},
			[]string{urnScope}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postToken(t, base, tt.contentType, tt.body, tt.basic)
			if r.status != http.StatusOK {
				t.Fatalf("status = %d; body %s", r.status, r.body)
			}
			if ct, cc := r.header.Get("Content-Type"), r.header.Get("Cache-Control"); ct != "application/json" || cc != "no-store" {
				t.Errorf("Content-Type = %q, Cache-Control = %q", ct, cc)
			}
			m := r.object(t)
			if len(m) != 3 || m["token_type"] != "Bearer" || m["expires_in"] != float64(3599) {
				t.Fatalf("body = %v", m)
			}
			claims := verifyAccessToken(t, base, m["access_token"].(string))
			want := map[string]any{
				"scope":     toAnySlice(tt.wantScopes),
				"client_id": DemoClientID,
				"iss":       "https://developer.api.autodesk.com",
				"aud":       "https://autodesk.com",
				"exp":       float64(now.Add(3599 * time.Second).Unix()),
				"jti":       claims["jti"],
			}
			if jti, _ := claims["jti"].(string); jti == "" {
				t.Errorf("jti missing")
			}
			if !reflect.DeepEqual(map[string]any(claims), want) {
				t.Errorf("claims = %v, want %v", claims, want)
			}
		})
	}
	if n := e.TokenRequests(); n != int64(len(tests)) {
		t.Errorf("TokenRequests() = %d, want %d", n, len(tests))
	}
}

func TestTokenTTL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ttl  time.Duration
		want float64
	}{{90 * time.Second, 90}, {1500 * time.Millisecond, 1}, {200 * time.Millisecond, 1}} {
		_, base := startEmulator(t, Options{TokenTTL: tt.ttl, Clients: []Client{{ID: "app", Secret: "s3cret"}}})
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {"data:read"}}
		r := postToken(t, base, formType, form.Encode(), []string{"app", "s3cret"})
		if got := r.object(t)["expires_in"]; got != tt.want {
			t.Errorf("TTL %v: expires_in = %v, want %v", tt.ttl, got, tt.want)
		}
	}
}

// verifyAccessToken checks the token against the JWKS endpoint the way a
// client validating locally would, and returns its claims.
func verifyAccessToken(t *testing.T, base, token string) jwt.MapClaims {
	t.Helper()
	keys := get(t, base+keysPath, "")
	if keys.status != http.StatusOK {
		t.Fatalf("keys status = %d", keys.status)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	decodeInto(t, keys.body, &set)
	if len(set.Keys) != 1 || set.Keys[0]["kty"] != "RSA" || set.Keys[0]["use"] != "sig" || set.Keys[0]["e"] != "AQAB" {
		t.Fatalf("unexpected JWKS %s", keys.body)
	}
	k := set.Keys[0]
	n, err := base64.RawURLEncoding.DecodeString(k["n"])
	if err != nil {
		t.Fatalf("n: %v", err)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}
	claims := jwt.MapClaims{}
	parsed, err := jwt.ParseWithClaims(token, claims, func(tok *jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		t.Fatalf("token does not verify: %v", err)
	}
	if parsed.Header["kid"] != k["kid"] || len(parsed.Header) != 2 {
		t.Errorf("header = %v, want alg and kid %q", parsed.Header, k["kid"])
	}
	// The payload keeps the documented claim order, scope first.
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[1])
	if err != nil || !strings.HasPrefix(string(payload), `{"scope":[`) {
		t.Errorf("payload = %s (%v), want it to start with the scope array", payload, err)
	}
	return claims
}

func toAnySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
