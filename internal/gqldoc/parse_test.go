package gqldoc

import (
	"reflect"
	"strings"
	"testing"
)

const elementsQuery = `
# elements of a design
query Elements($elementGroupId: ID!, $filter: String!, $cursor: String, $limit: Int = 50) {
  elementsByElementGroup(elementGroupId: $elementGroupId, filter: {query: $filter}, pagination: {cursor: $cursor, limit: $limit}) {
    pagination { cursor }
    results {
      id
      label: name
      properties { results { name value definition { units { name } } } }
    }
  }
}`

func TestParse(t *testing.T) {
	d, err := Parse(elementsQuery)
	if err != nil {
		t.Fatal(err)
	}
	if d.Operation != "query" || d.Name != "Elements" || len(d.Variables) != 4 {
		t.Fatalf("operation: got %+v", d)
	}
	if v := d.Variable("elementGroupId"); v == nil || v.Type != "ID!" || !v.NonNull() {
		t.Errorf("elementGroupId: got %+v", v)
	}
	if v := d.Variable("limit"); v == nil || v.NonNull() || v.Default == nil || v.Default.Text != "50" {
		t.Errorf("limit: got %+v", v)
	}
	root := d.Fields[0]
	if root.Name != "elementsByElementGroup" || len(root.Args) != 3 {
		t.Fatalf("root field: got %+v", root)
	}
	pag, err := root.Arg("pagination").Resolve(map[string]any{"cursor": "abc", "limit": 5})
	if err != nil || !reflect.DeepEqual(pag, map[string]any{"cursor": "abc", "limit": 5}) {
		t.Errorf("pagination resolved: %v, %v", pag, err)
	}
	if got := d.UsedVariables(); !reflect.DeepEqual(got, []string{"elementGroupId", "filter", "cursor", "limit"}) {
		t.Errorf("used variables: %v", got)
	}
	wantCompact := `query Elements($elementGroupId:ID!$filter:String!$cursor:String$limit:Int=50){elementsByElementGroup(elementGroupId:$elementGroupId filter:{query:$filter}pagination:{cursor:$cursor limit:$limit}){pagination{cursor}results{id label:name properties{results{name value definition{units{name}}}}}}}`
	if got := d.Compact(); got != wantCompact {
		t.Errorf("compact:\n got %s\nwant %s", got, wantCompact)
	}
	// The compact form means the same.
	again, err := Parse(d.Compact())
	if err != nil || !reflect.DeepEqual(again.Fields, d.Fields) || !reflect.DeepEqual(again.Variables, d.Variables) {
		t.Errorf("compact form parses differently: %v", err)
	}
}

func TestResolveLiterals(t *testing.T) {
	d, err := Parse(`{ f(a: "x\"\u00e9\/", b: -1.5e2, c: [1, true, null, ENUM], d: {e: $v}) { g } }`)
	if err == nil {
		t.Fatalf("an undefined variable must be refused, got %+v", d)
	}
	d, err = Parse(`query($v: String) { f(a: "x\"\u00e9\/", b: -1.5e2, c: [1, true, null, ENUM], d: {e: $v}) { g } }`)
	if err != nil {
		t.Fatal(err)
	}
	f := d.Fields[0]
	want := map[string]any{"a": "x\"é/", "b": -150.0, "c": []any{1.0, true, nil, "ENUM"}, "d": map[string]any{"e": "V"}}
	for name, w := range want {
		got, err := f.Arg(name).Resolve(map[string]any{"v": "V"})
		if err != nil || !reflect.DeepEqual(got, w) {
			t.Errorf("%s: got %#v, %v; want %#v", name, got, err, w)
		}
	}
	if d.Operation != "query" || d.Name != "" {
		t.Errorf("anonymous query: got %q %q", d.Operation, d.Name)
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct{ src, inError string }{
		{``, `expected "{", found the end of the document`},
		{`{ a `, `expected a field, found the end of the document`},
		{`{ a } { b }`, "one operation"},
		{`query Q { ...F } fragment F on T { a }`, "fragments are not supported"},
		{`fragment F on T { a }`, "fragments are not supported"},
		{`{ a @include(if: true) }`, "directives are not supported"},
		{`{ a(x: """b""") }`, "block strings"},
		{`{ a(x: "b) }`, "unterminated string"},
		{`{ a(x: 1, x: 2) }`, "x is given twice"},
		{`query($a: ID, $a: ID) { f(a: $a) }`, "$a is defined twice"},
		{`query($a: ID) { f }`, "$a is defined but not used"},
		{`{ f(a: $b) }`, "$b is used but not defined"},
		{`query($a: ID = $b) { f(a: $a) }`, "cannot refer to a variable"},
		{`{ }`, "empty selection set"},
		{`{ a() }`, "empty arguments"},
		{`{ a(x: ) }`, `expected a value, found ")"`},
		{`{ a ~ }`, "unexpected character"},
		{`hello { a }`, "expected query, mutation, subscription"},
		{"{\n  a(x: ) }", "line 2, column 8"},
		{strings.Repeat("{a", 40) + strings.Repeat("}", 40), "nested too deeply"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		if err == nil || !strings.Contains(err.Error(), tt.inError) {
			t.Errorf("Parse(%q): got %v, want an error containing %q", tt.src, err, tt.inError)
		}
	}
}
