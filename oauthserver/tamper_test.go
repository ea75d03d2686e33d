package oauthserver

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestTheFlowWorks is the baseline every tampering test departs from.
func TestTheFlowWorks(t *testing.T) {
	f := newFixture(t, nil)
	client, verifier := f.register(), authproviders.RandomToken()
	tok := f.redeem(client, f.code(client, verifier), verifier)
	if status, user := f.call(tok["access_token"].(string)); status != http.StatusOK || user != apsemu.DemoUserID {
		t.Fatalf("call = %d %q", status, user)
	}
	if tok["token_type"] != "Bearer" || tok["scope"] != "data:read" || tok["refresh_token"] == "" || tok["expires_in"].(float64) != 3600 {
		t.Errorf("token response %v", tok)
	}
}

// TestTamperingIsRefused: each way of bending the flow is refused, with
// the error the RFCs name.
func TestTamperingIsRefused(t *testing.T) {
	tests := []struct {
		name  string
		run   func(f *fixture, client, verifier string) (int, string)
		want  int
		inMsg string
	}{
		{"code replayed", func(f *fixture, client, verifier string) (int, string) {
			code := f.code(client, verifier)
			first := f.redeem(client, code, verifier)
			status, body := f.token(redeemForm(f, client, code, verifier))
			if s, _ := f.call(first["access_token"].(string)); s != http.StatusUnauthorized {
				t.Errorf("the replayed code's first tokens still work: %d", s)
			}
			return status, body["error"].(string)
		}, http.StatusBadRequest, "invalid_grant"},
		{"PKCE verifier mismatch", func(f *fixture, client, verifier string) (int, string) {
			status, body := f.token(redeemForm(f, client, f.code(client, verifier), authproviders.RandomToken()))
			return status, body["error"].(string) + " " + body["error_description"].(string)
		}, http.StatusBadRequest, "PKCE verification failed"},
		{"wrong redirect at the token endpoint", func(f *fixture, client, verifier string) (int, string) {
			form := redeemForm(f, client, f.code(client, verifier), verifier)
			form.Set("redirect_uri", "http://127.0.0.1:47614/other")
			status, body := f.token(form)
			return status, body["error"].(string)
		}, http.StatusBadRequest, "invalid_grant"},
		{"wrong resource at the token endpoint", func(f *fixture, client, verifier string) (int, string) {
			form := redeemForm(f, client, f.code(client, verifier), verifier)
			form.Set("resource", "https://elsewhere.example/mcp")
			status, body := f.token(form)
			return status, body["error"].(string)
		}, http.StatusBadRequest, "invalid_target"},
		{"code of another client", func(f *fixture, client, verifier string) (int, string) {
			other := f.register()
			status, body := f.token(redeemForm(f, other, f.code(client, verifier), verifier))
			return status, body["error"].(string)
		}, http.StatusBadRequest, "invalid_grant"},
		{"refresh token replayed", func(f *fixture, client, verifier string) (int, string) {
			tok := f.redeem(client, f.code(client, verifier), verifier)
			form := url.Values{"grant_type": {"refresh_token"}, "client_id": {client}, "refresh_token": {tok["refresh_token"].(string)}}
			if s, body := f.token(form); s != http.StatusOK {
				t.Fatalf("first refresh: %d %v", s, body)
			}
			status, body := f.token(form)
			return status, body["error"].(string)
		}, http.StatusBadRequest, "invalid_grant"},
		{"revoked token", func(f *fixture, client, verifier string) (int, string) {
			tok := f.redeem(client, f.code(client, verifier), verifier)
			resp, err := http.PostForm(f.base+"/revoke", url.Values{"client_id": {client}, "token": {tok["refresh_token"].(string)}})
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("revoke: %v %v", err, resp)
			}
			resp.Body.Close()
			return f.call(tok["access_token"].(string))
		}, http.StatusUnauthorized, ""},
		{"expired token", func(f *fixture, client, verifier string) (int, string) {
			tok := f.redeem(client, f.code(client, verifier), verifier)
			f.srv.now = func() time.Time { return time.Now().Add(accessTokenTTL + time.Second) }
			return f.call(tok["access_token"].(string))
		}, http.StatusUnauthorized, ""},
		{"an APS token as the bearer", func(f *fixture, client, verifier string) (int, string) {
			f.redeem(client, f.code(client, verifier), verifier)
			issued := f.emu.IssuedTokens()
			return f.call(issued[0])
		}, http.StatusUnauthorized, ""},
		{"a token for another resource", func(f *fixture, client, verifier string) (int, string) {
			return f.call(f.tokenForOtherResource(client, verifier))
		}, http.StatusUnauthorized, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, withSecondResource)
			status, msg := tc.run(f, f.register(), authproviders.RandomToken())
			if status != tc.want || !strings.Contains(msg, tc.inMsg) {
				t.Errorf("got %d %q, want %d with %q", status, msg, tc.want, tc.inMsg)
			}
		})
	}
}

// withSecondResource adds a second protected endpoint, /other/mcp.
func withSecondResource(c *Config) {
	r := c.Resources[0]
	r.Path, r.Name = "/other/mcp", "other"
	c.Resources = append(c.Resources, r)
}

func (f *fixture) tokenForOtherResource(client, verifier string) string {
	q := f.authorizeQuery(client, verifier)
	q.Set("resource", f.base+"/other/mcp")
	code := f.authorize(q).Get("code")
	form := redeemForm(f, client, code, verifier)
	form.Set("resource", f.base+"/other/mcp")
	status, body := f.token(form)
	if status != http.StatusOK {
		f.t.Fatalf("token for /other/mcp: %d %v", status, body)
	}
	return body["access_token"].(string)
}

func redeemForm(f *fixture, client, code, verifier string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "client_id": {client}, "code": {code},
		"redirect_uri": {testRedirect}, "code_verifier": {verifier}, "resource": {f.base + "/mcp"}}
}

// TestAuthorizationRequestsRefused: requests that must not reach consent.
func TestAuthorizationRequestsRefused(t *testing.T) {
	tests := []struct {
		name     string
		change   func(q url.Values)
		page     bool   // shown as a page, never redirected (unknown client or redirect)
		errParam string // else the error the client gets back
	}{
		{"unknown client", func(q url.Values) { q.Set("client_id", "nobody") }, true, ""},
		{"unregistered redirect", func(q url.Values) { q.Set("redirect_uri", "https://attacker.example/cb") }, true, ""},
		{"loopback redirect on another path", func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:47614/other") }, true, ""},
		{"no PKCE", func(q url.Values) { q.Del("code_challenge") }, false, "invalid_request"},
		{"plain PKCE", func(q url.Values) { q.Set("code_challenge_method", "plain") }, false, "invalid_request"},
		{"foreign resource", func(q url.Values) { q.Set("resource", "https://elsewhere.example/mcp") }, false, "invalid_target"},
		{"unknown scope", func(q url.Values) { q.Set("scope", "data:write") }, false, "invalid_scope"},
		{"implicit flow", func(q url.Values) { q.Set("response_type", "token") }, false, "unsupported_response_type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			q := f.authorizeQuery(f.register(), authproviders.RandomToken())
			tc.change(q)
			resp, err := f.browser.Get(f.base + "/authorize?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tc.page {
				if resp.StatusCode != http.StatusBadRequest || strings.Contains(string(body), `name="request"`) {
					t.Errorf("got %d, want a 400 page and no consent form:\n%s", resp.StatusCode, body)
				}
				return
			}
			loc, err := resp.Location()
			if err != nil || loc.Query().Get("error") != tc.errParam || loc.Query().Get("state") != "client-state" {
				t.Errorf("got %d %v, want a redirect with error=%s and the state", resp.StatusCode, loc, tc.errParam)
			}
		})
	}
}

// TestCallbackStateIsSingleUse: APS's callback with a forged or used state
// stores nothing and issues no code.
func TestCallbackStateIsSingleUse(t *testing.T) {
	f := newFixture(t, nil)
	for _, state := range []string{"", "forged-state"} {
		resp, err := f.browser.Get(f.base + "/callback?code=anything&state=" + state)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("state %q: %d, want 400", state, resp.StatusCode)
		}
	}
	if n := f.emu.CodeExchanges(); n != 0 {
		t.Errorf("APS code exchanges = %d, want none", n)
	}
}

// TestRememberedConsentHoldsOnlyForItsPerson: a browser whose session here
// is Ada's skips the consent page for a client Ada allowed; if APS then
// signs in someone else, no code is issued (their consent was never asked).
func TestRememberedConsentHoldsOnlyForItsPerson(t *testing.T) {
	f := newFixture(t, nil)
	client := f.register()
	f.signInAtAPS(apsemu.DemoUserAda)
	f.code(client, authproviders.RandomToken()) // asks, Ada allows
	f.signInAtAPS(apsemu.DemoUserBen)
	resp, err := f.browser.Get(f.base + "/authorize?" + f.authorizeQuery(client, authproviders.RandomToken()).Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "Signed in as someone else") || strings.Contains(string(body), `name="request"`) {
		t.Errorf("got %d, want the refusal:\n%s", resp.StatusCode, body)
	}
}
