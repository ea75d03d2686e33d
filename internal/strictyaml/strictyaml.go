// Package strictyaml decodes YAML configuration files strictly: unknown keys,
// duplicate keys and type mismatches are all reported, each with the file and
// line it came from, instead of stopping at the first one.
//
// It also records the line of every key it sees, so that later semantic checks
// (a bad regex, an unknown auth kind) can point at the exact line too.
package strictyaml

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Document is a parsed file: its root node and the line of every key path.
type Document struct {
	File  string
	Root  *yaml.Node
	lines LineIndex
	// values are the nodes decoded, each with its path and the type it
	// is decoded into, in document order: a type error names the node
	// only by its line and text.
	values []decodedValue
	// failed are the paths of values that did not decode (wrong type or
	// empty), which later checks must not report again.
	failed []string
}

// LineIndex maps dotted key paths ("tools.x.params.y") to their lines.
type LineIndex map[string]int

// Line returns the line of the key at the dotted path, or of the closest
// ancestor that exists, or 0.
func (l LineIndex) Line(path string) int {
	for path != "" {
		if n, ok := l[path]; ok {
			return n
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

// Line returns the line of the key at the dotted path ("tools.x.params.y"),
// or of the closest ancestor that exists, or 0.
func (d *Document) Line(path string) int { return d.lines.Line(path) }

// LineIndex returns the line of every key decoded so far, for checks
// made once the document itself is gone.
func (d *Document) LineIndex() LineIndex { return d.lines }

// ReadFile reads and parses file. A syntax error is returned as a Problems
// holding the line YAML reported.
func ReadFile(file string) (*Document, error) { return Source{Path: file}.Read() }

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// parserErrors are the messages of the YAML parser stage, whose line
// numbers are 0-based; scanner errors are already 1-based.
var parserErrors = []string{
	"did not find expected <document start>", "did not find expected node content",
	"did not find expected key", "did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"did not find expected '-' indicator", "found undefined tag handle", "found duplicate %YAML directive",
	"found incompatible YAML document", "found duplicate %TAG directive",
}

func lineCount(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return max(n, 1)
}

func isParserError(msg string) bool {
	for _, p := range parserErrors {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// Parse parses data, naming it file in problems.
func Parse(file string, data []byte) (*Document, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		p := Problem{File: file, Message: "invalid YAML: " + err.Error()}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			p.Line, _ = strconv.Atoi(m[1])
			p.Message = "invalid YAML: " + m[2]
			if isParserError(m[2]) {
				// The YAML library reports parser (not scanner) errors at the
				// 0-based line where the broken construct began.
				p.Line = min(p.Line+1, lineCount(data))
			}
		}
		return nil, Problems{p}
	}
	doc := &Document{File: file, Root: &root, lines: LineIndex{}}
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		doc.Root = root.Content[0]
	}
	return doc, nil
}

// Decode decodes the document into out (a pointer to a struct), reporting
// unknown keys, duplicate keys and type mismatches as problems. subject
// names what the file describes; subjectOf, when not nil, maps a key path to
// a better subject (for example "tools.list_objects.path" → "tool
// list_objects", "path"). Mappings at the open paths may hold keys out's
// type does not know: DecodeAt checks them against another value later.
func (d *Document) Decode(out any, subject string, subjectOf func(path string) (string, string), open ...string) Problems {
	if d.Root.Kind == 0 { // empty file
		return Problems{{File: d.File, Subject: subject, Message: "file is empty"}}
	}
	r := d.reporter(subject, subjectOf)
	w := walker{doc: d, report: r.add, open: open}
	w.walk(d.Root, reflect.TypeOf(out).Elem(), "")
	d.decodeNode(d.Root, out, r.add)
	return r.ps
}

// DecodeAt decodes the mapping at the dotted path (left open by Decode)
// into out, a pointer to a struct: keys neither out's type nor also names
// are reported as unknown, with their lines. A missing path decodes
// nothing and is not a problem.
func (d *Document) DecodeAt(path string, out any, subject string, also ...string) Problems {
	n := d.node(path)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	r := d.reporter(subject, nil)
	w := walker{doc: d, report: r.add, also: also}
	w.walk(n, reflect.TypeOf(out).Elem(), path)
	d.decodeNode(n, out, r.add)
	return r.ps
}

// node finds the node at a dotted path of mapping keys, or nil.
func (d *Document) node(path string) *yaml.Node {
	n := d.Root
	for _, key := range strings.Split(path, ".") {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// reporter collects problems about one subject.
type reporter struct {
	file      string
	subject   string
	subjectOf func(string) (string, string)
	ps        Problems
}

func (d *Document) reporter(subject string, subjectOf func(string) (string, string)) *reporter {
	return &reporter{file: d.File, subject: subject, subjectOf: subjectOf}
}

func (r *reporter) add(line int, path, msg string) {
	subj, field := r.subject, path
	if r.subjectOf != nil {
		if s, f := r.subjectOf(path); s != "" {
			subj, field = s, f
		}
	}
	r.ps = append(r.ps, Problem{File: r.file, Line: line, Subject: subj, Field: field, Message: msg})
}

// walker checks keys against the yaml tags of a type, records key lines
// and reports unknown and duplicate keys.
type walker struct {
	doc    *Document
	report func(line int, path, msg string)
	open   []string // paths whose mappings may hold keys the type lacks
	also   []string // keys the top mapping may hold besides the type's
}

func (w walker) walk(n *yaml.Node, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	w.doc.values = append(w.doc.values, decodedValue{path: path, node: n, typ: t})
	if what := structureOf(t); what != "" && isNull(n) {
		// YAML reads a key with nothing after it as null, and the decoder
		// null as "absent": a section cut short or left half written would
		// load as if it had never been declared.
		w.report(n.Line, path, "empty: "+what+" belongs here")
		w.doc.failed = append(w.doc.failed, path)
		return
	}
	if msg := truncatedNumber(n, t); msg != "" {
		w.report(n.Line, path, msg)
		w.doc.failed = append(w.doc.failed, path)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // the decoder reports the type mismatch
		}
		w.walkStruct(n, t, path)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		w.doc.dropDuplicates(n, path, "duplicate", w.report)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			kp := join(path, k.Value)
			w.doc.lines[kp] = k.Line
			w.walk(v, t.Elem(), kp)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range n.Content {
			ip := join(path, strconv.Itoa(i))
			w.doc.lines[ip] = item.Line
			w.walk(item, t.Elem(), ip)
		}
	}
}

// structureOf names what a value of type t is written as in YAML when
// it is a mapping or a list, or returns "".
func structureOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "a mapping"
	case reflect.Slice:
		return "a list"
	}
	return ""
}

// isNull reports whether n is YAML's null: nothing, "~" or "null".
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func (w walker) walkStruct(n *yaml.Node, t reflect.Type, path string) {
	fields := yamlFields(t)
	open := slices.Contains(w.open, path)
	also := w.also
	w.also = nil // only the top mapping takes them
	w.doc.dropDuplicates(n, path, "duplicate key", w.report)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kp := join(path, k.Value)
		w.doc.lines[kp] = k.Line
		ft, ok := fields[k.Value]
		switch {
		case ok:
			w.walk(v, ft, kp)
		case open || slices.Contains(also, k.Value):
		default:
			w.report(k.Line, kp, fmt.Sprintf("unknown key %q (known: %s)", k.Value, knownKeys(fields, also)))
		}
	}
}

// dropDuplicates reports each repeated key of mapping n and removes it, so
// the decoder (which stops at the first duplicate) goes on to report every
// other problem too.
func (d *Document) dropDuplicates(n *yaml.Node, path, what string, report func(int, string, string)) {
	seen := map[string]int{}
	kept := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if prev, dup := seen[k.Value]; dup {
			report(k.Line, join(path, k.Value), fmt.Sprintf("%s %q (first at line %d)", what, k.Value, prev))
			continue
		}
		seen[k.Value] = k.Line
		kept = append(kept, k, n.Content[i+1])
	}
	n.Content = kept
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// yamlFields maps each yaml key of struct t to its field type, following
// inline embedded structs.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func knownKeys(fields map[string]reflect.Type, also []string) string {
	keys := slices.Clone(also)
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
