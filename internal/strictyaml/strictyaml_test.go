package strictyaml

import (
	"strings"
	"testing"
)

type inner struct {
	Name  string `yaml:"name"`
	Count int    `yaml:"count"`
}

type outer struct {
	Title string            `yaml:"title"`
	Items map[string]*inner `yaml:"items"`
	List  []inner           `yaml:"list"`
}

func TestDecodeReportsEveryProblem(t *testing.T) {
	src := `title: x
items:
  a: {name: n, count: many}
  b:
    name: m
    colour: red
  a: {name: dup}
list:
  - name: l
    size: 3
extra: true
`
	doc, err := Parse("f.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var out outer
	ps := doc.Decode(&out, "thing", nil)
	want := []string{
		`f.yaml:3: thing: field items.a: cannot unmarshal !!str ` + "`many`",
		`f.yaml:6: thing: field items.b.colour: unknown key "colour" (known: count, name)`,
		`f.yaml:7: thing: field items.a: duplicate "a" (first at line 3)`,
		`f.yaml:10: thing: field list.0.size: unknown key "size"`,
		`f.yaml:11: thing: field extra: unknown key "extra"`,
	}
	got := ps.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("problems lack %q:\n%s", w, got)
		}
	}
	if len(ps) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(ps), len(want), got)
	}
	if doc.Line("items.b.name") != 5 || doc.Line("items.b.nope") != 4 {
		t.Errorf("Line: %d %d", doc.Line("items.b.name"), doc.Line("items.b.nope"))
	}
}

func TestParseErrorLines(t *testing.T) {
	tests := []struct {
		src  string
		line int
	}{
		{"a: [x\n", 1},
		{"a: 1\nb: [x\n", 2},
		{"a: 1\nb: 2\nc: {x: [y\n", 3},
		{"a: 1\n\tb: 2\n", 2},
		{"a: 1\nb: 2\n c: 3\n", 3},
	}
	for _, tc := range tests {
		_, err := Parse("f.yaml", []byte(tc.src))
		ps, ok := AsProblems(err)
		if !ok || len(ps) != 1 || ps[0].Line != tc.line {
			t.Errorf("Parse(%q) = %v, want one problem at line %d", tc.src, err, tc.line)
		}
	}
}
