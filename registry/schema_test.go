package registry

import (
	"encoding/json"
	"testing"
)

// TestHintsLeaveDefaultsOut: the annotations as the server writes them
// state only what differs from the MCP spec's defaults (readOnlyHint
// false, destructiveHint true, idempotentHint false, openWorldHint true),
// and nothing but readOnlyHint for a read-only tool, where the other two
// mean nothing; a client applying the defaults reads the tool exactly.
func TestHintsLeaveDefaultsOut(t *testing.T) {
	tests := []struct {
		name                                         string
		readOnly, destructive, idempotent, openWorld bool
		want                                         string
	}{
		{"a read", true, false, true, true, `{"readOnlyHint":true}`},
		{"a read of no outside world", true, false, true, false, `{"readOnlyHint":true,"openWorldHint":false}`},
		{"a read whatever the write hints say", true, true, false, true, `{"readOnlyHint":true}`},
		{"a delete", false, true, true, true, `{"idempotentHint":true}`},
		{"a create", false, false, false, true, `{"destructiveHint":false}`},
		{"an update", false, false, true, true, `{"destructiveHint":false,"idempotentHint":true}`},
		{"a destructive POST", false, true, false, true, `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(Hints(tc.readOnly, tc.destructive, tc.idempotent, tc.openWorld))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("annotations %s, want %s", got, tc.want)
			}
		})
	}
}

// TestMCPToolTitleOnce: the title is the tool's own, not said again in
// its annotations.
func TestMCPToolTitleOnce(t *testing.T) {
	c, err := Load(writeCatalog(t, goodTool), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	tool := c.Tools["list_objects"].MCPTool()
	if tool.Title == "" || tool.Annotations.Title != "" {
		t.Errorf("title %q, annotations.title %q: want the title once, as the tool's", tool.Title, tool.Annotations.Title)
	}
}
