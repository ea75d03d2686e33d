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

// indent pretty-prints text when it is JSON and returns it unchanged
// otherwise.
func indent(text string) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(text), "", "  "); err != nil {
		return text
	}
	return buf.String()
}
