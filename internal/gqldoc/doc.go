// Package gqldoc reads the small GraphQL query documents that tools.yaml
// declares for the AEC Data Model: one operation, its variable
// definitions, and fields with arguments and selection sets. The registry
// uses it to check a declaration at load and to send the document
// compacted; the APS emulator uses it to answer the declared queries.
//
// It is not a GraphQL engine and knows no schema. Fragments, directives
// and block strings are refused, since no declared query needs them and a
// parser that accepted them silently would let a document mean something
// the checks did not see.
package gqldoc

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Document is a parsed executable document holding one operation.
type Document struct {
	// Operation is "query", "mutation" or "subscription".
	Operation string
	// Name is the operation's name; "" when anonymous.
	Name      string
	Variables []VariableDef
	// Fields is the operation's selection set.
	Fields []*Field

	compact string
}

// VariableDef is one variable the operation defines.
type VariableDef struct {
	Name string
	// Type is the type as written, without spaces, e.g. "ID!" or "[String!]".
	Type string
	// Default is the default value; nil when there is none.
	Default *Value
}

// NonNull reports whether the variable's type is non-null, so that a
// request must give it unless it has a default.
func (v VariableDef) NonNull() bool { return strings.HasSuffix(v.Type, "!") }

// Field is one selected field.
type Field struct {
	Alias, Name string
	Args        []Argument
	// Fields is the field's selection set; nil for a leaf.
	Fields []*Field
}

// Key is the name the field has in the answer: its alias, else its name.
func (f *Field) Key() string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

// Arg returns the argument called name, or nil.
func (f *Field) Arg(name string) *Value {
	for i := range f.Args {
		if f.Args[i].Name == name {
			return &f.Args[i].Value
		}
	}
	return nil
}

// Argument is a name and its value: a field's argument or an object
// value's field.
type Argument struct {
	Name  string
	Value Value
}

// ValueKind says what a Value is.
type ValueKind int

// The kinds of value.
const (
	Variable ValueKind = iota
	Int
	Float
	String
	Boolean
	Null
	Enum
	List
	Object
)

// Value is a literal or a variable in an argument.
type Value struct {
	Kind ValueKind
	// Text is a variable's name, an enum value, or a scalar literal's
	// source text (a string's with its quotes and escapes).
	Text   string
	List   []Value
	Fields []Argument
}

// Resolve turns v into the Go value encoding/json would decode it to,
// taking variables from vars; a variable vars lacks is nil.
func (v Value) Resolve(vars map[string]any) (any, error) {
	switch v.Kind {
	case Variable:
		return vars[v.Text], nil
	case Int, Float:
		return strconv.ParseFloat(v.Text, 64)
	case String:
		var s string
		if err := json.Unmarshal([]byte(v.Text), &s); err != nil {
			return nil, fmt.Errorf("string %s: %w", v.Text, err)
		}
		return s, nil
	case Boolean:
		return v.Text == "true", nil
	case Null:
		return nil, nil
	case Enum:
		return v.Text, nil
	case List:
		out := make([]any, 0, len(v.List))
		for _, e := range v.List {
			r, err := e.Resolve(vars)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	}
	out := make(map[string]any, len(v.Fields))
	for _, f := range v.Fields {
		r, err := f.Value.Resolve(vars)
		if err != nil {
			return nil, err
		}
		out[f.Name] = r
	}
	return out, nil
}

// Compact is the document with no more whitespace than its tokens need:
// what goes on the wire.
func (d *Document) Compact() string { return d.compact }

// Variable returns the definition of the variable called name, or nil.
func (d *Document) Variable(name string) *VariableDef {
	for i := range d.Variables {
		if d.Variables[i].Name == name {
			return &d.Variables[i]
		}
	}
	return nil
}

// UsedVariables lists the variables the selection's arguments refer to,
// each once, in order of first use.
func (d *Document) UsedVariables() []string {
	var used []string
	seen := map[string]bool{}
	var value func(Value)
	value = func(v Value) {
		switch v.Kind {
		case Variable:
			if !seen[v.Text] {
				seen[v.Text] = true
				used = append(used, v.Text)
			}
		case List:
			for _, e := range v.List {
				value(e)
			}
		case Object:
			for _, f := range v.Fields {
				value(f.Value)
			}
		}
	}
	var fields func([]*Field)
	fields = func(fs []*Field) {
		for _, f := range fs {
			for _, a := range f.Args {
				value(a.Value)
			}
			fields(f.Fields)
		}
	}
	fields(d.Fields)
	return used
}
