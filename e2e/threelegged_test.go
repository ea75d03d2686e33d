package e2e_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

var loginURLRE = regexp.MustCompile(`https?://\S+/authentication/v2/authorize\?\S+`)

// loginURL pulls the sign-in link out of a tool error.
func loginURL(t *testing.T, r toolResult) string {
	t.Helper()
	if !r.isError {
		t.Fatalf("want a sign-in request, got a result: %v", r.structured)
	}
	u := loginURLRE.FindString(r.text)
	if u == "" || !strings.Contains(r.text, "sign in") {
		t.Fatalf("no sign-in link in %q", r.text)
	}
	return u
}

// browse follows a sign-in link the way a browser does (authorize → 302 →
// our callback) and returns the callback's status, page and URL.
func browse(t *testing.T, link string) (int, string, string) {
	t.Helper()
	var last *url.URL
	hc := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		last = req.URL
		return nil
	}}
	resp, err := hc.Get(link)
	if err != nil {
		t.Fatalf("following the sign-in link: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	callback := ""
	if last != nil {
		callback = last.String()
	}
	return resp.StatusCode, string(body), callback
}

func TestThreeLeggedSignInOverHTTP(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "3lo"}))

	link := loginURL(t, callTool(t, c, "list_hubs", nil))
	status, page, callback := browse(t, link)
	if status != http.StatusOK || !strings.Contains(page, "Demo User (demo@example.com) is signed in") ||
		!strings.Contains(page, apsemu.DemoClientID) || !strings.Contains(page, "close this tab") {
		t.Fatalf("callback answered %d, not naming who signed in, for which app: %s", status, page)
	}
	hubs := items(t, callTool(t, c, "list_hubs", nil))
	if len(hubs) < 3 {
		t.Errorf("list_hubs after sign-in returned %d hubs", len(hubs))
	}
	who := callTool(t, c, "whoami", nil)
	if who.isError || who.structured["user_id"] != apsemu.DemoUserID {
		t.Errorf("whoami = %s", who.text)
	}
	if n := emu.CodeExchanges(); n != 1 {
		t.Errorf("code exchanges = %d, want 1", n)
	}

	// Reloading the finished sign-in's page shows it again and exchanges
	// nothing; a tampered one is refused.
	if status, page, _ := browse(t, callback); status != http.StatusOK || !strings.Contains(page, "Demo User (demo@example.com) is signed in") {
		t.Errorf("reloaded callback answered %d: %s", status, page)
	}
	tampered := strings.Replace(callback, "state=", "state=x", 1)
	if status, _, _ := browse(t, tampered); status != http.StatusBadRequest {
		t.Errorf("tampered callback answered %d, want 400", status)
	}
	if n := emu.CodeExchanges(); n != 1 {
		t.Errorf("refused callbacks exchanged codes: %d exchanges", n)
	}
}

func TestThreeLeggedDeniedConsent(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "3lo"}))
	emu.DenyConsent(`<script>alert("pwned")</script>`)
	status, page, _ := browse(t, loginURL(t, callTool(t, c, "list_hubs", nil)))
	if status != http.StatusBadRequest || strings.Contains(page, "<script>") || !strings.Contains(page, "&lt;script&gt;") {
		t.Errorf("denial page (%d) is not safe: %s", status, page)
	}
	if !strings.Contains(page, "access_denied") {
		t.Errorf("denial page does not say what APS said: %s", page)
	}
	// Nothing was stored: the next call asks for a sign-in again.
	loginURL(t, callTool(t, c, "list_hubs", nil))
	if n := emu.CodeExchanges(); n != 0 {
		t.Errorf("a denied sign-in exchanged %d codes", n)
	}
}

// TestThreeLeggedRefreshAfterExpiry: when every access token expires, the
// next calls refresh without a new sign-in, 50 concurrent calls sharing
// one refresh (refresh tokens are single use).
func TestThreeLeggedRefreshAfterExpiry(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	// Over 50 list_hubs, APS's limit a minute; the refresh is the point.
	url := startServer(t, base, serverOptions{profile: "3lo", env: map[string]string{"APS_MCP_PACE": unpaced}})
	c := httpClient(t, url)
	browse(t, loginURL(t, callTool(t, c, "list_hubs", nil)))
	items(t, callTool(t, c, "list_hubs", nil))

	emu.ExpireAccessTokens()
	cs := []*client.Client{c, httpClient(t, url), httpClient(t, url)}
	callConcurrently(t, cs, 50, "whoami", nil) // a read no tool caches
	if n := emu.RefreshExchanges(); n != 1 {
		t.Errorf("refresh requests = %d, want exactly 1", n)
	}
	if n := emu.Authorizations(); n != 1 {
		t.Errorf("sign-ins = %d, want 1 (no new login after expiry)", n)
	}
}

// TestThreeLeggedURLElicitation: a client that supports URL elicitation is
// asked to open the sign-in page, and the same call then succeeds.
func TestThreeLeggedURLElicitation(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	url := startServer(t, base, serverOptions{profile: "3lo"})
	var opened []string
	handler := elicitFunc(func(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		opened = append(opened, req.Params.URL)
		browse(t, req.Params.URL)
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}}, nil
	})
	tr, err := transport.NewStreamableHTTP(url)
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithElicitationHandler(handler))
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	init := mcp.InitializeRequest{}
	// Server-initiated requests such as elicitation belong to the
	// session-based protocol generation.
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "elicitation-e2e", Version: "1"}
	init.Params.Capabilities.Elicitation = &mcp.ElicitationCapability{URL: &struct{}{}}
	if _, err := c.Initialize(context.Background(), init); err != nil {
		t.Fatal(err)
	}
	hubs := items(t, callTool(t, c, "list_hubs", nil))
	if len(opened) != 1 || !strings.Contains(opened[0], "/authentication/v2/authorize?") || len(hubs) < 3 {
		t.Errorf("elicited %v, got %d hubs", opened, len(hubs))
	}
}

type elicitFunc func(context.Context, mcp.ElicitationRequest) (*mcp.ElicitationResult, error)

func (f elicitFunc) Elicit(ctx context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return f(ctx, r)
}

// TestThreeLeggedFileStoreSurvivesRestart: with a token store, a second
// server on the same file answers without a new sign-in; the file is 0600
// and holds no client secret.
func TestThreeLeggedFileStoreSurvivesRestart(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	store := filepath.Join(t.TempDir(), "tokens.json")
	env := map[string]string{"APS_MCP_TOKEN_STORE": store}

	first, stop := startStoppableServer(t, base, serverOptions{profile: "3lo", env: env})
	c := httpClient(t, first)
	browse(t, loginURL(t, callTool(t, c, "list_hubs", nil)))
	items(t, callTool(t, c, "list_hubs", nil))
	c.Close()
	stop()

	info, err := os.Stat(store)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("token store mode = %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(store)
	if strings.Contains(string(data), apsemu.DemoClientSecret) {
		t.Error("the token store holds the client secret")
	}

	c2 := httpClient(t, startServer(t, base, serverOptions{profile: "3lo", env: env}))
	items(t, callTool(t, c2, "list_hubs", nil))
	if n := emu.Authorizations(); n != 1 {
		t.Errorf("sign-ins = %d, want 1: the restarted server should reuse the stored tokens", n)
	}
}

// TestThreeLeggedOverStdio: the sign-in callback is served by a loopback
// listener on the redirect URI's port.
func TestThreeLeggedOverStdio(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // free it for the server's callback listener
	env := emulatorEnv(base)
	env["APS_CALLBACK_URL"] = "http://127.0.0.1:" + itoa(port) + "/callback"
	c := stdioClient(t, env, "--profile", "3lo")
	status, page, _ := browse(t, loginURL(t, callTool(t, c, "list_hubs", nil)))
	if status != http.StatusOK {
		t.Fatalf("callback over the loopback listener answered %d: %s", status, page)
	}
	checkDataManagement(t, c, emu)
}

// TestThreeLeggedRefusesNonLoopback: a 3lo server will not listen where
// others could act as the signed-in person, unless the profile allows it.
func TestThreeLeggedRefusesNonLoopback(t *testing.T) {
	cmd := exec.Command(binPath, "--profile", "3lo", "--addr", "0.0.0.0:0",
		"--tools", repoRoot+"/tools.yaml", "--profiles", repoRoot+"/profiles")
	cmd.Dir = t.TempDir()
	cmd.Env = binaryEnv(map[string]string{"APS_CLIENT_ID": "id", "APS_CLIENT_SECRET": "secret"})
	out, err := cmd.CombinedOutput()
	if exitCode(err) != 1 || !strings.Contains(string(out), "allow_non_loopback") {
		t.Errorf("exit %d, output %s; want a refusal naming allow_non_loopback", exitCode(err), out)
	}
}
