package cli

import (
	"bytes"
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"
)

// resultTexts returns the text parts of a tool result.
func resultTexts(res *mcp.CallToolResult) []string {
	var out []string
	for _, c := range res.Content {
		if t, ok := mcp.AsTextContent(c); ok {
			out = append(out, t.Text)
		}
	}
	return out
}

// structuredJSON is the result's structured content as JSON, or nil
// when it has none.
func structuredJSON(res *mcp.CallToolResult) []byte {
	if len(res.RawStructuredContent) > 0 {
		return res.RawStructuredContent
	}
	if res.StructuredContent == nil {
		return nil
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		return nil
	}
	return b
}

// indent pretty-prints text when it is JSON and returns it unchanged
// otherwise.
func indent(text string) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(text), "", "  "); err != nil {
		return text
	}
	return buf.String()
}
