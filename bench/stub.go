package main

import (
	"context"
	"encoding/json"
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
// file holding the result (stubResult, as JSON).
const serveStubFlag = "serve-mcp-stub"

// stubName labels the stub's rows.
const stubName = "mcp-go alone (no APS call)"

// stubResult is the result the stub answers with: aps-mcp's text content
// and structuredContent.
type stubResult struct {
	Text       string          `json:"text"`
	Structured json.RawMessage `json:"structured"`
}

func serveMCPStub(resultFile string) error {
	raw, err := os.ReadFile(resultFile)
	if err != nil {
		return err
	}
	var r stubResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("stub result %s: %w", resultFile, err)
	}
	s := server.NewMCPServer("aps-mcp-bench-stub", "1",
		server.WithToolCapabilities(true), server.WithRecovery(), server.WithElicitation())
	s.AddTool(mcp.NewTool(benchTool, mcp.WithDescription("The result aps-mcp returned, as it is.")),
		func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			// As aps-mcp builds it: the text and the structured content.
			return &mcp.CallToolResult{
				Content:              []mcp.Content{mcp.NewTextContent(r.Text)},
				RawStructuredContent: r.Structured,
			}, nil
		})
	return serveChild(server.NewStreamableHTTPServer(s, server.WithEndpointPath("/mcp")))
}

// startStubProcess starts the stub answering with r.
func startStubProcess(ctx context.Context, dir string, r stubResult) (*child, error) {
	doc, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "stub-result-*.json")
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(doc); err != nil {
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
