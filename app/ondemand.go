package app

import (
	"context"
	"slices"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/ondemand"
	"github.com/aps-mcp/aps-mcp/registry"
)

// ServerTools are the tools l serves, each with the handler handle gives
// it (nil leaves handlers out, for listing only): the profile's tools
// and, when it keeps some out of tools/list (tools.on_demand),
// find_tools and call_tool.
func (l *Loaded) ServerTools(handle func(*registry.Tool) server.ToolHandlerFunc) []server.ServerTool {
	var tools []server.ServerTool
	var hidden []ondemand.Tool
	for _, t := range l.Tools {
		st := server.ServerTool{Tool: t.MCPTool()}
		if handle != nil {
			st.Handler = handle(t)
		}
		tools = append(tools, st)
		if l.OnDemand(t) {
			hidden = append(hidden, ondemand.Tool{ServerTool: st, Toolset: t.Toolset})
		}
	}
	return append(tools, ondemand.Tools(hidden)...)
}

// OnDemand reports whether the profile serves t without listing it.
func (l *Loaded) OnDemand(t *registry.Tool) bool { return !selectionOf(l.Profile).Listed(t) }

// unlisted are the names of the tools l serves on demand.
func (l *Loaded) unlisted() map[string]bool {
	names := map[string]bool{}
	for _, t := range l.Tools {
		if l.OnDemand(t) {
			names[t.Name] = true
		}
	}
	return names
}

// Listed are the tools of ServerTools that tools/list gives, in order.
func (l *Loaded) Listed() []mcp.Tool {
	unlisted := l.unlisted()
	var listed []mcp.Tool
	for _, t := range l.ServerTools(nil) {
		if !unlisted[t.Tool.Name] {
			listed = append(listed, t.Tool)
		}
	}
	return listed
}

// hideUnlisted is an mcp-go hook: it takes the served profile's
// on-demand tools out of a tools/list answer. They stay registered, so
// a tools/call naming one still runs it (mcp-go's tool filters would
// refuse that too).
func (a *App) hideUnlisted(_ context.Context, _ any, _ *mcp.ListToolsRequest, result *mcp.ListToolsResult) {
	a.mu.Lock()
	unlisted := a.unlisted
	a.mu.Unlock()
	if len(unlisted) > 0 && result != nil {
		result.Tools = slices.DeleteFunc(result.Tools, func(t mcp.Tool) bool { return unlisted[t.Name] })
	}
}
