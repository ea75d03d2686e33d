package e2e_test

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestRedirectsAreNotFollowed: APS does not redirect, so a redirect from
// an API or the token endpoint, to another port of the same host, is an
// error that names its target, and the target never hears from the
// server: no bearer token, no client secret, no assertion.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var reached, withCredentials atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "" || strings.Contains(string(body), "assertion") || strings.Contains(string(body), "secret") {
			withCredentials.Add(1)
		}
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(target.Close)
	emu, base := emulator(t, apsemu.Options{})

	// An API call: the token comes from the emulator, the call is redirected.
	emu.SetFaults(apsemu.Faults{RedirectTo: target.URL})
	api := httpClient(t, startServer(t, base, serverOptions{}))
	for _, call := range []struct {
		tool string
		args map[string]any
	}{{"list_buckets", nil}, {"get_bucket_details", map[string]any{"bucket_key": demoBucket}}} {
		wantAll(t, callTool(t, api, call.tool, call.args), "redirect", target.URL)
	}

	// The token endpoint of two kinds: Basic credentials, and an assertion.
	emu.SetFaults(apsemu.Faults{RedirectTo: target.URL, IncludeAuth: true})
	twoLegged := httpClient(t, startServer(t, base, serverOptions{}))
	wantAll(t, callTool(t, twoLegged, "list_buckets", nil), "redirect", target.URL+"/authentication/v2/token")
	ssa := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))
	wantAll(t, callTool(t, ssa, "list_hubs", nil), "redirect", target.URL+"/authentication/v2/token")

	t.Logf("redirect targets reached: %d, with credentials: %d", reached.Load(), withCredentials.Load())
	if reached.Load() != 0 {
		t.Errorf("the redirect target was reached %d times, %d with credentials", reached.Load(), withCredentials.Load())
	}
}

// TestEchoedCredentialsNeverReachResults: APS error bodies that quote the
// request's credentials (the bearer token, the Basic header, the secret
// decoded, the form with the assertion) come back to the model redacted.
func TestEchoedCredentialsNeverReachResults(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	var results []string
	record := func(r toolResult) { results = append(results, r.text) }

	emu.SetFaults(apsemu.Faults{EchoCredentials: true})
	twoLegged := httpClient(t, startServer(t, base, serverOptions{}))
	ssa := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))
	record(callTool(t, twoLegged, "list_buckets", nil))
	record(callTool(t, twoLegged, "get_bucket_details", map[string]any{"bucket_key": demoBucket}))
	record(callTool(t, ssa, "list_hubs", nil))

	emu.SetFaults(apsemu.Faults{EchoCredentials: true, IncludeAuth: true})
	record(callTool(t, httpClient(t, startServer(t, base, serverOptions{})), "list_buckets", nil))
	record(callTool(t, httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu})), "list_hubs", nil))

	secrets := map[string]string{
		"client secret": apsemu.DemoClientSecret,
		"Basic header":  base64.StdEncoding.EncodeToString([]byte(apsemu.DemoClientID + ":" + apsemu.DemoClientSecret)),
		"a JWT":         "eyJ",
	}
	for i, tok := range emu.IssuedTokens() {
		secrets["issued token "+itoa(i)] = tok
	}
	all := strings.Join(results, "\n")
	leaked := 0
	for what, secret := range secrets {
		if n := strings.Count(all, secret); n > 0 {
			leaked += n * len(secret)
			t.Errorf("results hold the %s %d times", what, n)
		}
	}
	t.Logf("secret bytes in %d results from an upstream echoing credentials: %d", len(results), leaked)
	if n := strings.Count(all, "[REDACTED]"); n < len(results) {
		t.Errorf("%d redactions in %d results: the upstream did not echo what the test expects\n%s", n, len(results), all)
	}
}

// TestWrongCredentialsHint: APS refusing the app's client id and secret is
// explained as wrong credentials, not as a refused fresh token.
func TestWrongCredentialsHint(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{env: map[string]string{"APS_CLIENT_SECRET": "not-the-secret-at-all"}}))
	r := callTool(t, c, "list_buckets", nil)
	wantAll(t, r, "invalid_client", "APS_CLIENT_ID", "APS_CLIENT_SECRET")
	if strings.Contains(r.text, "freshly issued token") {
		t.Errorf("wrong credentials explained as a refused token: %s", r.text)
	}
}
