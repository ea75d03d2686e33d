package main

import (
	"strings"
	"testing"
)

// TestCountTokens: the offline cl100k_base vocabulary loads and counts
// as OpenAI's tokenizer does.
func TestCountTokens(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"hello world", 2},
		{"tiktoken is great!", 6}, // OpenAI's cookbook example
		{"<|endoftext|>", 7},      // a special token's text is read as plain text
	} {
		got, err := countTokens(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("countTokens(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}

// TestToolsListCost counts a tools/list answer's tools array and, apart,
// its output schemas.
func TestToolsListCost(t *testing.T) {
	answer := `{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"a","outputSchema":{"type":"object"}},{"name":"b"}]}}`
	c, names, err := toolsListCostOf("p", []byte(answer), nil)
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := countTokens(`[{"name":"a","outputSchema":{"type":"object"}},{"name":"b"}]`)
	schema, _ := countTokens(`{"type":"object"}`)
	if c.tools != 2 || c.tokens != whole || c.outputSchemaTokens != schema || c.bytes != 60 || len(names) != 2 || names[1] != "b" {
		t.Errorf("got %+v %v, want 2 tools, %d tokens of which %d outputSchema, 60 bytes", c, names, whole, schema)
	}
	if _, _, err := toolsListCostOf("p", []byte(`{"jsonrpc":"2.0","id":2,"error":{"code":-1}}`), nil); err == nil {
		t.Error("an answer without tools was counted")
	}

	// With tools on demand: find_tools's answer adds their names to those
	// served and its text's tokens apart; an error answer is refused.
	found := `{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"hello world"}],` +
		`"structuredContent":{"tools":[{"name":"c"},{"name":"d"}],"count":2}}}`
	c, names, err = toolsListCostOf("p", []byte(answer), []byte(found))
	if err != nil {
		t.Fatal(err)
	}
	if c.onDemand != 2 || c.findAllTokens != 2 || c.tools != 2 || strings.Join(names, ",") != "a,b,c,d" {
		t.Errorf("got %+v %v, want 2 listed, 2 on demand in 2 tokens, names a,b,c,d", c, names)
	}
	if _, _, err := toolsListCostOf("p", []byte(answer), []byte(`{"jsonrpc":"2.0","id":3,"result":{"isError":true,"content":[]}}`)); err == nil {
		t.Error("a find_tools error was counted")
	}
}
