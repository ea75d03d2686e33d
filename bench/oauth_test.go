package main

import (
	"context"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// serveProfile serves profile in process against the emulator at emuURL
// on a loopback port, with env naming that address ("ADDR" in a value is
// replaced by it), and returns the MCP endpoint.
func serveProfile(t *testing.T, emuURL, profile string, env map[string]string) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"APS_BASE_URL": emuURL, "APS_CLIENT_ID": apsemu.DemoClientID, "APS_CLIENT_SECRET": apsemu.DemoClientSecret}
	for k, v := range env {
		vars[k] = strings.ReplaceAll(v, "ADDR", ln.Addr().String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, app.Options{ToolsFile: filepath.Join(root, "tools.yaml"), ProfilesDir: filepath.Join(root, "profiles"),
		Profile: profile, Env: config.EnvFromMap(vars), Logger: slog.New(slog.DiscardHandler), NoReload: true})
	if err != nil {
		cancel()
		ln.Close()
		t.Fatalf("%s: %v", profile, err)
	}
	done := make(chan error, 1)
	go func() { done <- a.ServeListener(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s server: %v", profile, err)
		}
		a.Close()
	})
	return "http://" + ln.Addr().String() + app.MCPPath
}

// TestOAuthPathsSignInAndCall: the 3lo server signs in through its link
// and lists the person's hubs; the team server hands out access tokens
// through the whole OAuth flow, each sign-in its own, with which the raw
// client lists the same hubs; without a token, or with a made-up one, the
// team server refuses the call. Tokens go back to the pool and are reused.
func TestOAuthPathsSignInAndCall(t *testing.T) {
	emu := apsemu.New(apsemu.Options{})
	es := httptest.NewServer(emu)
	defer es.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	plain := serveProfile(t, es.URL, "3lo", map[string]string{"APS_CALLBACK_URL": "http://ADDR/callback"})
	hubs, err := signInThreeLegged(ctx, plain)
	if err != nil {
		t.Fatal(err)
	}
	if hubs < 1 {
		t.Fatalf("%s lists %d hubs after the 3lo sign-in", oauthTool, hubs)
	}
	rc, err := dialRaw(ctx, plain, modernProtocol, hubsCall(hubs))
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.call(ctx); err != nil {
		t.Errorf("3lo, signed in: %v", err)
	}
	rc.close()

	team := serveProfile(t, es.URL, "team", map[string]string{"APS_MCP_PUBLIC_URL": "http://ADDR"})
	root := strings.TrimSuffix(team, "/mcp")
	pool := &bearerPool{signIn: func(ctx context.Context) (string, error) { return signInTeam(ctx, root) }}
	p := bearerPath(teamOAuthName, team, hubsCall(hubs), pool)
	var callers []caller
	for range 2 {
		c, proto, err := p.connect(ctx)
		if err != nil || proto != modernProtocol {
			t.Fatalf("team connect: %q, %v", proto, err)
		}
		callers = append(callers, c)
		for range 2 {
			if err := c.call(ctx); err != nil {
				t.Errorf("team, with a bearer token: %v", err)
			}
		}
	}
	if a, b := callers[0].(*pooledCaller).auth[1], callers[1].(*pooledCaller).auth[1]; a == b {
		t.Error("two clients share one access token")
	}
	for _, c := range callers {
		c.close()
	}
	c, _, err := p.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.close()
	if n := pool.count(); n != 2 {
		t.Errorf("%d sign-ins for two clients and a third after they closed, want 2", n)
	}
	if n := emu.CodeExchanges(); n != 3 {
		t.Errorf("APS code exchanges = %d, want the 3lo sign-in and two team sign-ins", n)
	}

	for _, tok := range []string{"", "made-up-token"} {
		c, err := dialRawBearer(ctx, team, modernProtocol, hubsCall(hubs), tok)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.call(ctx); err == nil || !strings.Contains(err.Error(), "HTTP 401") {
			t.Errorf("team, token %q: call returned %v, want HTTP 401", tok, err)
		}
		c.close()
	}
}
