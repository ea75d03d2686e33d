package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/tidwall/gjson"

	"github.com/aps-mcp/aps-mcp/internal/alias"
	"github.com/aps-mcp/aps-mcp/logging"
)

// The step from APS's answer to what the model sees is projection: the
// tool's result path applied to the answer (projectAnswer) or to each
// listed item (projectItem, merged by the lister), giving the document. A
// result is the MCP envelope around a document (successResult) or around
// a sentence (errorResult).

// projectAnswer applies a single-resource tool's projection to APS's
// answer and returns the document the model sees, working on the raw
// bytes: an object as it is, an array as {"items":[...],"count":N},
// anything else as {"result":v}. The document never shares answer's
// memory, so the caller may reuse answer.
func projectAnswer(t *Tool, answer []byte) ([]byte, error) {
	if len(bytes.TrimSpace(answer)) == 0 {
		answer = []byte("{}")
	}
	if !gjson.ValidBytes(answer) {
		return nil, fmt.Errorf("APS answered with a body that is not JSON")
	}
	if t.Result != "" {
		answer = t.projection.appendTo(nil, alias.String(answer)) // the same projection listings use
	}
	value := gjson.Parse(alias.String(answer))
	raw := value.Raw
	switch {
	case value.IsObject():
		return unindent([]byte(raw)), nil
	case value.IsArray():
		count := 0
		value.ForEach(func(_, _ gjson.Result) bool { count++; return true })
		out := make([]byte, 0, len(raw)+32)
		out = append(out, `{"items":`...)
		out = append(out, unindent([]byte(raw))...)
		out = append(out, `,"count":`...)
		out = strconv.AppendInt(out, int64(count), 10)
		return append(out, '}'), nil
	}
	out := make([]byte, 0, len(raw)+12)
	out = append(out, `{"result":`...)
	out = append(out, raw...)
	return append(out, '}'), nil
}

// pendingDocument is the document of an answer that says "not ready yet".
func pendingDocument(message string) []byte {
	out, _ := json.Marshal(map[string]any{"pending": true, "message": message})
	return out
}

// successResult is a successful call's result: doc as structured content
// and, as the MCP spec asks of tools that return structured content, the
// same JSON as text (a listing's text is compact: see resultFor). The text aliases doc's bytes (see alias.String): doc
// is never written again once it is a result.
func successResult(doc []byte) *mcp.CallToolResult {
	return &mcp.CallToolResult{
		Content:              []mcp.Content{mcp.NewTextContent(alias.String(doc))},
		RawStructuredContent: doc,
	}
}

// redacted is res with what r redacts from logs redacted from it too. A
// document comes back as it is unless it holds a secret; one that
// redaction would leave invalid JSON is withheld.
func redacted(r *logging.Redactor, res *mcp.CallToolResult) *mcp.CallToolResult {
	if doc := res.RawStructuredContent; len(doc) > 0 {
		clean := r.Bytes(doc)
		switch {
		case &clean[0] == &doc[0] && len(clean) == len(doc):
			return res
		case !json.Valid(clean):
			return errorResult("The result held a credential and could not be cleaned of it, so it was withheld.")
		}
		if compactText(res) {
			return compactResult(clean)
		}
		return successResult(clean)
	}
	for i, c := range res.Content {
		if text, ok := c.(mcp.TextContent); ok {
			text.Text = r.String(text.Text)
			res.Content[i] = text
		}
	}
	return res
}

func errorResult(format string, args ...any) *mcp.CallToolResult {
	return mcp.NewToolResultError(fmt.Sprintf(format, args...))
}
