package e2e_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// readyz returns /readyz's status and body for an MCP endpoint's server.
func readyz(t *testing.T, root string) (int, string) {
	t.Helper()
	resp, err := http.Get(strings.TrimSuffix(root, "/mcp") + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestReadinessChecksCredentials: at start the server asks APS for one
// token where its kind has credentials of its own (2lo, ssa), and /readyz
// says whether APS issued it; kinds that act as a person (3lo, a team
// server's sign-in) have nothing to check without one and are ready.
func TestReadinessChecksCredentials(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	tests := []struct {
		name       string
		o          serverOptions
		ready      bool
		tokens     int64 // token requests it makes at start
		exchanges  int64 // JWT exchanges (ssa)
		wantInBody string
	}{
		{name: "2lo", o: serverOptions{}, ready: true, tokens: 1},
		{name: "2lo with a wrong secret", o: serverOptions{env: map[string]string{"APS_CLIENT_SECRET": "wrong-secret-value-1234"}}, tokens: 1, wantInBody: "APS refused this server's credentials"},
		{name: "ssa", o: serverOptions{profile: "ssa", emu: emu}, ready: true, tokens: 1, exchanges: 1},
		{name: "3lo", o: serverOptions{profile: "3lo"}, ready: true},
		{name: "team (3lo per person)", o: serverOptions{profile: "team", public: true}, ready: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tokens, exchanges := emu.TokenRequests(), emu.JWTExchanges()
			status, body := readyz(t, startServer(t, base, tc.o))
			if ready := status == http.StatusOK; ready != tc.ready || !strings.Contains(body, tc.wantInBody) {
				t.Errorf("/readyz = %d %q; want ready %v, saying %q", status, body, tc.ready, tc.wantInBody)
			}
			if n, m := emu.TokenRequests()-tokens, emu.JWTExchanges()-exchanges; n != tc.tokens || m != tc.exchanges {
				t.Errorf("at start: %d token requests and %d JWT exchanges, want %d and %d", n, m, tc.tokens, tc.exchanges)
			}
		})
	}
}

// TestEmulatorServerIsReady: --emulator checks its credentials against the
// built-in emulator and is ready.
func TestEmulatorServerIsReady(t *testing.T) {
	r := startReplica(t, map[string]string{}, "--emulator")
	if status, body := readyz(t, r.URL.String()); status != http.StatusOK {
		t.Errorf("/readyz with --emulator = %d %s", status, body)
	}
}
