package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestEveryProfileSettingHasAReloadRule: each setting a profile file can
// hold is either applied on reload or refused until a restart, never
// silently ignored, and a setting added later must say which.
func TestEveryProfileSettingHasAReloadRule(t *testing.T) {
	keys := settingKeys(reflect.TypeFor[config.Profile](), "")
	rules := append(slices.Clone(restartOnly), appliedOnReload...)
	slices.Sort(keys)
	slices.Sort(rules)
	if dup := slices.Compact(slices.Clone(rules)); len(dup) != len(rules) {
		t.Errorf("a setting is in both lists or twice in one: %v", rules)
	}
	if !slices.Equal(keys, rules) {
		t.Errorf("profile settings %v\nhave rules for %v", keys, rules)
	}
	for _, key := range rules {
		settingValue(&config.Profile{}, key) // panics on a key that is not a setting
	}
}

// reloadFixture is a profile directory and the emulator its profile
// points at.
type reloadFixture struct{ dir, aps string }

func newReloadFixture(t *testing.T) reloadFixture {
	emu := httptest.NewServer(apsemu.New(apsemu.Options{}))
	t.Cleanup(emu.Close)
	return reloadFixture{dir: t.TempDir(), aps: emu.URL}
}

// write writes a 2lo profile as JSON (which YAML reads), with the
// settings at dotted keys replaced.
func (f reloadFixture) write(t *testing.T, set map[string]any) {
	t.Helper()
	p := map[string]any{
		"description": "reload test",
		"auth":        map[string]any{"kind": "2lo", "scopes": []string{"bucket:read", "data:read"}},
		"server":      map[string]any{"transport": "http", "addr": "127.0.0.1:5000"},
		"tools":       map[string]any{"include": []string{"oss", "model-derivative"}, "read_only": true},
		"aps":         map[string]any{"base_url": f.aps},
	}
	for key, v := range set {
		m := p
		parts := strings.Split(key, ".")
		for _, part := range parts[:len(parts)-1] {
			next, ok := m[part].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[part] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = v
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.dir, "reload.yaml"), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// app serves the profile write wrote.
func (f reloadFixture) app(t *testing.T) *App {
	t.Helper()
	a, err := New(context.Background(), Options{
		ToolsFile: filepath.Join("..", "tools.yaml"), ProfilesDir: f.dir, Profile: "reload", NoReload: true,
		Env: config.EnvFromMap(map[string]string{"APS_CLIENT_ID": apsemu.DemoClientID, "APS_CLIENT_SECRET": apsemu.DemoClientSecret}),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// TestReloadRefusesWhatNeedsARestart: changing a restart-only setting
// refuses the reload, naming the setting, and the running configuration
// stays.
func TestReloadRefusesWhatNeedsARestart(t *testing.T) {
	changes := map[string]any{
		"description":                    "another description",
		"auth.kind":                      "ssa",
		"server.transport":               "stdio",
		"server.addr":                    "127.0.0.1:5999",
		"server.allow_non_loopback":      true,
		"server.auth_token_env":          "RELOAD_TEST_TOKEN",
		"server.allow_unprotected":       true,
		"server.public_url":              "https://mcp.example.com",
		"server.store":                   "redis://127.0.0.1:1/0",
		"server.cache_bytes":             1 << 20,
		"server.share_reads":             false,
		"server.sign_in.allowed_emails":  []string{"someone@example.com"},
		"server.sign_in.allowed_domains": []string{"example.com"},
		"aps.base_url":                   "https://aps.example.com",
		"limits.request_timeout":         "5s",
	}
	if keys := slices.Sorted(func(yield func(string) bool) {
		for k := range changes {
			if !yield(k) {
				return
			}
		}
	}); !slices.Equal(keys, slices.Sorted(slices.Values(restartOnly))) {
		t.Fatalf("the test changes %v; the restart-only settings are %v", keys, restartOnly)
	}
	for key, v := range changes {
		t.Run(key, func(t *testing.T) {
			f := newReloadFixture(t)
			f.write(t, map[string]any{"tools.include": []string{"model-derivative"}})
			a := f.app(t)
			before := settingValue(a.Current().Profile, key)
			f.write(t, map[string]any{"tools.include": []string{"model-derivative"}, key: v})
			err := a.Reload()
			if err == nil || !strings.Contains(err.Error(), key+" needs a restart") {
				t.Fatalf("reload with %s changed: %v; want it refused as needing a restart", key, err)
			}
			if now := settingValue(a.Current().Profile, key); !reflect.DeepEqual(now, before) {
				t.Errorf("%s is %v after the refused reload, want %v", key, now, before)
			}
		})
	}
}

// TestReloadAppliesServerSettings: the server settings a reload once
// ignored (server.max_body_bytes, allowed_hosts, metrics) and the other
// reloadable ones take effect at once.
func TestReloadAppliesServerSettings(t *testing.T) {
	f := newReloadFixture(t)
	f.write(t, nil)
	a := f.app(t)
	h, shutdown := a.HTTPHandler()
	t.Cleanup(func() { _ = shutdown(context.Background()) })
	serve := func(method, path, host, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Host = host
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Accept", "application/json, text/event-stream")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + strings.Repeat(" ", 300)
	for range 5 {
		if rec := serve("POST", "/mcp", "127.0.0.1", initialize); rec.Code != http.StatusOK {
			t.Fatalf("initialize: %d %s", rec.Code, rec.Body)
		}
	}
	if rec := serve("GET", "/healthz", "mcp.example.test", ""); rec.Code != http.StatusForbidden {
		t.Fatalf("an unlisted host before the reload: %d", rec.Code)
	}
	if rec := serve("GET", "/metrics", "127.0.0.1", ""); rec.Code != http.StatusOK {
		t.Fatalf("/metrics before the reload: %d", rec.Code)
	}

	f.write(t, map[string]any{
		"server.max_body_bytes": 200, "server.allowed_hosts": []string{"mcp.example.test"}, "server.metrics": false,
		"server.write_timeout": "7s", "server.drain": "3s", "server.max_sessions": 2, "server.session_idle_timeout": "1h",
		"limits.max_items": 5, "retry.max_attempts": 2,
	})
	if err := a.Reload(); err != nil {
		t.Fatal(err)
	}
	if rec := serve("POST", "/mcp", "127.0.0.1", initialize); rec.Code == http.StatusOK || !strings.Contains(rec.Body.String(), "request body") {
		t.Errorf("a body over server.max_body_bytes: %d %s", rec.Code, rec.Body)
	}
	if rec := serve("GET", "/healthz", "mcp.example.test", ""); rec.Code != http.StatusOK {
		t.Errorf("server.allowed_hosts: the added host got %d", rec.Code)
	}
	if rec := serve("GET", "/metrics", "127.0.0.1", ""); rec.Code != http.StatusNotFound {
		t.Errorf("server.metrics off: /metrics answered %d", rec.Code)
	}
	if st := a.site(); st.writeTimeout() != 7*time.Second || st.drain() != 3*time.Second {
		t.Errorf("write timeout %v, drain %v; want 7s and 3s", st.writeTimeout(), st.drain())
	}
	if n := a.sessions.Len(); n != 2 {
		t.Errorf("server.max_sessions 2: %d sessions kept", n)
	}
	if got := retryPolicy(a.Current().Profile); a.providerSettings(a.Current().Profile).RetryNow() != got || got.MaxAttempts != 2 {
		t.Errorf("token requests retry with %+v, want the reloaded policy", a.providerSettings(a.Current().Profile).RetryNow())
	}
	res := a.MCP.HandleMessage(context.Background(), json.RawMessage(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_buckets"}}`))
	if out, _ := json.Marshal(res); !strings.Contains(string(out), `"structuredContent":{"items":`) || !strings.Contains(string(out), `"count":5`) {
		t.Errorf("limits.max_items 5: %.300s", out)
	}
}
