package registry

import (
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/listtext"
)

// The MCP spec asks a tool that returns structured content to return the
// serialized JSON as text too, for clients that read only the text. For
// a listing that text is what most clients put in the model's context,
// and JSON repeats every key in every item. A listing's text is
// therefore the compact form of package listtext: the same document,
// keys once in a header and one line of JSON values per item, which
// listtext.Parse turns back into the JSON exactly. structuredContent is
// the JSON document itself, as the output schema declares it. Every
// other result's text is the JSON.

// resultFor is t's successful result around doc.
func resultFor(t *Tool, doc []byte) *mcp.CallToolResult {
	if !listsItems(t) {
		return successResult(doc)
	}
	return compactResult(doc)
}

// compactResult is successResult with the listing's compact text, or the
// JSON when the document is not one the form holds.
func compactResult(doc []byte) *mcp.CallToolResult {
	text, ok := listtext.Text(doc)
	if !ok {
		return successResult(doc)
	}
	return &mcp.CallToolResult{
		Content:              []mcp.Content{mcp.NewTextContent(text)},
		RawStructuredContent: doc,
	}
}

// listsItems reports a tool whose documents are the server's listing
// envelope: a paginated listing, or an answer projected to an array.
func listsItems(t *Tool) bool {
	if t.Paginate != nil {
		return true
	}
	shape, _ := projectionShape(t.Result)
	return shape == shapeArray
}

// compactText reports a result whose text is the compact form: JSON
// text starts with the document's brace, the compact form with a name.
func compactText(res *mcp.CallToolResult) bool {
	if len(res.Content) == 0 {
		return false
	}
	text, ok := res.Content[0].(mcp.TextContent)
	return ok && text.Text != "" && text.Text[0] != '{'
}
