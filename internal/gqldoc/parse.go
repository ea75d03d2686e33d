package gqldoc

import (
	"fmt"
	"slices"
	"strings"
)

// maxDepth bounds nesting, of selection sets and of values, so that a
// hostile document cannot exhaust the stack.
const maxDepth = 32

// Parse reads a document holding exactly one operation, in full or
// shorthand ({ ... }) form.
func Parse(src string) (*Document, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, fmt.Errorf("graphql: %w", err)
	}
	p := parser{toks: toks, src: src}
	d, err := p.document()
	if err != nil {
		return nil, fmt.Errorf("graphql: %w", err)
	}
	if err := d.checkVariables(); err != nil {
		return nil, fmt.Errorf("graphql: %w", err)
	}
	d.compact = compact(toks)
	return d, nil
}

// checkVariables applies GraphQL's rules that every variable used is
// defined and every one defined is used.
func (d *Document) checkVariables() error {
	used := d.UsedVariables()
	for _, u := range used {
		if d.Variable(u) == nil {
			return fmt.Errorf("variable $%s is used but not defined", u)
		}
	}
	for _, v := range d.Variables {
		if !slices.Contains(used, v.Name) {
			return fmt.Errorf("variable $%s is defined but not used", v.Name)
		}
	}
	return nil
}

type parser struct {
	toks []token
	pos  int
	src  string
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

// errorf reports a problem at token t, with its line and column.
func (p *parser) errorf(t token, format string, args ...any) error {
	line := 1 + strings.Count(p.src[:t.at], "\n")
	col := t.at - strings.LastIndexByte(p.src[:t.at], '\n')
	return fmt.Errorf("line %d, column %d: %s", line, col, fmt.Sprintf(format, args...))
}

func (p *parser) describe(t token) string {
	if t.kind == tokEOF {
		return "the end of the document"
	}
	return fmt.Sprintf("%q", t.text)
}

// expect consumes the punctuator text or fails naming what came instead.
func (p *parser) expect(text string) error {
	if t := p.next(); t.kind != tokPunct || t.text != text {
		return p.errorf(t, "expected %q, found %s", text, p.describe(t))
	}
	return nil
}

func (p *parser) is(text string) bool {
	t := p.peek()
	return t.kind == tokPunct && t.text == text
}

func (p *parser) name() (string, error) {
	t := p.next()
	if t.kind != tokName {
		return "", p.errorf(t, "expected a name, found %s", p.describe(t))
	}
	return t.text, nil
}

func (p *parser) document() (*Document, error) {
	d := &Document{Operation: "query"}
	if t := p.peek(); t.kind == tokName {
		switch t.text {
		case "query", "mutation", "subscription":
		case "fragment":
			return nil, p.errorf(t, "fragments are not supported")
		default:
			return nil, p.errorf(t, "expected query, mutation, subscription or {, found %s", p.describe(t))
		}
		d.Operation = p.next().text
		if p.peek().kind == tokName {
			d.Name = p.next().text
		}
		if p.is("(") {
			vars, err := p.variables()
			if err != nil {
				return nil, err
			}
			d.Variables = vars
		}
	}
	if p.is("@") {
		return nil, p.errorf(p.peek(), "directives are not supported")
	}
	fields, err := p.selectionSet(0)
	if err != nil {
		return nil, err
	}
	d.Fields = fields
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errorf(t, "a document holds one operation; found %s after it", p.describe(t))
	}
	return d, nil
}

func (p *parser) variables() ([]VariableDef, error) {
	p.next() // (
	var vars []VariableDef
	seen := map[string]bool{}
	for !p.is(")") {
		at := p.peek()
		if err := p.expect("$"); err != nil {
			return nil, err
		}
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, p.errorf(at, "variable $%s is defined twice", name)
		}
		seen[name] = true
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		typ, err := p.typeRef(0)
		if err != nil {
			return nil, err
		}
		v := VariableDef{Name: name, Type: typ}
		if p.is("=") {
			p.next()
			def, err := p.value(0, true)
			if err != nil {
				return nil, err
			}
			v.Default = &def
		}
		vars = append(vars, v)
	}
	p.next() // )
	if len(vars) == 0 {
		return nil, p.errorf(p.toks[p.pos-1], "empty variable definitions: leave out the ()")
	}
	return vars, nil
}

// typeRef reads a type: Name, [Type], either with a trailing !.
func (p *parser) typeRef(depth int) (string, error) {
	if depth > maxDepth {
		return "", p.errorf(p.peek(), "type nested too deeply")
	}
	var typ string
	if p.is("[") {
		p.next()
		inner, err := p.typeRef(depth + 1)
		if err != nil {
			return "", err
		}
		if err := p.expect("]"); err != nil {
			return "", err
		}
		typ = "[" + inner + "]"
	} else {
		name, err := p.name()
		if err != nil {
			return "", err
		}
		typ = name
	}
	if p.is("!") {
		p.next()
		typ += "!"
	}
	return typ, nil
}

func (p *parser) selectionSet(depth int) ([]*Field, error) {
	if depth > maxDepth {
		return nil, p.errorf(p.peek(), "selection sets nested too deeply")
	}
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	var fields []*Field
	for !p.is("}") {
		t := p.peek()
		switch {
		case t.kind == tokPunct && t.text == "...":
			return nil, p.errorf(t, "fragments are not supported")
		case t.kind != tokName:
			return nil, p.errorf(t, "expected a field, found %s", p.describe(t))
		}
		f, err := p.field(depth)
		if err != nil {
			return nil, err
		}
		fields = append(fields, f)
	}
	p.next() // }
	if len(fields) == 0 {
		return nil, p.errorf(p.toks[p.pos-1], "empty selection set")
	}
	return fields, nil
}

func (p *parser) field(depth int) (*Field, error) {
	f := &Field{Name: p.next().text}
	if p.is(":") {
		p.next()
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		f.Alias, f.Name = f.Name, name
	}
	if p.is("(") {
		args, err := p.arguments(depth, false)
		if err != nil {
			return nil, err
		}
		f.Args = args
	}
	if p.is("@") {
		return nil, p.errorf(p.peek(), "directives are not supported")
	}
	if p.is("{") {
		fields, err := p.selectionSet(depth + 1)
		if err != nil {
			return nil, err
		}
		f.Fields = fields
	}
	return f, nil
}

// arguments reads (name: value, ...) or, for an object value, {name: value, ...}.
func (p *parser) arguments(depth int, constant bool) ([]Argument, error) {
	open := p.next()
	closing := ")"
	if open.text == "{" {
		closing = "}"
	}
	var args []Argument
	seen := map[string]bool{}
	for !p.is(closing) {
		at := p.peek()
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, p.errorf(at, "%s is given twice", name)
		}
		seen[name] = true
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		v, err := p.value(depth+1, constant)
		if err != nil {
			return nil, err
		}
		args = append(args, Argument{Name: name, Value: v})
	}
	p.next()
	if len(args) == 0 && closing == ")" {
		return nil, p.errorf(open, "empty arguments: leave out the ()")
	}
	return args, nil
}

// value reads a value; a constant one (a variable's default) may not
// refer to variables.
func (p *parser) value(depth int, constant bool) (Value, error) {
	if depth > maxDepth {
		return Value{}, p.errorf(p.peek(), "value nested too deeply")
	}
	t := p.peek()
	switch t.kind {
	case tokInt, tokFloat, tokString:
		p.next()
		kind := map[tokenKind]ValueKind{tokInt: Int, tokFloat: Float, tokString: String}[t.kind]
		return Value{Kind: kind, Text: t.text}, nil
	case tokName:
		p.next()
		switch t.text {
		case "true", "false":
			return Value{Kind: Boolean, Text: t.text}, nil
		case "null":
			return Value{Kind: Null, Text: t.text}, nil
		}
		return Value{Kind: Enum, Text: t.text}, nil
	}
	switch t.text {
	case "$":
		if constant {
			return Value{}, p.errorf(t, "a default value cannot refer to a variable")
		}
		p.next()
		name, err := p.name()
		return Value{Kind: Variable, Text: name}, err
	case "[":
		p.next()
		v := Value{Kind: List}
		for !p.is("]") {
			e, err := p.value(depth+1, constant)
			if err != nil {
				return Value{}, err
			}
			v.List = append(v.List, e)
		}
		p.next()
		return v, nil
	case "{":
		fields, err := p.arguments(depth, constant)
		return Value{Kind: Object, Fields: fields}, err
	}
	return Value{}, p.errorf(t, "expected a value, found %s", p.describe(t))
}

// compact prints the tokens with a space only between two that would
// otherwise run together.
func compact(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if t.kind == tokEOF {
			break
		}
		if i > 0 && toks[i-1].wordLike() && t.wordLike() {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}
