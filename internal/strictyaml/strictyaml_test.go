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
		`f.yaml:3: thing: field items.a.count: must be a whole number, got "many"`,
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

type section struct {
	Kind   string   `yaml:"kind"`
	Scopes []string `yaml:"scopes"`
}

type withSections struct {
	Title  string            `yaml:"title"`
	Auth   section           `yaml:"auth"`
	Paging *inner            `yaml:"paging"`
	Items  map[string]*inner `yaml:"items"`
	List   []inner           `yaml:"list"`
	Any    any               `yaml:"any"`
}

// TestDecodeRefusesEmptyValues: a key with nothing after it, where a
// mapping or a list belongs, is what a file cut short or half edited
// looks like; YAML reads it as null and the decoder as "absent".
func TestDecodeRefusesEmptyValues(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // formatted problems; none when empty
	}{
		{"mapping section", "title: x\nauth:\n", []string{`f.yaml:2: thing: field auth: empty: a mapping belongs here`}},
		{"mapping behind a pointer", "paging:\ntitle: x\n", []string{`f.yaml:1: thing: field paging: empty: a mapping belongs here`}},
		{"explicit null", "paging: ~\n", []string{`f.yaml:1: thing: field paging: empty: a mapping belongs here`}},
		{"map", "items:\n", []string{`f.yaml:1: thing: field items: empty: a mapping belongs here`}},
		{"map value", "items:\n  a: {name: n}\n  b:\n", []string{`f.yaml:3: thing: field items.b: empty: a mapping belongs here`}},
		{"list", "list:\n", []string{`f.yaml:1: thing: field list: empty: a list belongs here`}},
		{"list inside a section", "auth:\n  kind: k\n  scopes:\n", []string{`f.yaml:3: thing: field auth.scopes: empty: a list belongs here`}},
		{"list item", "list:\n  - name: a\n  -\n", []string{`f.yaml:3: thing: field list.1: empty: a mapping belongs here`}},
		{"whole file", "~\n", []string{`f.yaml:1: thing: empty: a mapping belongs here`}},
		{"empty on purpose", "auth: {}\nitems: {}\nlist: []\n", nil},
		{"scalars may be empty", "title:\nany:\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse("f.yaml", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			var out withSections
			ps := doc.Decode(&out, "thing", nil, "auth")
			if len(ps) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(tc.want), ps)
			}
			for i, w := range tc.want {
				if got := ps[i].String(); got != w {
					t.Errorf("problem %d = %q, want %q", i, got, w)
				}
			}
		})
	}
}
