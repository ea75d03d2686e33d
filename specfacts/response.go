package specfacts

import (
	"fmt"
	"slices"
	"strings"
)

// Fields is the shape of a response schema, reduced to its field names:
// each key is a property, Each an array's elements, Any any key of a
// mapping the schema leaves open (free-form objects, additionalProperties,
// a recursive schema cut where it repeats), and a field without children
// a scalar.
type Fields map[string]Fields

// Keys of Fields that are not property names.
const (
	// Each stands for every element of an array, as # does in gjson.
	Each = "#"
	// Any stands for any key, and whatever lies below it.
	Any = "*"
)

// Read is a field a tool takes from an operation's answer.
type Read struct {
	// Field names the part of the declaration that reads it, e.g.
	// "result" or "paginate.items".
	Field string
	// Path is the field's dotted path in the answer, Each for every
	// element of an array, e.g. "data.#.attributes.displayName".
	Path string
}

// Has reports whether the schema holds the dotted path, and otherwise
// how far it got: the longest prefix it holds.
func (f Fields) Has(path string) (ok bool, known string) { return f.walk(path, false) }

// walk follows path through the schema; throughLists lets a segment that
// is not there go on in an array's elements, as a GraphQL selection path,
// which names no elements, needs.
func (f Fields) walk(path string, throughLists bool) (ok bool, known string) {
	node := f
	var walked []string
	for _, seg := range strings.Split(path, ".") {
		for {
			if _, open := node[Any]; open {
				return true, ""
			}
			if next, found := node[seg]; found {
				node = next
				walked = append(walked, seg)
				break
			}
			elems, isList := node[Each]
			if !throughLists || !isList {
				return false, strings.Join(walked, ".")
			}
			node = elems
			walked = append(walked, Each)
		}
	}
	return true, ""
}

// at returns the node at a dotted path the schema holds ("" for the root).
func (f Fields) at(path string) Fields {
	node := f
	if path == "" {
		return node
	}
	for _, seg := range strings.Split(path, ".") {
		node = node[seg]
	}
	return node
}

// CheckReads compares the fields t reads from its answers with the
// response schemas the specs declare for its operation, and returns one
// problem per field no schema has. The specs leave out fields APS does
// send, so these are warnings: a misspelled field is silently absent from
// every result, which is worth a look, not a refusal. An operation the
// specs do not declare, or one without a JSON response schema, gives no
// problems here (Check reports the first).
func (f *Facts) CheckReads(t Tool) []Problem {
	var schemas []*Operation
	for _, op := range f.Lookup(t.Method, t.Path) {
		if len(t.GraphQL) > 0 && len(op.GraphQL) > 0 {
			op = graphqlAnswer(op, t.GraphQL)
		}
		if op.Response != nil {
			schemas = append(schemas, op)
		}
	}
	if len(schemas) == 0 {
		return nil
	}
	var ps []Problem
	for _, r := range t.Reads {
		var known string
		found := false
		for _, op := range schemas {
			ok, k := op.Response.Has(r.Path)
			found = found || ok
			if len(k) > len(known) {
				known = k
			}
		}
		if found {
			continue
		}
		op := schemas[0]
		ps = append(ps, Problem{Tool: t.Name, Field: r.Field, Message: fmt.Sprintf(
			"reads %s, which the response schema of %s (%s %s in %s) lacks; %s", r.Path, op.OperationID, op.Method, op.Path, op.File,
			whatIsThere(op.Response, known))})
	}
	return ps
}

// whatIsThere names the fields the schema has where a read went astray.
func whatIsThere(f Fields, known string) string {
	node := f.at(known)
	what, where := known, "under "+known
	if known == "" {
		what, where = "the answer", "at the top"
	}
	keys := make([]string, 0, len(node))
	for k := range node {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	switch {
	case len(keys) == 0:
		return what + " is a plain value"
	case len(keys) == 1 && keys[0] == Each:
		return what + " is an array: read its elements with #"
	}
	return fmt.Sprintf("%s it has %s", where, strings.Join(keys, ", "))
}
