package apsemu

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// revokeWorld is what a revocation test case acts on: tokens of several
// grants and apps, all live when the case starts.
type revokeWorld struct {
	e    *Emulator
	base string
	// first is the demo client's grant refreshed once: firstAccess came
	// with the code, first the refresh's new tokens.
	firstAccess string
	first       tokenSet
	second      tokenSet // another grant of the demo client, for Ada
	other       tokenSet // a grant of another app
	app         string   // a client_credentials token
	sa          string   // a service account token
}

// newRevokeWorld starts an emulator and issues the tokens.
func newRevokeWorld(t *testing.T) *revokeWorld {
	t.Helper()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	w := &revokeWorld{e: e, base: base}
	code := signIn(t, base, "bucket:read", demoBasic)
	w.firstAccess = code.Access
	w.first = wantTokens(t, tokenRequest(t, base, refreshForm(code.Refresh, ""), demoBasic), "refresh_token")
	w.second = signInAs(t, base, DemoUserAda, "bucket:read", demoBasic)
	w.other = signIn(t, base, "bucket:read", otherBasic)
	w.app = fetchToken(t, base, "bucket:read")
	w.sa = userToken(t, e, base, "bucket:read")
	return w
}

// live reports whether an access token still passes the gateway.
func (w *revokeWorld) live(t *testing.T, access string) bool {
	t.Helper()
	r := get(t, w.base+"/oss/v2/buckets", access)
	if r.status != http.StatusOK && r.status != http.StatusUnauthorized {
		t.Fatalf("GET buckets: status %d; body %s", r.status, r.body)
	}
	return r.status == http.StatusOK
}

// refreshes reports whether a refresh token is still accepted (using it up).
func (w *revokeWorld) refreshes(t *testing.T, refresh string, basic []string) bool {
	t.Helper()
	r := tokenRequest(t, w.base, refreshForm(refresh, ""), basic)
	if r.status != http.StatusOK {
		wantOAuthError(t, r, http.StatusBadRequest, "invalid_grant", "refresh token is invalid")
	}
	return r.status == http.StatusOK
}

// check checks that exactly the tokens named in revoked no longer work:
// the access tokens "firstAccess", "first", "second", "other", "app" and
// "sa", the refresh tokens "first.refresh", "second.refresh" and
// "other.refresh" (which checking uses up).
func (w *revokeWorld) check(t *testing.T, revoked ...string) {
	t.Helper()
	isRevoked := func(name string) bool { return slices.Contains(revoked, name) }
	access := map[string]string{"firstAccess": w.firstAccess, "first": w.first.Access, "second": w.second.Access,
		"other": w.other.Access, "app": w.app, "sa": w.sa}
	for name, tok := range access {
		if live := w.live(t, tok); live == isRevoked(name) {
			t.Errorf("access token %s: live = %v, want %v", name, live, !live)
		}
	}
	refresh := map[string]struct {
		tok   string
		basic []string
	}{"first.refresh": {w.first.Refresh, demoBasic}, "second.refresh": {w.second.Refresh, demoBasic}, "other.refresh": {w.other.Refresh, otherBasic}}
	for name, r := range refresh {
		if accepted := w.refreshes(t, r.tok, r.basic); accepted == isRevoked(name) {
			t.Errorf("refresh token %s: accepted = %v, want %v", name, accepted, !accepted)
		}
	}
}

// revokeRequest posts a revocation with the content type, body and Basic
// credentials (nil: none) given.
func revokeRequest(t *testing.T, base, contentType, body string, basic []string) testResponse {
	t.Helper()
	return postForm(t, base+revokePath, contentType, body, basic)
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		contentType string                             // default formType
		form        func(w *revokeWorld) url.Values    // the body
		basic       []string                           // default demoBasic; nilBasic: none
		status      int                                // 200, or the error's
		code        string                             // the OAuth error of a failure
		revoked     []string                           // what is revoked afterwards (see check)
		extra       func(t *testing.T, r testResponse) // further checks
	}{
		{name: "access token", form: revokeForm(func(w *revokeWorld) string { return w.first.Access }, hintAccessToken),
			status: 200, revoked: []string{"first"}},
		{name: "access token, refresh_token hint", form: revokeForm(func(w *revokeWorld) string { return w.first.Access }, hintRefreshToken),
			status: 200, revoked: []string{"first"}},
		{name: "access token, no hint", form: revokeForm(func(w *revokeWorld) string { return w.first.Access }, ""),
			status: 200, revoked: []string{"first"}},
		{name: "refresh token takes its grant", form: revokeForm(func(w *revokeWorld) string { return w.first.Refresh }, hintRefreshToken),
			status: 200, revoked: []string{"firstAccess", "first", "first.refresh"}},
		{name: "refresh token, access_token hint", form: revokeForm(func(w *revokeWorld) string { return w.first.Refresh }, hintAccessToken),
			status: 200, revoked: []string{"firstAccess", "first", "first.refresh"}},
		{name: "another user's grant", form: revokeForm(func(w *revokeWorld) string { return w.second.Refresh }, ""),
			status: 200, revoked: []string{"second", "second.refresh"}},
		{name: "client credentials token", form: revokeForm(func(w *revokeWorld) string { return w.app }, hintAccessToken),
			status: 200, revoked: []string{"app"}},
		{name: "service account token", form: revokeForm(func(w *revokeWorld) string { return w.sa }, hintAccessToken),
			status: 200, revoked: []string{"sa"}},
		{name: "another app's access token is left alone", form: revokeForm(func(w *revokeWorld) string { return w.other.Access }, hintAccessToken),
			status: 200},
		{name: "another app's refresh token is left alone", form: revokeForm(func(w *revokeWorld) string { return w.other.Refresh }, hintRefreshToken),
			status: 200},
		{name: "the other app revokes its own", basic: otherBasic,
			form: revokeForm(func(w *revokeWorld) string { return w.other.Refresh }, ""), status: 200, revoked: []string{"other", "other.refresh"}},
		{name: "unknown token", form: revokeForm(func(*revokeWorld) string { return "no-such-token" }, ""), status: 200},
		{name: "credentials in the body", basic: nilBasic, form: func(w *revokeWorld) url.Values {
			return url.Values{"token": {w.app}, "client_id": {DemoClientID}, "client_secret": {DemoClientSecret}}
		}, status: 200, revoked: []string{"app"}},
		{name: "no token", form: func(*revokeWorld) url.Values { return url.Values{"token_type_hint": {hintAccessToken}} },
			status: 400, code: "invalid_request"},
		{name: "empty token", form: revokeForm(func(*revokeWorld) string { return "" }, ""), status: 400, code: "invalid_request"},
		{name: "token twice", form: func(w *revokeWorld) url.Values { return url.Values{"token": {w.app, w.sa}} },
			status: 400, code: "invalid_request"},
		{name: "unknown hint", form: revokeForm(func(w *revokeWorld) string { return w.app }, "id_token"), status: 400, code: "invalid_request"},
		{name: "no credentials", basic: nilBasic, form: revokeForm(func(w *revokeWorld) string { return w.app }, ""),
			status: 401, code: "invalid_client", extra: wantNoChallenge},
		{name: "wrong secret", basic: []string{DemoClientID, "wrong"}, form: revokeForm(func(w *revokeWorld) string { return w.app }, ""),
			status: 401, code: "invalid_client", extra: wantBasicChallenge},
		{name: "public client form: client_id alone", basic: nilBasic, form: func(w *revokeWorld) url.Values {
			return url.Values{"token": {w.app}, "client_id": {DemoClientID}}
		}, status: 401, code: "invalid_client", extra: wantNoChallenge},
		{name: "client_id beside Basic credentials", form: func(w *revokeWorld) url.Values {
			return url.Values{"token": {w.app}, "client_id": {DemoClientID}}
		}, status: 400, code: "invalid_request"},
		{name: "JSON body", contentType: "application/json", form: revokeForm(func(w *revokeWorld) string { return w.app }, ""),
			status: 400, code: "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newRevokeWorld(t)
			contentType, basic := formType, demoBasic
			if tt.contentType != "" {
				contentType = tt.contentType
			}
			if tt.basic != nil {
				basic = tt.basic
			}
			if len(basic) == 0 {
				basic = nil
			}
			r := revokeRequest(t, w.base, contentType, tt.form(w).Encode(), basic)
			if tt.status == http.StatusOK {
				if r.status != http.StatusOK || len(r.body) != 0 {
					t.Fatalf("status %d body %q, want 200 with no body", r.status, r.body)
				}
				if got := w.e.Revocations(); got != 1 {
					t.Errorf("Revocations() = %d, want 1", got)
				}
			} else {
				wantOAuthError(t, r, tt.status, tt.code, "")
				if got := w.e.Revocations(); got != 0 {
					t.Errorf("Revocations() = %d after a failed revocation", got)
				}
			}
			if tt.extra != nil {
				tt.extra(t, r)
			}
			w.check(t, tt.revoked...)
		})
	}
}

// nilBasic asks revokeRequest to send no credentials.
var nilBasic = []string{}

// revokeForm is the form revoking the token tok picks, with hint unless empty.
func revokeForm(tok func(w *revokeWorld) string, hint string) func(w *revokeWorld) url.Values {
	return func(w *revokeWorld) url.Values {
		form := url.Values{"token": {tok(w)}}
		if hint != "" {
			form.Set("token_type_hint", hint)
		}
		return form
	}
}

// wantBasicChallenge and wantNoChallenge check WWW-Authenticate: a failed
// Basic header is answered with the scheme, missing credentials are not.
func wantBasicChallenge(t *testing.T, r testResponse) {
	t.Helper()
	if got := r.header.Get("WWW-Authenticate"); got != `Basic realm="Autodesk"` {
		t.Errorf("WWW-Authenticate = %q", got)
	}
}

func wantNoChallenge(t *testing.T, r testResponse) {
	t.Helper()
	if got := r.header.Get("WWW-Authenticate"); got != "" {
		t.Errorf("WWW-Authenticate = %q, want none", got)
	}
}

// TestRevokeEndpoint checks the endpoint's method and fault coverage.
func TestRevokeEndpoint(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	r := do(t, mustRequest(t, http.MethodGet, base+revokePath))
	wantOAuthError(t, r, http.StatusMethodNotAllowed, "invalid_request", "only accepts POST")
	if r.header.Get("Allow") != http.MethodPost {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	body := url.Values{"token": {"x"}}.Encode()
	e.SetFaults(Faults{Rate429: 1})
	if r := revokeRequest(t, base, formType, body, demoBasic); r.status != http.StatusOK {
		t.Errorf("without IncludeAuth: status %d, want 200", r.status)
	}
	e.SetFaults(Faults{Rate429: 1, IncludeAuth: true})
	if r := revokeRequest(t, base, formType, body, demoBasic); r.status != http.StatusTooManyRequests {
		t.Errorf("with IncludeAuth: status %d, want 429", r.status)
	}
	if got := e.Revocations(); got != 1 {
		t.Errorf("Revocations() = %d, want 1 (the faulted request never reached the endpoint)", got)
	}
}
