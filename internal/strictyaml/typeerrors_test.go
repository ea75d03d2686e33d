package strictyaml

import (
	"slices"
	"testing"
	"time"
)

type typed struct {
	Count   int               `yaml:"count"`
	Small   uint8             `yaml:"small"`
	Ratio   float64           `yaml:"ratio"`
	On      bool              `yaml:"on"`
	Name    string            `yaml:"name"`
	Wait    time.Duration     `yaml:"wait"`
	Tags    []string          `yaml:"tags"`
	Inner   *inner            `yaml:"inner"`
	Byname  map[string]*inner `yaml:"byname"`
	Paging  inner             `yaml:"paging"`
	Pending *inner            `yaml:"pending"`
	Again   *inner            `yaml:"again"`
}

// TestTypeErrorsInPlainWords: a value of the wrong type is reported as
// what the field must be and what it got, at the field itself (also in a
// flow mapping, and once for an anchored value however many aliases use
// it), never in the YAML library's terms.
func TestTypeErrorsInPlainWords(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"string for int", "count: lots\n", `f.yaml:1: thing: field count: must be a whole number, got "lots"`},
		{"long string quoted whole", "count: a great many indeed\n", `f.yaml:1: thing: field count: must be a whole number, got "a great many indeed"`},
		{"list for int", "count: [1]\n", `f.yaml:1: thing: field count: must be a whole number, got a list`},
		{"fraction for int", "count: 2.5\n", `f.yaml:1: thing: field count: must be a whole number, got 2.5`},
		{"out of range", "small: 300\n", `f.yaml:1: thing: field small: must be a whole number from 0 to 255, got 300`},
		{"string for number", "ratio: half\n", `f.yaml:1: thing: field ratio: must be a number, got "half"`},
		{"bool", "on: maybe\n", `f.yaml:1: thing: field on: must be true or false, got "maybe"`},
		{"mapping for string", "name: {a: 1}\n", `f.yaml:1: thing: field name: must be a string, got a mapping`},
		{"duration", "wait: soon\n", `f.yaml:1: thing: field wait: must be a duration such as 30s, 5m or 1h, got "soon"`},
		{"number for duration", "wait: 30\n", `f.yaml:1: thing: field wait: must be a duration such as 30s, 5m or 1h, got 30`},
		{"string for list", "tags: a\n", `f.yaml:1: thing: field tags: must be a list, got "a"`},
		{"string for mapping", "inner: x\n", `f.yaml:1: thing: field inner: must be a mapping, got "x"`},
		{"in a flow mapping", "paging: {name: n, count: many}\n", `f.yaml:1: thing: field paging.count: must be a whole number, got "many"`},
		{"in a map value", "byname:\n  a:\n    count: x\n", `f.yaml:3: thing: field byname.a.count: must be a whole number, got "x"`},
		{"anchored", "pending: &p {count: soon}\nagain: *p\n", `f.yaml:1: thing: field pending.count: must be a whole number, got "soon"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse("f.yaml", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			var out typed
			ps := doc.Decode(&out, "thing", nil)
			if len(ps) != 1 || ps[0].String() != tc.want {
				t.Errorf("got %v\nwant %s", ps, tc.want)
			}
		})
	}
}

// TestFailedMarksWhatLaterChecksMustNotRepeat: a value that failed to
// decode, the values inside it and the ones it is part of are failed;
// its siblings are not.
func TestFailedMarksWhatLaterChecksMustNotRepeat(t *testing.T) {
	doc, err := Parse("f.yaml", []byte("paging: {name: n, count: many}\npending: &p {count: soon}\nagain: *p\ninner:\ntags: x\n"))
	if err != nil {
		t.Fatal(err)
	}
	var out typed
	doc.Decode(&out, "thing", nil)
	var failed, fine []string
	for _, path := range []string{"paging.count", "paging", "pending", "pending.count", "again", "again.count", "inner", "inner.name", "tags", "tags.0", "paging.name", "count", "name"} {
		if doc.Failed(path) {
			failed = append(failed, path)
		} else {
			fine = append(fine, path)
		}
	}
	if want := []string{"paging.count", "paging", "pending", "pending.count", "again", "again.count", "inner", "inner.name", "tags", "tags.0"}; !slices.Equal(failed, want) {
		t.Errorf("failed: %v, want %v", failed, want)
	}
	if want := []string{"paging.name", "count", "name"}; !slices.Equal(fine, want) {
		t.Errorf("not failed: %v, want %v", fine, want)
	}
}
