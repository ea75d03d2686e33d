package e2e_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/aps-mcp/aps-mcp/logging"
)

// TestNoSecretInLogsOrResults runs the calls of the end-to-end suite (every
// auth kind, successes, refusals, a refresh, a forced 401) with debug
// logging on, and checks that neither the client secret, the service
// account's private key, nor any access or refresh token the emulator
// issued appears in the captured logs or in what the model received.
func TestNoSecretInLogsOrResults(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	logs := &syncBuffer{}
	var results []string
	record := func(r toolResult) { results = append(results, r.text) }

	twoLegged := httpClient(t, startServer(t, base, serverOptions{logs: logs}))
	ssa := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu, logs: logs}))
	threeLegged := httpClient(t, startServer(t, base, serverOptions{profile: "3lo", logs: logs}))

	for _, call := range []struct {
		c    *client.Client
		tool string
		args map[string]any
	}{
		{twoLegged, "list_buckets", nil},
		{twoLegged, "list_objects", map[string]any{"bucket_key": demoBucket}},
		{twoLegged, "list_objects", map[string]any{"bucket_key": "no-such-bucket"}},
		{twoLegged, "list_objects", map[string]any{"bucket_key": "BAD KEY"}},
		{ssa, "list_hubs", nil},
		{ssa, "list_projects", map[string]any{"hub_id": bigHub(t, emu)}},
	} {
		record(callTool(t, call.c, call.tool, call.args))
	}
	login := callTool(t, threeLegged, "list_hubs", nil)
	record(login)
	_, page, _ := browse(t, loginURL(t, login))
	results = append(results, page)
	record(callTool(t, threeLegged, "whoami", nil))
	emu.ExpireAccessTokens() // forces a 401 and a refresh
	record(callTool(t, threeLegged, "list_hubs", nil))
	emu.RevokeTokens() // forces a refused refresh and a new sign-in link
	record(callTool(t, ssa, "list_hubs", nil))
	record(callTool(t, threeLegged, "list_hubs", nil))

	secrets := map[string]string{"client secret": apsemu.DemoClientSecret}
	key := serviceAccountEnv(emu)["APS_SSA_KEY_BASE64"]
	secrets["SSA key (base64)"] = key
	pemBytes, _ := base64.StdEncoding.DecodeString(key)
	for i, line := range strings.Split(string(pemBytes), "\n") {
		if len(line) >= 32 && !strings.HasPrefix(line, "-----") {
			secrets["SSA key PEM line "+itoa(i)] = line
		}
	}
	tokens := emu.IssuedTokens()
	if len(tokens) < 5 {
		t.Fatalf("only %d tokens issued; the run did not exercise every grant", len(tokens))
	}
	for i, tok := range tokens {
		secrets["issued token "+itoa(i)] = tok
	}
	haystacks := map[string]string{"logs": logs.String(), "results": strings.Join(results, "\n")}
	if !strings.Contains(haystacks["logs"], "level=DEBUG") {
		t.Fatal("no debug lines were captured")
	}
	for where, text := range haystacks {
		for what, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("%s contain the %s", where, what)
			}
		}
	}
}

// TestLogRedactionIsInstalled: the server's own wiring puts the redacting
// log handler in front of every log line. Two real paths carry text from
// outside into the log: mcp-go logs the session id of a client's stray
// JSON-RPC response (client-chosen text), and the credential check at
// start logs the token endpoint's answer (here one that echoes the
// credentials, as some APS errors do). Neither may write a secret.
func TestLogRedactionIsInstalled(t *testing.T) {
	emu := apsemu.New(apsemu.Options{})
	echoing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/authentication/v2/token" {
			_ = r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]string{"errorCode": "invalid_client",
				"developerMessage": "rejected " + r.Header.Get("Authorization") + " for client_secret=" + r.Form.Get("client_secret") + " " + r.Form.Get("client_id")})
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(echoing.Close)
	logs := &syncBuffer{}
	endpoint := startServer(t, echoing.URL, serverOptions{logs: logs})
	if s := getStatus(t, strings.TrimSuffix(endpoint, "/mcp")+"/readyz"); s != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d with credentials the token endpoint refused, want 503", s)
	}
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl"
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(apsemu.DemoClientID+":"+apsemu.DemoClientSecret))
	planted := map[string]string{"client secret": apsemu.DemoClientSecret, "JWT": jwt, "bearer token": "Bearer sk-0123456789abcdef"}
	hc := &http.Client{}
	for _, v := range planted {
		rawPost(t, hc, endpoint, "", v, `{"jsonrpc":"2.0","id":3,"result":{"x":1}}`)
	}
	out := logs.String()
	for _, line := range []string{"Failed to handle sampling response", "refused this server's credentials"} {
		if !strings.Contains(out, line) {
			t.Fatalf("the log lacks %q; the test no longer reaches the lines it checks:\n%s", line, out)
		}
	}
	planted["Basic credentials"] = strings.TrimPrefix(basic, "Basic ")
	for what, secret := range planted {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds the %s", what)
		}
	}
	if !strings.Contains(out, logging.Redacted) {
		t.Error("nothing in the log was redacted")
	}
}
