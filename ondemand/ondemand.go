// Package ondemand serves tools without listing them. Every tool a
// client lists costs the model's context on every turn, used or not; a
// profile may keep its rarely needed tools out of tools/list
// (tools.on_demand) and offer two tools in their place: find_tools,
// whose description names them and whose result is their definitions,
// and call_tool, which runs one of them. A client needs nothing beyond
// tools/list and tools/call for this, and nothing is kept between calls,
// so it works over stateless HTTP and across a team server's replicas.
//
// The hidden tools stay registered, so a client that knows one's name
// (a script, aps-mcp call) may call it directly too.
package ondemand

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/registry"
)

// The names of the two tools, which tools.yaml may not declare.
const (
	FindTools = registry.FindTools
	CallTool  = registry.CallTool
)

// Tool is a tool served but not listed, with the toolset it belongs to.
type Tool struct {
	server.ServerTool
	Toolset string
}

// Tools returns find_tools and call_tool for hidden; find_tools names
// them by toolset, in their order. A nil handler in hidden is fine when
// the tools are only to be listed.
func Tools(hidden []Tool) []server.ServerTool {
	if len(hidden) == 0 {
		return nil
	}
	h := &hiddenTools{tools: hidden}
	return []server.ServerTool{
		{Tool: h.findTool(), Handler: h.find},
		{Tool: h.callTool(), Handler: h.call},
	}
}

type hiddenTools struct {
	tools []Tool
}

func (h *hiddenTools) lookup(name string) *Tool {
	for i := range h.tools {
		if h.tools[i].Tool.Name == name {
			return &h.tools[i]
		}
	}
	return nil
}

// call runs the hidden tool the arguments name, with the arguments given
// for it, and answers with its result as it is.
func (h *hiddenTools) call(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	name := req.GetString("name", "")
	t := h.lookup(name)
	if t == nil {
		return mcp.NewToolResultError(fmt.Sprintf("argument name: %q is none of the tools find_tools finds: %s (a tool tools/list gives is called directly)",
			name, strings.Join(h.names(), ", "))), nil
	}
	inner := req
	inner.Params.Name = name
	inner.Params.Arguments = nil
	switch args := req.GetArguments()["arguments"].(type) {
	case nil:
	case map[string]any:
		inner.Params.Arguments = args
	default:
		return mcp.NewToolResultError(fmt.Sprintf("argument arguments: must be an object of %s's arguments, got %s", name, registry.JSONType(args))), nil
	}
	if t.Handler == nil {
		return nil, fmt.Errorf("call_tool: %s has no handler", name)
	}
	return t.Handler(ctx, inner)
}

func (h *hiddenTools) names() []string {
	names := make([]string, len(h.tools))
	for i, t := range h.tools {
		names[i] = t.Tool.Name
	}
	return names
}

// callTool is call_tool's definition. Its hints are the hidden tools'
// taken together: read-only only if all are, destructive if any is,
// idempotent only if all are, so a client's approval rules see the worst
// a call may do.
func (h *hiddenTools) callTool() mcp.Tool {
	readOnly, destructive, idempotent := true, false, true
	for _, t := range h.tools {
		a := t.Tool.Annotations
		readOnly = readOnly && isTrue(a.ReadOnlyHint)
		// The spec's defaults for a tool that writes: destructive, not idempotent.
		destructive = destructive || !isTrue(a.ReadOnlyHint) && (a.DestructiveHint == nil || *a.DestructiveHint)
		idempotent = idempotent && (isTrue(a.ReadOnlyHint) || isTrue(a.IdempotentHint))
	}
	tool := mcp.NewTool(CallTool,
		mcp.WithDescription("Runs a tool that find_tools found, with its arguments."),
		mcp.WithRawInputSchema(json.RawMessage(`{"type":"object","properties":{`+
			`"name":{"type":"string","description":"The tool's name, as find_tools gives it."},`+
			`"arguments":{"type":"object","description":"Its arguments, as its input schema asks."}},`+
			`"required":["name"],"additionalProperties":false}`)),
		mcp.WithToolAnnotation(registry.Hints(readOnly, destructive, idempotent, true)),
	)
	tool.Title = "Run a tool found with find_tools"
	tool.InputSchema = mcp.ToolInputSchema{} // the raw schema wins
	return tool
}

func isTrue(b *bool) bool { return b != nil && *b }

// toolsetsOf lists the toolsets of the hidden tools, each with its
// tools' names: the names say what each does, and a model reads them on
// every turn, so nothing more.
func (h *hiddenTools) toolsetsOf() []string {
	byToolset := map[string][]string{}
	var order []string
	for _, t := range h.tools {
		if !slices.Contains(order, t.Toolset) {
			order = append(order, t.Toolset)
		}
		byToolset[t.Toolset] = append(byToolset[t.Toolset], t.Tool.Name)
	}
	lines := make([]string, len(order))
	for i, name := range order {
		lines[i] = name + ": " + strings.Join(byToolset[name], ", ")
	}
	return lines
}
