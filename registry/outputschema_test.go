package registry

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/internal/schematest"
)

// conforms fails the test when a successful result's structured content
// does not hold to the tool's output schema, as the MCP spec requires.
// The tests' helpers that call tools check every result with it.
func conforms(t *testing.T, tool *Tool, res *mcp.CallToolResult) {
	t.Helper()
	if !res.IsError {
		conformsTo(t, tool, res.RawStructuredContent)
	}
}

// conformsTo fails the test when doc does not hold to tool's output schema.
func conformsTo(t *testing.T, tool *Tool, doc []byte) {
	t.Helper()
	if err := schematest.Validate(tool.MCPTool().RawOutputSchema, doc); err != nil {
		t.Errorf("%s: the document does not conform to its outputSchema: %v", tool.Name, err)
	}
}

// TestSingleAnswersConformToTheirOutputSchema: whatever APS answers, the
// document projectAnswer makes of it conforms to the tool's output
// schema, for each shape of projection; and the schema is not so loose
// that documents of another shape pass.
func TestSingleAnswersConformToTheirOutputSchema(t *testing.T) {
	answers := []string{
		`{}`, `{"data":{"a":1,"c":{"d":2},"objects":[{"x":1}]}}`, `{"data":[{"a":1},{"a":2,"b":3}]}`,
		`{"data":[[{"a":1}]]}`, `{"data":"text"}`, `[1,2]`, `"text"`, `5`, `{"a":1,"c":{"d":[1]}}`, ``,
	}
	tests := []struct {
		result string
		wrong  []string // documents of other shapes the schema must refuse
	}{
		{"{a,b:c.d}", []string{`{"x":1}`, `{"items":[],"count":0}`}},
		{"data.{a,b:c.d}", []string{`{"result":1}`, `{"x":1}`}},
		{"data.#.{a,b}", []string{`{"items":[{"x":1}],"count":1}`, `{"items":{},"count":1}`, `{"a":1}`}},
		{"data.#.{a,n:b.#.{c}}", []string{`{"items":[],"count":"0"}`}},
		{`data.#(a==1).{a}`, []string{`{"z":1}`}},
		{"data.#.#.{a}", []string{`{"items":1,"count":1}`}},
		{"data.objects", nil},
		{"", nil},
		{`{status,views:data.#.c.#(t=="g")#.{guid}|@flatten}`, []string{`{"other":1}`}},
	}
	for _, tc := range tests {
		t.Run(tc.result, func(t *testing.T) {
			tool := &Tool{Name: "t", Result: tc.result, projection: compileProjection(tc.result)}
			schema := buildOutputSchema(tool)
			for _, answer := range answers {
				doc, err := projectAnswer(tool, []byte(answer))
				if err != nil {
					t.Fatal(err)
				}
				if err := schematest.Validate(schema, doc); err != nil {
					t.Errorf("answer %s: %v", answer, err)
				}
			}
			for _, doc := range tc.wrong {
				if schematest.Validate(schema, []byte(doc)) == nil {
					t.Errorf("%s passes the schema %s", doc, schema)
				}
			}
			tool.Pending = &Pending{Status: 202, Message: "later"}
			if err := schematest.Validate(buildOutputSchema(tool), pendingDocument("later")); err != nil {
				t.Errorf("pending: %v", err)
			}
		})
	}
}

// TestListingSchema: a listing's envelope is the server's own, so its
// schema is closed and typed; the items are what the projection makes.
func TestListingSchema(t *testing.T) {
	tool := &Tool{Name: "t", Result: "{a,b:c.d}", Paginate: &Paginate{Style: "next-url", Items: "items", Warnings: "meta.warnings"}}
	schema := buildOutputSchema(tool)
	for _, doc := range []string{
		`{"items":[],"count":0}`,
		`{"items":[{"a":1},{"b":[2]},{}],"count":3,"warnings":[{"Title":"x"}]}`,
		`{"items":[{"a":1}],"count":1,"truncated":true,"cursor":"c","note":"n"}`,
		`{"items":[{"a":1}],"count":1,"error":"page 2 failed","truncated":true,"cursor":"c","note":"n"}`,
	} {
		if err := schematest.Validate(schema, []byte(doc)); err != nil {
			t.Errorf("%s: %v", doc, err)
		}
	}
	for _, doc := range []string{
		`{"items":[]}`, `{"count":0}`, `{"items":[{"z":1}],"count":1}`, `{"items":[],"count":0,"total":5}`,
		`{"items":[],"count":0,"truncated":false}`, `{"items":[],"count":0,"cursor":7}`,
	} {
		if schematest.Validate(schema, []byte(doc)) == nil {
			t.Errorf("%s passes the schema %s", doc, schema)
		}
	}
	tool.Paginate.Warnings = "" // pages without warnings never give the key
	if doc := `{"items":[],"count":0,"warnings":[]}`; schematest.Validate(buildOutputSchema(tool), []byte(doc)) == nil {
		t.Errorf("%s passes the schema of a listing whose pages carry no warnings", doc)
	}
	tool.Result = "" // items as APS sent them
	if err := schematest.Validate(buildOutputSchema(tool), []byte(`{"items":[1,"a",{"z":[]}],"count":3}`)); err != nil {
		t.Error(err)
	}
}

// TestEveryShippedToolDeclaresAnOutputSchema: tools/list carries an
// object schema for each tool, naming the fields its projection returns.
func TestEveryShippedToolDeclaresAnOutputSchema(t *testing.T) {
	c, err := Load(filepath.Join("..", "tools.yaml"), LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range c.Names() {
		tool := c.Tools[name]
		raw := string(tool.MCPTool().RawOutputSchema)
		if raw == "" {
			t.Errorf("%s declares no outputSchema", name)
			continue
		}
		for _, key := range resultKeys(tool.Result) {
			if !strings.Contains(raw, `"`+key+`":{`) {
				t.Errorf("%s: outputSchema %s does not name %s", name, raw, key)
			}
		}
	}
}
