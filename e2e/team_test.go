package e2e_test

import (
	"context"
	"strings"
	"testing"

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
