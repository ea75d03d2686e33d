package e2e_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestColdServerFetchesOneToken: the server checks its credentials at
// start with one token request, and 100 concurrent calls on a cold token
// cache (the token due for renewal) make exactly one token request between
// them.
func TestColdServerFetchesOneToken(t *testing.T) {
	// Tokens the server holds for 2s and renews after 1.8s.
	emu, base := emulator(t, apsemu.Options{TokenTTL: 2500 * time.Millisecond})
	url := startServer(t, base, serverOptions{})
	if s := getStatus(t, strings.TrimSuffix(url, "/mcp")+"/readyz"); s != http.StatusOK {
		t.Fatalf("/readyz = %d", s)
	}
	if n := emu.TokenRequests(); n != 1 {
		t.Fatalf("token requests before any call = %d, want 1 (the credential check at start)", n)
	}
	const clients, callsPerClient = 4, 25
	cs := make([]*client.Client, clients)
	for i := range cs {
		cs[i] = httpClient(t, url)
	}
	time.Sleep(2 * time.Second) // past the renewal: the cache is cold
	callConcurrently(t, cs, clients*callsPerClient, "list_buckets", nil)
	if n := emu.TokenRequests() - 1; n != 1 {
		t.Errorf("token requests after %d concurrent calls on a cold cache = %d, want 1", clients*callsPerClient, n)
	}
}

// TestRejectedTokenIsReplacedOnce: when APS stops accepting the cached
// token, the call fetches a new one and succeeds.
func TestRejectedTokenIsReplacedOnce(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{}))
	items(t, callTool(t, c, "list_objects", map[string]any{"bucket_key": demoBucket})) // a read no tool caches
	emu.RevokeTokens()
	items(t, callTool(t, c, "list_objects", map[string]any{"bucket_key": demoBucket}))
	if n := emu.TokenRequests(); n != 2 {
		t.Errorf("token requests = %d, want 2 (one at start, one after the revocation)", n)
	}
}
