package app

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

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
