package ondemand

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/registry"
)

// findTool is find_tools's definition: what it finds, named in its
// description, so the model knows when to look without a call.
func (h *hiddenTools) findTool() mcp.Tool {
	tool := mcp.NewTool(FindTools,
		mcp.WithDescription("Gives the definitions (description, input schema) of these tools, served but not listed, to run "+
			"with call_tool: those with a word of query in their name, description or toolset, or all.\n- "+
			strings.Join(h.toolsetsOf(), "\n- ")),
		mcp.WithRawInputSchema(json.RawMessage(`{"type":"object","properties":{"query":{"type":"string",`+
			`"description":"Words to look for, e.g. rfi."}},"additionalProperties":false}`)),
		mcp.WithToolAnnotation(registry.Hints(true, false, true, false)),
	)
	tool.Title = "Find more tools"
	tool.InputSchema = mcp.ToolInputSchema{}
	tool.RawOutputSchema = json.RawMessage(`{"type":"object","properties":{"tools":{"type":"array"},"count":{"type":"integer"}},` +
		`"required":["tools","count"],"additionalProperties":false}`)
	return tool
}

// found is one tool find_tools gives: its definition as tools/list would.
type found struct {
	Name        string             `json:"name"`
	Title       string             `json:"title,omitempty"`
	Description string             `json:"description,omitempty"`
	InputSchema json.RawMessage    `json:"inputSchema"`
	Annotations mcp.ToolAnnotation `json:"annotations"`
}

// find answers with the hidden tools that match the query's words, those
// matching more words first.
func (h *hiddenTools) find(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	query := req.GetString("query", "")
	words := strings.FieldsFunc(strings.ToLower(query), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	type match struct {
		t     *Tool
		score int
	}
	var matches []match
	for i := range h.tools {
		t := &h.tools[i]
		score := matching(words, t)
		if len(words) == 0 || score > 0 {
			matches = append(matches, match{t, score})
		}
	}
	slices.SortStableFunc(matches, func(a, b match) int { return cmp.Compare(b.score, a.score) })
	out := struct {
		Tools []found `json:"tools"`
		Count int     `json:"count"`
	}{Tools: []found{}}
	for _, m := range matches {
		def, err := definition(m.t.Tool)
		if err != nil {
			return nil, err
		}
		out.Tools = append(out.Tools, def)
	}
	out.Count = len(out.Tools)
	text, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("find_tools: %w", err)
	}
	return mcp.NewToolResultStructured(out, string(text)), nil
}

// definition is t as find_tools gives it.
func definition(t mcp.Tool) (found, error) {
	input := t.RawInputSchema
	if input == nil {
		var err error
		if input, err = json.Marshal(t.InputSchema); err != nil {
			return found{}, fmt.Errorf("find_tools: input schema of %s: %w", t.Name, err)
		}
	}
	return found{Name: t.Name, Title: t.Title, Description: t.Description, InputSchema: input, Annotations: t.Annotations}, nil
}

// matching counts the words found in t's name, title, description or
// toolset; a plural also matches its singular (submittals, submittal).
func matching(words []string, t *Tool) int {
	hay := strings.ToLower(strings.Join([]string{strings.ReplaceAll(t.Tool.Name, "_", " "), t.Tool.Title, t.Tool.Description, t.Toolset}, " "))
	n := 0
	for _, w := range words {
		if strings.Contains(hay, w) || len(w) > 3 && strings.HasSuffix(w, "s") && strings.Contains(hay, w[:len(w)-1]) {
			n++
		}
	}
	return n
}
