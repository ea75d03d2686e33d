package main

import "testing"

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
	c, names, err := toolsListCostOf("p", []byte(answer))
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := countTokens(`[{"name":"a","outputSchema":{"type":"object"}},{"name":"b"}]`)
	schema, _ := countTokens(`{"type":"object"}`)
	if c.tools != 2 || c.tokens != whole || c.outputSchemaTokens != schema || c.bytes != 60 || len(names) != 2 || names[1] != "b" {
		t.Errorf("got %+v %v, want 2 tools, %d tokens of which %d outputSchema, 60 bytes", c, names, whole, schema)
	}
	if _, _, err := toolsListCostOf("p", []byte(`{"jsonrpc":"2.0","id":2,"error":{"code":-1}}`)); err == nil {
		t.Error("an answer without tools was counted")
	}
}
