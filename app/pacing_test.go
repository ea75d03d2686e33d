package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/redistest"
)

// startForPacing starts an app of profile with env on top of the
// credentials every profile needs, closed when the test ends.
func startForPacing(t *testing.T, profile string, env map[string]string) *App {
	t.Helper()
	vars := map[string]string{"APS_CLIENT_ID": "app-one", "APS_CLIENT_SECRET": "secret-value", "APS_BASE_URL": "http://127.0.0.1:9"}
	for k, v := range env {
		vars[k] = v
	}
	a, err := New(context.Background(), Options{
		ToolsFile: filepath.Join("..", "tools.yaml"), ProfilesDir: filepath.Join("..", "profiles"), Profile: profile,
		Env: config.EnvFromMap(vars), NoReload: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// TestPacingIsSharedThroughTheTeamStore: two team servers on one Redis book
// their budgets in the same windows, for the app's client ID; a server
// without a team store books in its own memory.
func TestPacingIsSharedThroughTheTeamStore(t *testing.T) {
	team := map[string]string{"APS_MCP_STORE": redistest.Start(t), "APS_MCP_STORE_KEY": validKey, "APS_MCP_PUBLIC_URL": "http://127.0.0.1:8443"}
	one, two := startForPacing(t, "team", team), startForPacing(t, "team", team)
	alone := startForPacing(t, "2lo", nil)
	for _, a := range []*App{one, two, alone} {
		if a.pacing == nil || a.pacing.App != "app-one" || a.pacing.User == nil {
			t.Fatalf("pacing %+v, want one for app-one that keeps per-user budgets", a.pacing)
		}
	}
	ctx := context.Background()
	if _, ok, err := one.pacing.Slots.Reserve(ctx, "k", 1, time.Minute, 0); !ok || err != nil {
		t.Fatalf("first booking: %v %v", ok, err)
	}
	if wait, ok, err := two.pacing.Slots.Reserve(ctx, "k", 1, time.Minute, 0); ok || err != nil || wait < 50*time.Second {
		t.Errorf("the other replica's booking: wait %v, ok %v, %v; want it to see the first's and wait about a minute", wait, ok, err)
	}
	if _, ok, err := alone.pacing.Slots.Reserve(ctx, "k", 1, time.Minute, 0); !ok || err != nil {
		t.Errorf("a server of its own shares the team's slots: %v %v", ok, err)
	}
}
