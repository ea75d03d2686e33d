package main

import (
	"context"
	"fmt"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// The MCP layer alone: an mcp-go server, configured as aps-mcp's is, whose
// list_buckets answers the very result the real server returned, with no
// APS request behind it. Loaded like the server, it shows what mcp-go's
// streamable HTTP transport costs per call for this result on this
// machine: the part of a call aps-mcp cannot go below while it is built on
// mcp-go.

// serveStubFlag makes this program the stub process; its value is the
// file holding the result's JSON.
const serveStubFlag = "serve-mcp-stub"

// stubName labels the stub's rows.
const stubName = "mcp-go alone (no APS call)"

func serveMCPStub(docFile string) error {
	doc, err := os.ReadFile(docFile)
	if err != nil {
		return err
	}
	s := server.NewMCPServer("aps-mcp-bench-stub", "1",
		server.WithToolCapabilities(true), server.WithRecovery(), server.WithElicitation())
	s.AddTool(mcp.NewTool(benchTool, mcp.WithDescription("The result aps-mcp returned, as it is.")),
		func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			// As aps-mcp builds it: the JSON as structured content and as text.
			return &mcp.CallToolResult{
				Content:              []mcp.Content{mcp.NewTextContent(string(doc))},
				RawStructuredContent: doc,
			}, nil
		})
	return serveChild(server.NewStreamableHTTPServer(s, server.WithEndpointPath("/mcp")))
}

// startStubProcess starts the stub answering with doc.
func startStubProcess(ctx context.Context, dir, doc string) (*child, error) {
	f, err := os.CreateTemp(dir, "stub-result-*.json")
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(doc); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	c, err := startChild(ctx, "-"+serveStubFlag, f.Name())
	if err != nil {
		return nil, fmt.Errorf("mcp-go stub: %w", err)
	}
	c.url += "/mcp"
	return c, nil
}
