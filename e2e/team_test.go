package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestTeamSignInWithMCPGo walks the whole team flow with mcp-go's OAuth
// client: the 401 names the resource metadata, the client discovers the
// authorization server, registers, the person allows it on the consent
// page and signs in at APS, and tool calls then act as them.
func TestTeamSignInWithMCPGo(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	var logs syncBuffer
	mcpURL := teamServer(t, base, serverOptions{logs: &logs})
	b := newBrowser(t)
	c := oauthClient(t, mcpURL, b)

	if len(b.pages) != 1 || !strings.Contains(b.pages[0], "aps-mcp e2e client") || !strings.Contains(b.pages[0], "data:read") ||
		!strings.Contains(b.pages[0], "http://127.0.0.1:47613") {
		t.Errorf("consent page does not name the client, its redirect host and the scopes:\n%s", strings.Join(b.pages, "\n---\n"))
	}
	who := callTool(t, c, "whoami", nil)
	if who.isError || !strings.Contains(who.text, apsemu.DemoUserID) {
		t.Errorf("whoami = %s, want the demo user", who.text)
	}
	hubs := callTool(t, c, "list_hubs", nil)
	if hubs.isError || len(items(t, hubs)) == 0 {
		t.Errorf("list_hubs as the signed-in person: %s", hubs.text)
	}
	if !regexp.MustCompile(`msg="tool call".* tool=list_hubs .*user=demo@example.com`).MatchString(logs.String()) {
		t.Error("the tool call's log line does not name the caller")
	}
	if emu.CodeExchanges() != 1 {
		t.Errorf("APS code exchanges = %d, want 1", emu.CodeExchanges())
	}
	for _, tok := range emu.IssuedTokens() {
		if strings.Contains(logs.String(), tok) {
			t.Error("an APS token reached the logs")
		}
	}
}

// TestTeamSignInWithGoSDKAndMetadataDocument: the official go-sdk client
// identifies itself with a Client ID Metadata Document (no registration),
// and the consent page shows the document's name and URL.
func TestTeamSignInWithGoSDKAndMetadataDocument(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	clientID, docClient := metadataDocument(t, "go-sdk e2e (metadata document)")
	mcpURL := teamServer(t, base, serverOptions{metadataClient: docClient})
	b := newBrowser(t)
	session, err := sdkOAuthSession(t, mcpURL, clientID, b)
	if err != nil {
		t.Fatal(err)
	}
	res, err := session.CallTool(context.Background(), &sdk.CallToolParams{Name: "whoami"})
	if err != nil || res.IsError {
		t.Fatalf("whoami: %v %v", err, res)
	}
	if text := res.Content[0].(*sdk.TextContent).Text; !strings.Contains(text, apsemu.DemoUserID) {
		t.Errorf("whoami = %s, want the demo user", text)
	}
	if len(b.pages) != 1 || !strings.Contains(b.pages[0], "go-sdk e2e (metadata document)") || !strings.Contains(b.pages[0], clientID) {
		t.Errorf("consent page does not show the document's client:\n%s", strings.Join(b.pages, "\n---\n"))
	}
}

// TestTeamRefreshesAPSTokensWithoutASignIn: when APS stops taking the
// person's access token (an hour went by), the next call refreshes it once
// and succeeds; nobody is asked to sign in again.
func TestTeamRefreshesAPSTokensWithoutASignIn(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := oauthClient(t, teamServer(t, base, serverOptions{}), newBrowser(t))
	callTool(t, c, "list_hubs", nil)
	emu.ExpireAccessTokens()
	for range 3 { // a read no tool caches, so each reaches APS
		if r := callTool(t, c, "whoami", nil); r.isError {
			t.Fatalf("after the APS token expired: %s", r.text)
		}
	}
	if n := emu.RefreshExchanges(); n != 1 {
		t.Errorf("APS refresh requests = %d, want exactly 1", n)
	}
	if n := emu.CodeExchanges(); n != 1 {
		t.Errorf("APS code exchanges = %d, want the one sign-in", n)
	}
}

// TestTeamConsentIsRememberedPerClient: the same person allowing the same
// client again skips the consent page (the browser's session here names
// them); another client is asked about.
func TestTeamConsentIsRememberedPerClient(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	mcpURL := teamServer(t, base, serverOptions{})
	b := newBrowser(t)
	oauthClient(t, mcpURL, b)
	oauthClient(t, mcpURL, b) // registers a second client
	if len(b.pages) != 2 {
		t.Fatalf("consent pages for two clients = %d, want 2", len(b.pages))
	}
	// The first client's registration signing in again: no page.
	before := len(b.pages)
	_, h := oauthClientHandler(t, mcpURL, nil)
	if err := authorizeClient(context.Background(), h, b); err != nil {
		t.Fatal(err)
	}
	if len(b.pages) != before+1 {
		t.Fatalf("a new client was not asked about")
	}
	if err := authorizeClient(context.Background(), h, b); err != nil {
		t.Fatal(err)
	}
	if len(b.pages) != before+1 {
		t.Errorf("the same client was asked about again: %d pages", len(b.pages))
	}
}

// TestTeamSignOutEndsBothLayers: signing out on the server's page ends the
// person's MCP tokens at once and drops their APS tokens; a page from
// another site cannot do it for them.
func TestTeamSignOutEndsBothLayers(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	mcpURL := teamServer(t, base, serverOptions{})
	b := newBrowser(t)
	c := oauthClient(t, mcpURL, b)
	callTool(t, c, "whoami", nil)
	root := strings.TrimSuffix(mcpURL, "/mcp")

	// A forged form (no session field) signs nobody out.
	resp, err := b.post(root+"/signout", url.Values{"session": {"guess"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("forged sign-out: %d", resp.StatusCode)
	}
	if r := callTool(t, c, "whoami", nil); r.isError {
		t.Fatalf("a forged sign-out ended the session: %s", r.text)
	}

	_, status, page := b.visit(root+"/signout", "")
	m := regexp.MustCompile(`name="session" value="([^"]+)"`).FindStringSubmatch(page)
	if status != http.StatusOK || m == nil || !strings.Contains(page, "demo@example.com") {
		t.Fatalf("sign-out page %d does not name the person or has no form:\n%s", status, page)
	}
	resp, err = b.post(root+"/signout", url.Values{"session": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-out: %d", resp.StatusCode)
	}
	if _, err := callToolErr(c, "whoami", nil); err == nil {
		t.Error("a call after signing out went through")
	}
	if n := emu.Revocations(); n < 1 {
		t.Errorf("APS revocations after signing out = %d, want the person's tokens revoked", n)
	}
}

// teamProfiles writes a profiles directory holding one profile, name.yaml.
func teamProfiles(t *testing.T, name, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestTeamSignInInFrontOfTheAppsIdentity: a 2lo profile with a public URL
// signs each caller in (who calls is known and checked), while the app's
// own identity serves the APS calls.
func TestTeamSignInInFrontOfTheAppsIdentity(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	dir := teamProfiles(t, "oss-team", `description: OSS for signed-in colleagues
auth: {kind: 2lo, scopes: [bucket:read, data:read]}
server: {transport: http, addr: 127.0.0.1:5007, public_url: http://127.0.0.1:5007}
tools: {include: [oss]}
`)
	var logs syncBuffer
	mcpURL := startServer(t, base, serverOptions{profilesDir: dir, profile: "oss-team", public: true, logs: &logs})
	if status := postStatus(t, mcpURL); status != http.StatusUnauthorized {
		t.Fatalf("/mcp without a token: %d, want 401", status)
	}
	c := oauthClient(t, mcpURL, newBrowser(t))
	if r := callTool(t, c, "list_buckets", nil); r.isError || len(items(t, r)) == 0 {
		t.Fatalf("list_buckets as the app: %s", r.text)
	}
	if n := emu.Revocations(); n < 1 {
		t.Errorf("APS revocations = %d: the sign-in's APS token, not needed, must be revoked", n)
	}
	if !regexp.MustCompile(`msg="tool call".* tool=list_buckets .*user=demo@example.com`).MatchString(logs.String()) {
		t.Errorf("the tool call's log line does not name the caller:\n%s", logs.String())
	}
}

// TestTeamAllowList: only the listed e-mail domains may sign in; anyone
// else sees why and their client gets no code.
func TestTeamAllowList(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	dir := teamProfiles(t, "team", `description: only team.example
auth: {kind: 3lo, scopes: [data:read]}
server:
  transport: http
  addr: 127.0.0.1:5008
  public_url: http://127.0.0.1:5008
  sign_in: {allowed_domains: [team.example]}
tools: {include: [identity]}
`)
	mcpURL := startServer(t, base, serverOptions{profilesDir: dir, profile: "team", public: true})
	ada := newBrowser(t)
	ada.signInAt(base, apsemu.SessionCookie, apsemu.DemoUserAda)
	if r := callTool(t, oauthClient(t, mcpURL, ada), "whoami", nil); !strings.Contains(r.text, apsemu.DemoUserAda) {
		t.Errorf("Ada (team.example) signed in as: %s", r.text)
	}
	eve := newBrowser(t)
	eve.signInAt(base, apsemu.SessionCookie, apsemu.DemoUserEve)
	if _, err := oauthClientErr(t, mcpURL, eve, nil); err == nil {
		t.Fatal("eve@outside.example signed in although only team.example may")
	}
	if last := eve.pages[len(eve.pages)-1]; !strings.Contains(last, "eve@outside.example may not use this server") {
		t.Errorf("the refusal page does not say who was refused:\n%s", last)
	}
}

// postStatus is the status of an empty POST to url.
func postStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestDeploymentServesSeveralProfiles: one process serves the team and
// design-review profiles at their own paths, each its own resource with
// its own tools; a token for one path is refused at the other.
func TestDeploymentServesSeveralProfiles(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	site := startDeployment(t, emu, base, []string{"team", "design-review"})
	b := newBrowser(t)
	teamClient := oauthClient(t, site+"/p/team/mcp", b)
	reviewClient := oauthClient(t, site+"/p/design-review/mcp", b)
	count := func(c *client.Client) int {
		res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Tools)
	}
	if nt, nr := count(teamClient), count(reviewClient); nt == nr || nt == 0 || nr == 0 {
		t.Errorf("tools: team %d, design-review %d; want each profile's own", nt, nr)
	}
	if r := callTool(t, teamClient, "whoami", nil); r.isError || !strings.Contains(r.text, apsemu.DemoUserID) {
		t.Errorf("whoami through /p/team/mcp: %s", r.text)
	}
	if r := callTool(t, reviewClient, "list_hubs", nil); r.isError {
		t.Errorf("list_hubs through /p/design-review/mcp (the service account): %s", r.text)
	}
	// The team endpoint's token at the design-review endpoint.
	_, h := oauthClientHandler(t, site+"/p/team/mcp", nil)
	if err := authorizeClient(context.Background(), h, b); err != nil {
		t.Fatal(err)
	}
	tok, err := h.GetAuthorizationHeader(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, site+"/p/design-review/mcp", strings.NewReader(`{}`))
	req.Header.Set("Authorization", tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a /p/team/mcp token at /p/design-review/mcp: %d, want 401", resp.StatusCode)
	}
}

// TestTeamTwoPeopleEachSeeTheirOwn: Ada and Ben sign in to one server at
// the same time; each sees only their own hubs, by list and by id, and
// the log names who made each call.
func TestTeamTwoPeopleEachSeeTheirOwn(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	var logs syncBuffer
	mcpURL := teamServer(t, base, serverOptions{logs: &logs})
	people := map[string]*client.Client{}
	for _, id := range []string{apsemu.DemoUserAda, apsemu.DemoUserBen} {
		b := newBrowser(t)
		b.signInAt(base, apsemu.SessionCookie, id)
		people[id] = oauthClient(t, mcpURL, b)
	}
	hubsOf := map[string][]string{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for id, c := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				r, err := callToolErr(c, "list_hubs", nil)
				if err != nil || r.isError {
					t.Errorf("%s list_hubs: %v %s", id, err, r.text)
					return
				}
				var ids []string
				for _, h := range r.structured["items"].([]any) {
					ids = append(ids, h.(map[string]any)["id"].(string))
				}
				mu.Lock()
				hubsOf[id] = ids
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	ada, ben := hubsOf[apsemu.DemoUserAda], hubsOf[apsemu.DemoUserBen]
	if len(ada) == 0 || len(ben) == 0 {
		t.Fatalf("hubs: ada %v, ben %v", ada, ben)
	}
	if r := callTool(t, people[apsemu.DemoUserBen], "get_hub", map[string]any{"hub_id": ben[0]}); r.isError {
		t.Fatalf("Ben reading his own hub %s: %s", ben[0], r.text)
	}
	for _, h := range ada {
		if slices.Contains(ben, h) {
			t.Errorf("hub %s is listed for both", h)
		}
		if r := callTool(t, people[apsemu.DemoUserBen], "get_hub", map[string]any{"hub_id": h}); !r.isError {
			t.Errorf("Ben read Ada's hub %s: %s", h, r.text)
		}
	}
	for _, who := range []struct{ id, email string }{{apsemu.DemoUserAda, "ada@team.example"}, {apsemu.DemoUserBen, "ben@team.example"}} {
		if r := callTool(t, people[who.id], "whoami", nil); !strings.Contains(r.text, who.id) {
			t.Errorf("whoami for %s = %s", who.id, r.text)
		}
		if !regexp.MustCompile(`msg="tool call".* tool=whoami .*user=` + regexp.QuoteMeta(who.email)).MatchString(logs.String()) {
			t.Errorf("no tool-call log line names %s", who.email)
		}
	}
}

// TestDrainOnStop: a stopping server with server.drain answers /readyz
// with 503 (so a balancer routes around it) while it still serves calls,
// then closes.
func TestDrainOnStop(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	dir := teamProfiles(t, "drained", `description: drains for a second
auth: {kind: 2lo, scopes: [bucket:read, data:read]}
server: {transport: http, addr: 127.0.0.1:5009, drain: 1500ms}
tools: {include: [oss]}
`)
	mcpURL, stop := startStoppableServer(t, base, serverOptions{profilesDir: dir, profile: "drained"})
	t.Cleanup(stop)
	c := httpClient(t, mcpURL)
	root := strings.TrimSuffix(mcpURL, "/mcp")
	if s := getStatus(t, root+"/readyz"); s != http.StatusOK {
		t.Fatalf("/readyz before the stop: %d", s)
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	deadline := time.Now().Add(5 * time.Second)
	for getStatus(t, root+"/readyz") != http.StatusServiceUnavailable {
		if time.Now().After(deadline) {
			t.Fatal("/readyz never answered 503 while draining")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r, err := callToolErr(c, "list_buckets", nil); err != nil || r.isError {
		t.Errorf("a call while draining: %v %s", err, r.text)
	}
	select {
	case <-stopped:
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop after draining")
	}
}

// getStatus is the status of a GET of url, or 0 when nothing answers.
func getStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
