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
		mcp.WithToolAnnotation(mcp.ToolAnnotation{
			Title:           t.Title,
			ReadOnlyHint:    &readOnly,
			DestructiveHint: &destructive,
			IdempotentHint:  &idempotent,
			OpenWorldHint:   &openWorld,
		}),
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
