package e2e_test

import (
	"testing"

	"github.com/mark3labs/mcp-go/client"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestColdServerFetchesOneToken: 100 concurrent calls on a server that has
// no token yet make exactly one token request between them.
func TestColdServerFetchesOneToken(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	url := startServer(t, base, serverOptions{})
	const clients, callsPerClient = 4, 25
	cs := make([]*client.Client, clients)
	for i := range cs {
		cs[i] = httpClient(t, url)
	}
	if n := emu.TokenRequests(); n != 0 {
		t.Fatalf("token requests before any call = %d, want 0 (tokens are fetched lazily)", n)
	}
	callConcurrently(t, cs, clients*callsPerClient, "list_buckets", nil)
	if n := emu.TokenRequests(); n != 1 {
		t.Errorf("token requests after %d concurrent calls = %d, want 1", clients*callsPerClient, n)
	}
}

// TestRejectedTokenIsReplacedOnce: when APS stops accepting the cached
// token, the call fetches a new one and succeeds.
func TestRejectedTokenIsReplacedOnce(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{}))
	items(t, callTool(t, c, "list_buckets", nil))
	emu.RevokeTokens()
	items(t, callTool(t, c, "list_buckets", nil))
	if n := emu.TokenRequests(); n != 2 {
		t.Errorf("token requests = %d, want 2 (one at start, one after the revocation)", n)
	}
}
