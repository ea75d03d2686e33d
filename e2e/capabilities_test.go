package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestServerCapabilities: initialize advertises tools (with list_changed)
// and nothing that is the client's to offer: elicitation is a client
// capability, which the 3lo sign-in uses when the client declares it.
func TestServerCapabilities(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	c, err := client.NewStreamableHttpClient(startServer(t, base, serverOptions{profile: "3lo"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := c.Initialize(ctx, initRequest())
	if err != nil {
		t.Fatal(err)
	}
	caps := res.Capabilities
	if caps.Tools == nil || !caps.Tools.ListChanged {
		t.Errorf("tools capability = %+v, want listChanged", caps.Tools)
	}
	if caps.Elicitation != nil || caps.Sampling != nil || caps.Roots != nil {
		t.Errorf("the server advertises client capabilities: elicitation %v, sampling %v, roots %v", caps.Elicitation, caps.Sampling, caps.Roots)
	}
}
