package registry

import (
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"
)

// buildInputSchema renders the tool's parameters as one flat JSON Schema
// object that refuses unknown properties. It is built once, at load.
func buildInputSchema(t *Tool) []byte {
	props := make(map[string]any, len(t.Params))
	var required []string
	for _, name := range t.argNames {
		p := t.Params[name]
		prop := map[string]any{"type": p.Type, "description": p.Description}
		constraints := prop // where enum, pattern and bounds go: the value, or an array's items
		if p.Type == "array" {
			constraints = map[string]any{"type": p.itemType()}
			prop["items"] = constraints
		}
		if len(p.Enum) > 0 {
			constraints["enum"] = p.Enum
		}
		if p.Pattern != "" {
			constraints["pattern"] = p.Pattern
		}
		if p.Minimum != nil {
			constraints["minimum"] = *p.Minimum
		}
		if p.Maximum != nil {
			constraints["maximum"] = *p.Maximum
		}
		if p.Default != nil {
			prop["default"] = p.Default
		}
		props[name] = prop
		if p.Required {
			required = append(required, name)
		}
	}
	if t.Paginate != nil {
		addListArgs(props)
	}
	schema := map[string]any{
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
	if len(required) > 0 {
		schema["required"] = required
	}
	b, err := json.Marshal(schema)
	if err != nil {
		panic("registry: schema of plain values failed to marshal: " + err.Error())
	}
	return b
}

// MCPTool is the tool as MCP clients see it in tools/list.
func (t *Tool) MCPTool() mcp.Tool {
	readOnly := t.ReadOnly()
	destructive := t.Destructive()
	idempotent := t.Idempotent()
	openWorld := true // every tool reaches APS
	if a := t.Annotations; a != nil {
		openWorld = pick(a.OpenWorld, openWorld)
	}
	tool := mcp.NewTool(t.Name,
		mcp.WithDescription(t.Description),
		mcp.WithRawInputSchema(json.RawMessage(t.schema)),
		// The title is the tool's own (Tool.title); annotations.title,
		// which only clients of protocol versions before 2025-06-18 read,
		// would say it again in every listing.
		mcp.WithToolAnnotation(Hints(readOnly, destructive, idempotent, openWorld)),
	)
	tool.Title = t.Title
	// NewTool fills InputSchema with an empty object; the raw schema wins.
	tool.InputSchema = mcp.ToolInputSchema{}
	tool.RawOutputSchema = json.RawMessage(t.output)
	return tool
}

func pick(override *bool, derived bool) bool {
	if override != nil {
		return *override
	}
	return derived
}

// Hints are the annotations of a tool with these properties, as the
// MCP spec reads them: what equals its default is left out (readOnlyHint
// false, destructiveHint true, idempotentHint false, openWorldHint true),
// and destructiveHint and idempotentHint, which mean something only for
// a tool that is not read-only, are left out of a read-only one.
func Hints(readOnly, destructive, idempotent, openWorld bool) mcp.ToolAnnotation {
	var a mcp.ToolAnnotation
	if readOnly {
		a.ReadOnlyHint = mcp.ToBoolPtr(true)
	} else {
		if !destructive {
			a.DestructiveHint = mcp.ToBoolPtr(false)
		}
		if idempotent {
			a.IdempotentHint = mcp.ToBoolPtr(true)
		}
	}
	if !openWorld {
		a.OpenWorldHint = mcp.ToBoolPtr(false)
	}
	return a
}
