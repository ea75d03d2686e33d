package apsemu

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// TestAuthorizeSignsInTheSessionUser checks the session cookie decides
// who signs in at authorize, and that a cookie naming nobody answers an
// error page instead of a redirect.
func TestAuthorizeSignsInTheSessionUser(t *testing.T) {
	t.Parallel()
	_, base := startEmulator(t, threeLeggedOptions(nil))
	tests := []struct {
		name    string
		cookies []*http.Cookie
		want    string // the user /userinfo names; empty: the error page
	}{
		{"no cookie", nil, DemoUserID},
		{"empty cookie", []*http.Cookie{{Name: SessionCookie, Value: ""}}, DemoUserID},
		{"demo user", []*http.Cookie{{Name: SessionCookie, Value: DemoUserID}}, DemoUserID},
		{"Ada", []*http.Cookie{{Name: SessionCookie, Value: DemoUserAda}}, DemoUserAda},
		{"Ben", []*http.Cookie{{Name: SessionCookie, Value: DemoUserBen}}, DemoUserBen},
		{"Eve", []*http.Cookie{{Name: SessionCookie, Value: DemoUserEve}}, DemoUserEve},
		{"other cookies beside it", []*http.Cookie{{Name: "theme", Value: "dark"}, {Name: SessionCookie, Value: DemoUserBen}}, DemoUserBen},
		{"unknown user", []*http.Cookie{{Name: SessionCookie, Value: "NOBODY000001"}}, ""},
		{"a service account is no browser user", []*http.Cookie{{Name: SessionCookie, Value: testSAID}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := mustRequest(t, http.MethodGet, base+authorizePath+"?"+authzQuery().Encode())
			for _, c := range tt.cookies {
				req.AddCookie(c)
			}
			r := doWith(t, noRedirectClient(), req)
			if tt.want == "" {
				wantStatus(t, "authorize", r, http.StatusBadRequest)
				if loc := r.header.Get("Location"); loc != "" {
					t.Errorf("Location = %q, want no redirect", loc)
				}
				if body := string(r.body); !strings.HasPrefix(body, "login_required: ") || !strings.Contains(body, SignInPath) {
					t.Errorf("page = %q", body)
				}
				return
			}
			code := redirectQuery(t, r, testRedirect).Get("code")
			tokens := wantTokens(t, tokenRequest(t, base, codeForm(code, testRedirect, testVerifier), demoBasic), "refresh_token")
			if sub := get(t, base+userInfoPath, tokens.Access).object(t)["sub"]; sub != tt.want {
				t.Errorf("signed in as %v, want %s", sub, tt.want)
			}
			// The refresh grant keeps acting for the same user.
			refreshed := wantTokens(t, tokenRequest(t, base, refreshForm(tokens.Refresh, ""), demoBasic), "refresh_token")
			if sub := get(t, base+userInfoPath, refreshed.Access).object(t)["sub"]; sub != tt.want {
				t.Errorf("after refresh, acting for %v, want %s", sub, tt.want)
			}
		})
	}
}

// TestSignInPage checks the sign-in and sign-out pages: the cookie they
// set, where they redirect, and that they redirect nowhere but this host.
func TestSignInPage(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	// The pages are the emulator's own, never covered by faults.
	e.SetFaults(Faults{Rate503: 1, IncludeAuth: true})
	host := strings.TrimPrefix(base, "http://")
	next := authorizePath + "?" + authzQuery().Encode()
	signIn := func(q url.Values) string { return base + SignInPath + "?" + q.Encode() }
	const adaCookie = SessionCookie + "=" + DemoUserAda + "; Path=/; HttpOnly; SameSite=Lax"
	tests := []struct {
		name     string
		method   string
		url      string
		status   int
		location string // for 302s
		cookie   string // the Set-Cookie header; empty: none
		page     string // the start of a plain-text page
	}{
		{"path next", http.MethodGet, signIn(url.Values{"user": {DemoUserAda}, "next": {next}}), http.StatusFound, next, adaCookie, ""},
		{"absolute next on this host", http.MethodGet, signIn(url.Values{"user": {DemoUserAda}, "next": {base + next}}), http.StatusFound, base + next, adaCookie, ""},
		{"no next", http.MethodGet, signIn(url.Values{"user": {DemoUserAda}}), http.StatusOK, "", adaCookie, "Signed in as Ada Lovelace (APSEMUADA0001)."},
		{"next on another host", http.MethodGet, signIn(url.Values{"user": {DemoUserAda}, "next": {"http://evil.example/" + next}}), http.StatusBadRequest, "", "", "invalid_request: The 'next'"},
		{"next on another port", http.MethodGet, signIn(url.Values{"user": {DemoUserAda}, "next": {"http://127.0.0.1:1/"}}), http.StatusBadRequest, "", "", "invalid_request: The 'next'"},
		{"next with another scheme", http.MethodGet, signIn(url.Values{"user": {DemoUserAda}, "next": {"https://" + host + "/"}}), http.StatusBadRequest, "", "", "invalid_request: The 'next'"},
		{"scheme-relative next", http.MethodGet, signIn(url.Values{"user": {DemoUserAda}, "next": {"//evil.example/"}}), http.StatusBadRequest, "", "", "invalid_request: The 'next'"},
		{"backslash next", http.MethodGet, signIn(url.Values{"user": {DemoUserAda}, "next": {"/\\evil.example/"}}), http.StatusBadRequest, "", "", "invalid_request: The 'next'"},
		{"relative next", http.MethodGet, signIn(url.Values{"user": {DemoUserAda}, "next": {"authorize"}}), http.StatusBadRequest, "", "", "invalid_request: The 'next'"},
		{"next with credentials", http.MethodGet, signIn(url.Values{"user": {DemoUserAda}, "next": {"http://x@" + host + "/"}}), http.StatusBadRequest, "", "", "invalid_request: The 'next'"},
		{"javascript next", http.MethodGet, signIn(url.Values{"user": {DemoUserAda}, "next": {"javascript:alert(1)"}}), http.StatusBadRequest, "", "", "invalid_request: The 'next'"},
		{"no user", http.MethodGet, signIn(url.Values{"next": {next}}), http.StatusBadRequest, "", "", "invalid_request: The 'user'"},
		{"unknown user", http.MethodGet, signIn(url.Values{"user": {"NOBODY000001"}, "next": {next}}), http.StatusBadRequest, "", "", "invalid_request: The 'user'"},
		{"POST", http.MethodPost, signIn(url.Values{"user": {DemoUserAda}}), http.StatusMethodNotAllowed, "", "", "invalid_request: The sign-in pages only accept GET"},
		{"unknown page", http.MethodGet, base + "/apsemu/elsewhere", http.StatusNotFound, "", "", "not_found:"},
		{"sign out", http.MethodGet, base + SignOutPath + "?next=" + url.QueryEscape(next), http.StatusFound, next,
			SessionCookie + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax", ""},
		{"sign out without next", http.MethodGet, base + SignOutPath, http.StatusOK, "",
			SessionCookie + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax", "Signed out;"},
		{"sign out to another host", http.MethodGet, base + SignOutPath + "?next=http://evil.example/", http.StatusBadRequest, "", "", "invalid_request: The 'next'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := doWith(t, noRedirectClient(), mustRequest(t, tt.method, tt.url))
			wantStatus(t, "page", r, tt.status)
			if got := r.header.Get("Location"); got != tt.location {
				t.Errorf("Location = %q, want %q", got, tt.location)
			}
			if got := strings.Join(r.header.Values("Set-Cookie"), "\n"); got != tt.cookie {
				t.Errorf("Set-Cookie = %q, want %q", got, tt.cookie)
			}
			if !strings.HasPrefix(string(r.body), tt.page) {
				t.Errorf("body = %q, want it to start with %q", r.body, tt.page)
			}
			if tt.page != "" && r.header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type = %q", r.header.Get("Content-Type"))
			}
			if tt.status == http.StatusMethodNotAllowed && r.header.Get("Allow") != http.MethodGet {
				t.Errorf("Allow = %q", r.header.Get("Allow"))
			}
		})
	}
	if n429, n503 := e.FaultsInjected(); n429+n503 != 0 {
		t.Errorf("faults injected into the sign-in pages: %d, %d", n429, n503)
	}
}

// TestBrowserSignInFlow drives the pages as a browser with a cookie jar
// does: sign in as Ben, get sent on to authorize and from there to the
// app's callback; then sign out, and the demo user signs in again.
func TestBrowserSignInFlow(t *testing.T) {
	t.Parallel()
	_, base := startEmulator(t, threeLeggedOptions(nil))
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// The browser follows redirects on the emulator and stops at the
	// app's callback, where nothing listens.
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host != strings.TrimPrefix(base, "http://") {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	authorizeURL := base + authorizePath + "?" + authzQuery().Encode()
	codeFor := func(start string) string {
		t.Helper()
		return redirectQuery(t, doWith(t, browser, mustRequest(t, http.MethodGet, start)), testRedirect).Get("code")
	}
	signedInAs := func(code string) any {
		t.Helper()
		tokens := wantTokens(t, tokenRequest(t, base, codeForm(code, testRedirect, testVerifier), demoBasic), "refresh_token")
		return get(t, base+userInfoPath, tokens.Access).object(t)["sub"]
	}

	code := codeFor(base + SignInPath + "?" + url.Values{"user": {DemoUserBen}, "next": {authorizeURL}}.Encode())
	if sub := signedInAs(code); sub != DemoUserBen {
		t.Errorf("after signing in as Ben, authorize signed in %v", sub)
	}
	// The session stays: authorize alone signs Ben in again.
	if sub := signedInAs(codeFor(authorizeURL)); sub != DemoUserBen {
		t.Errorf("second authorize signed in %v, want Ben", sub)
	}
	code = codeFor(base + SignOutPath + "?" + url.Values{"next": {authorizeURL}}.Encode())
	if sub := signedInAs(code); sub != DemoUserID {
		t.Errorf("after signing out, authorize signed in %v, want the demo user", sub)
	}
}
