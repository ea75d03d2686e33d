package strictyaml

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decodedValue is one node the walker met: where it is and what it is
// decoded into.
type decodedValue struct {
	path string
	node *yaml.Node
	typ  reflect.Type
}

// Failed reports whether the value at the dotted path, a value inside it
// or the value it is part of failed to decode. A check of a value that
// failed would only repeat, in other words, the problem already reported
// (a page size that is not a number is not also "missing").
func (d *Document) Failed(path string) bool {
	for _, f := range d.failed {
		if f == path || strings.HasPrefix(f, path+".") || strings.HasPrefix(path, f+".") {
			return true
		}
	}
	return false
}

// decodeNode decodes n into out, reporting type mismatches at their lines
// in plain words: what the field must be and what it got.
func (d *Document) decodeNode(n *yaml.Node, out any, report func(int, string, string)) {
	err := n.Decode(out)
	if err == nil {
		return
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		report(0, "", err.Error())
		return
	}
	seen := map[string]bool{}
	for _, e := range te.Errors {
		if seen[e] {
			continue // an anchored value fails once for each alias of it
		}
		seen[e] = true
		line := 0
		if m := yamlLine.FindStringSubmatch(e); m != nil {
			line, _ = strconv.Atoi(m[1])
			e = m[2]
		}
		path, msg := d.typeError(line, e)
		report(line, path, msg)
	}
}

// unmarshalError is the YAML library's type error: the node's tag, its
// text (cut to 7 characters and "..." when longer; none for a list or a
// mapping) and the Go type it does not fit.
var unmarshalError = regexp.MustCompile("^cannot unmarshal (!![a-z]+)(?: `(.*)`)? into (.+)$")

// typeError names the field a type error at line is about and says in
// plain words what is wrong, marking every path of the value as failed.
func (d *Document) typeError(line int, msg string) (string, string) {
	m := unmarshalError.FindStringSubmatch(msg)
	if m == nil {
		return d.pathAtLine(line), msg
	}
	tag, text, typeName := m[1], m[2], m[3]
	var matches []*decodedValue
	for i := range d.values {
		v := &d.values[i]
		if v.node.Line == line && v.node.ShortTag() == tag && derefType(v.typ).String() == typeName && sameText(v.node.Value, text) {
			matches = append(matches, v)
		}
	}
	if len(matches) == 0 || slices.ContainsFunc(matches, func(v *decodedValue) bool { return v.node != matches[0].node }) {
		// Nothing, or two values on the line, look like it: name their
		// common parent.
		path := d.pathAtLine(line)
		d.failed = append(d.failed, path)
		return path, plainTypeError(nil, tag, text, typeName)
	}
	for _, v := range matches {
		d.failed = append(d.failed, v.path) // an anchored value under each of its aliases
	}
	return matches[0].path, plainTypeError(matches[0], tag, text, typeName)
}

// sameText reports whether a node's text is what a type error quotes of
// it, which is cut short past 10 characters.
func sameText(value, quoted string) bool {
	if quoted == value {
		return true
	}
	prefix, cut := strings.CutSuffix(quoted, "...")
	return cut && len(value) > 10 && strings.HasPrefix(value, prefix)
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// plainTypeError says what a value must be and what it is, from the
// value when it is known (its whole text, its type's range) or else from
// the library's message.
func plainTypeError(v *decodedValue, tag, text, typeName string) string {
	want := expectedByName(typeName)
	got := text
	if v != nil {
		want = expected(derefType(v.typ), tag)
		got = v.node.Value
	}
	switch tag {
	case "!!seq":
		got = "a list"
	case "!!map":
		got = "a mapping"
	case "!!str", "!!timestamp", "!!binary", "!!merge":
		got = strconv.Quote(got)
	}
	return fmt.Sprintf("must be %s, got %s", want, got)
}

var durationType = reflect.TypeFor[time.Duration]()

// expected names, in words, the values a Go type takes in YAML.
func expected(t reflect.Type, tag string) string {
	if t == durationType {
		return "a duration such as 30s, 5m or 1h"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if tag == "!!int" { // a whole number out of the type's range
			return fmt.Sprintf("a whole number from %d to %d", int64(-1)<<(t.Bits()-1), int64(1)<<(t.Bits()-1)-1)
		}
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if tag == "!!int" {
			return fmt.Sprintf("a whole number from 0 to %d", uint64(math.MaxUint64)>>(64-t.Bits()))
		}
		return "a whole number, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return "a " + t.String()
}

// expectedByName is expected for a type known only by the name the YAML
// library gives it.
func expectedByName(name string) string {
	switch {
	case name == "time.Duration":
		return expected(durationType, "")
	case strings.HasPrefix(name, "[]"):
		return "a list"
	case strings.HasPrefix(name, "map["):
		return "a mapping"
	case strings.HasPrefix(name, "int") || strings.HasPrefix(name, "uint"):
		return "a whole number"
	case strings.HasPrefix(name, "float"):
		return "a number"
	case name == "bool":
		return "true or false"
	case name == "string":
		return "a string"
	}
	return "a " + name
}

// truncatedNumber refuses what the YAML library would silently cut: a
// number with a fraction where a whole number belongs (2.5 would load as
// 2). It returns the problem, or "".
func truncatedNumber(n *yaml.Node, t reflect.Type) string {
	t = derefType(t)
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	default:
		return ""
	}
	if t == durationType || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!float" {
		return ""
	}
	if f, err := strconv.ParseFloat(n.Value, 64); err == nil && f == math.Trunc(f) {
		return "" // 1e3 is a whole number
	}
	return "must be a whole number, got " + n.Value
}

// pathAtLine names the field a type error from the YAML library is about
// when no single value on its line fits it: of the keys on that line
// (a flow mapping such as {in: query, type: integer}), their common
// parent, the one thing all of them are part of.
func (d *Document) pathAtLine(line int) string {
	var paths []string
	for p, l := range d.lines {
		if l == line {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return ""
	}
	sort.Strings(paths)
	if len(paths) == 1 {
		return paths[0]
	}
	first, last := strings.Split(paths[0], "."), strings.Split(paths[len(paths)-1], ".")
	n := 0
	for n < len(first) && n < len(last) && first[n] == last[n] {
		n++
	}
	return strings.Join(first[:n], ".")
}
