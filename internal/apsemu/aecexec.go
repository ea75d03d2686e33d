package apsemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aps-mcp/aps-mcp/internal/gqldoc"
)

// The emulator's GraphQL executor serves the few AEC Data Model types the
// tools query (aecschema.go) the way a GraphQL server does: it validates
// the document against those types (unknown fields and arguments, missing
// required arguments, leaves with and objects without a selection set,
// all refused as GraphQL's reference implementation words it), then
// resolves the selection, answering each field in selection order under
// its alias.

// gqlType is an object type: its fields by name.
type gqlType map[string]gqlFieldDef

// gqlFieldDef is one field of an object type.
type gqlFieldDef struct {
	// typ is the field's type as GraphQL writes it, e.g. "[Element]!";
	// its named type is an object type of the schema or a scalar.
	typ  string
	args []gqlArg
	// resolve returns the field's value: a scalar, a gqlObj, a []gqlObj
	// or nil. An error is a *gqlFail.
	resolve func(x *aecExec, parent any, args map[string]any) (any, error)
}

// gqlArg is an argument a field takes.
type gqlArg struct{ name, typ string }

// gqlObj is an object value and its type's name.
type gqlObj struct {
	typ string
	v   any
}

// gqlError is one entry of a GraphQL answer's errors.
type gqlError struct {
	Message    string            `json:"message"`
	Path       []any             `json:"path,omitempty"`
	Extensions map[string]string `json:"extensions,omitempty"`
}

// gqlFail is a resolver's failure: a message and its extensions.code.
type gqlFail struct{ code, msg string }

func (f *gqlFail) Error() string { return f.msg }

// GraphQL error codes, as Apollo-style servers (AEC DM among them) name them.
const (
	gqlCodeParse      = "GRAPHQL_PARSE_FAILED"
	gqlCodeValidation = "GRAPHQL_VALIDATION_FAILED"
	gqlCodeBadInput   = "BAD_USER_INPUT"
	gqlCodeNotFound   = "NOT_FOUND"
)

// namedType is the type name inside list and non-null wrappers.
func namedType(typ string) string { return strings.Trim(typ, "[]!") }

// aecExec is one request being executed.
type aecExec struct {
	e      *Emulator
	schema map[string]gqlType
	region string
	vars   map[string]any
}

// validate checks a selection set on type typ and returns every problem.
func (x *aecExec) validate(typ string, fields []*gqldoc.Field) []gqlError {
	var errs []gqlError
	fail := func(format string, args ...any) {
		errs = append(errs, gqlError{Message: fmt.Sprintf(format, args...), Extensions: map[string]string{"code": gqlCodeValidation}})
	}
	t := x.schema[typ]
	for _, f := range fields {
		if f.Name == "__typename" {
			continue
		}
		def, ok := t[f.Name]
		if !ok {
			fail("Cannot query field %q on type %q.", f.Name, typ)
			continue
		}
		for _, a := range f.Args {
			if !slices.ContainsFunc(def.args, func(ga gqlArg) bool { return ga.name == a.Name }) {
				fail("Unknown argument %q on field %q.", a.Name, typ+"."+f.Name)
			}
		}
		for _, ga := range def.args {
			if strings.HasSuffix(ga.typ, "!") && f.Arg(ga.name) == nil {
				fail("Field %q argument %q of type %q is required, but it was not provided.", f.Name, ga.name, ga.typ)
			}
		}
		inner := namedType(def.typ)
		_, object := x.schema[inner]
		switch {
		case object && len(f.Fields) == 0:
			fail("Field %q of type %q must have a selection of subfields. Did you mean \"%s { ... }\"?", f.Name, def.typ, f.Name)
		case !object && len(f.Fields) > 0:
			fail("Field %q must not have a selection since type %q has no subfields.", f.Name, def.typ)
		case object:
			errs = append(errs, x.validate(inner, f.Fields)...)
		}
	}
	return errs
}

// execute resolves the root fields of a validated query. A root field
// that fails is null, with its error; a non-null one makes data null.
func (x *aecExec) execute(fields []*gqldoc.Field) (data json.RawMessage, errs []gqlError) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		writeKey(&b, f.Key())
		v, err := x.field("Query", nil, f)
		if err != nil {
			errs = append(errs, failure(err, f.Key()))
			if strings.HasSuffix(x.schema["Query"][f.Name].typ, "!") {
				return json.RawMessage("null"), errs
			}
			b.WriteString("null")
			continue
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), errs
}

// failure is err as a GraphQL error at path.
func failure(err error, path ...any) gqlError {
	code, msg := gqlCodeBadInput, err.Error()
	if f, ok := err.(*gqlFail); ok {
		code = f.code
	}
	return gqlError{Message: msg, Path: path, Extensions: map[string]string{"code": code}}
}

// field resolves one selected field of parent, of type typ, to JSON.
func (x *aecExec) field(typ string, parent any, f *gqldoc.Field) (json.RawMessage, error) {
	if f.Name == "__typename" {
		return json.Marshal(typ)
	}
	def := x.schema[typ][f.Name]
	args := make(map[string]any, len(f.Args))
	for _, a := range f.Args {
		v, err := a.Value.Resolve(x.vars)
		if err != nil {
			return nil, &gqlFail{gqlCodeBadInput, err.Error()}
		}
		args[a.Name] = v
	}
	v, err := def.resolve(x, parent, args)
	if err != nil {
		return nil, err
	}
	return x.render(v, f.Fields)
}

// render writes a resolved value with its selection set.
func (x *aecExec) render(v any, sel []*gqldoc.Field) (json.RawMessage, error) {
	switch v := v.(type) {
	case gqlObj:
		var b bytes.Buffer
		b.WriteByte('{')
		for i, f := range sel {
			if i > 0 {
				b.WriteByte(',')
			}
			writeKey(&b, f.Key())
			raw, err := x.field(v.typ, v.v, f)
			if err != nil {
				return nil, err
			}
			b.Write(raw)
		}
		b.WriteByte('}')
		return b.Bytes(), nil
	case []gqlObj:
		var b bytes.Buffer
		b.WriteByte('[')
		for i, o := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			raw, err := x.render(o, sel)
			if err != nil {
				return nil, err
			}
			b.Write(raw)
		}
		b.WriteByte(']')
		return b.Bytes(), nil
	}
	return json.Marshal(v)
}

func writeKey(b *bytes.Buffer, key string) {
	k, _ := json.Marshal(key)
	b.Write(k)
	b.WriteByte(':')
}
