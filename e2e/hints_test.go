package e2e_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestErrorHints: each known kind of APS refusal comes back with APS's
// message and a sentence saying what to do.
func TestErrorHints(t *testing.T) {
	t.Run("missing scope", func(t *testing.T) {
		_, base := emulator(t, apsemu.Options{})
		// A catalogue mistake: list_buckets declared with data:read, which
		// the profile holds but APS does not accept for it.
		shipped, _ := os.ReadFile(filepath.Join(repoRoot, "tools.yaml"))
		wrong := strings.Replace(string(shipped), "scopes: [bucket:read]", "scopes: [data:read]", 1)
		toolsFile := filepath.Join(t.TempDir(), "tools.yaml")
		must(t, os.WriteFile(toolsFile, []byte(wrong), 0o600))
		profiles := testProfiles(t, "")
		profile := filepath.Join(profiles, "2lo.yaml")
		body, _ := os.ReadFile(profile)
		must(t, os.WriteFile(profile, []byte(strings.Replace(string(body), "scopes: [bucket:read, data:read]", "scopes: [data:read]", 1)), 0o600))
		c := httpClient(t, startServer(t, base, serverOptions{toolsFile: toolsFile, profilesDir: profiles}))
		r := callTool(t, c, "list_buckets", nil)
		wantAll(t, r, "403", "AUTH-010", "lacks a scope", "profile 2lo", "auth.scopes")
	})
	t.Run("app not provisioned", func(t *testing.T) {
		_, base := emulator(t, apsemu.Options{Clients: []apsemu.Client{{ID: apsemu.DemoClientID, Secret: apsemu.DemoClientSecret, NoAPIAccess: []string{"/oss/"}}}})
		c := httpClient(t, startServer(t, base, serverOptions{}))
		wantAll(t, callTool(t, c, "list_buckets", nil), "403", "AUTH-001", "not provisioned for this API", "custom integration")
	})
	t.Run("rate limited after retries", func(t *testing.T) {
		emu, base := emulator(t, apsemu.Options{})
		c := httpClient(t, startServer(t, base, serverOptions{profilesDir: testProfiles(t, "retry: {max_attempts: 3, base_delay: 1ms, max_delay: 2ms, max_wait: 3s}\n")}))
		emu.SetFaults(apsemu.Faults{Rate429: 1, RetryAfter: time.Second})
		wantAll(t, callTool(t, c, "list_buckets", nil), "429", "Quota limit exceeded", "rate limiting", "after 2 retries", "asked to wait 1s")
	})
	t.Run("not found", func(t *testing.T) {
		_, base := emulator(t, apsemu.Options{})
		c := httpClient(t, startServer(t, base, serverOptions{}))
		wantAll(t, callTool(t, c, "list_objects", map[string]any{"bucket_key": "no-such-bucket"}),
			"404", "Bucket not found", `check bucket_key ("no-such-bucket"), which list_buckets returns.`)
	})
	t.Run("an item id where a version belongs", func(t *testing.T) {
		// The id list_folder_contents gives a file, handed to Model
		// Derivative, which translates versions.
		emu, base := emulator(t, apsemu.Options{})
		c := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))
		const item = "urn:adsk.wipprod:dm.lineage:hC6k4hndRWaeIVhIjvHu8w"
		r := callTool(t, c, "get_manifest", map[string]any{"urn": item})
		wantAll(t, r, "404", `urn ("`+item+`") is an item (lineage) id`,
			"pass the derivative_urn of one of its versions, which get_item_tip, get_version or list_item_versions returns")
		if encoded := base64.RawURLEncoding.EncodeToString([]byte(item)); strings.Contains(r.text, encoded) {
			t.Errorf("the hint shows the urn encoded: %s", r.text)
		}
	})
	t.Run("wrong region", func(t *testing.T) {
		// APS-compatible host whose OSS answers as a region-bound service
		// does when asked in the wrong region.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/authentication/v2/token" {
				json.NewEncoder(w).Encode(map[string]any{"access_token": "x", "token_type": "Bearer", "expires_in": 3599})
				return
			}
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"reason": "Bucket is in region EMEA; send the request to that region"})
		}))
		t.Cleanup(srv.Close)
		c := httpClient(t, startServer(t, srv.URL, serverOptions{}))
		wantAll(t, callTool(t, c, "list_buckets", nil), "400", "region EMEA", "another APS region", "pass region")
	})
}

func wantAll(t *testing.T, r toolResult, parts ...string) {
	t.Helper()
	if !r.isError {
		t.Fatalf("want an isError result, got %v", r.structured)
	}
	for _, p := range parts {
		if !strings.Contains(r.text, p) {
			t.Errorf("error %q lacks %q", r.text, p)
		}
	}
}
