package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// SignInFirst makes sure a provider that acts as a signed-in person has
// one before a one-off call: it writes the sign-in link to prompt, serves
// the callback on the redirect URI's loopback port and waits until the
// person has signed in (or ctx ends). Other providers need nothing.
func (a *App) SignInFirst(ctx context.Context, prompt io.Writer) error {
	provider := a.currentProvider()
	if _, ok := provider.(authproviders.CallbackServer); !ok {
		return nil
	}
	_, err := provider.Token(ctx)
	var login *authproviders.LoginRequiredError
	if !errors.As(err, &login) {
		return err // signed in already (nil), or a real failure
	}
	stop, err := a.serveCallback(ctx, nil)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(prompt, "Sign in to Autodesk Platform Services in your browser:\n  %s\nWaiting for the sign-in (Ctrl-C stops)...\n", login.URL)
	if err := login.Wait(ctx); err != nil {
		return fmt.Errorf("waiting for the sign-in: %w", err)
	}
	return nil
}

// Call runs one tool through an in-process MCP client, so the call takes
// the same path as one from a real client: argument checks, handler,
// result encoding. args is the JSON object of arguments ("" means none).
func (a *App) Call(ctx context.Context, tool string, args string) (*mcp.CallToolResult, error) {
	var arguments map[string]any
	if args != "" {
		if err := json.Unmarshal([]byte(args), &arguments); err != nil {
			return nil, fmt.Errorf("arguments must be a JSON object: %w", err)
		}
	}
	c, err := client.NewInProcessClient(a.MCP)
	if err != nil {
		return nil, fmt.Errorf("in-process client: %w", err)
	}
	defer c.Close()
	if err := c.Start(ctx); err != nil {
		return nil, fmt.Errorf("starting in-process client: %w", err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: ServerName + "-call", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		return nil, fmt.Errorf("initializing: %w", err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = arguments
	return c.CallTool(ctx, req)
}
