package extract

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aps-mcp/aps-mcp/specfacts"
)

// parameter reads one parameter of an operation as facts.json keeps it:
// name, location, whether it is required, and the enum its schema allows.
// This file holds what reads schemas, following $refs within the document.
func (d *document) parameter(v any) (specfacts.Parameter, error) {
	m, err := d.resolve(v)
	if err != nil {
		return specfacts.Parameter{}, err
	}
	p := specfacts.Parameter{}
	p.Name, _ = m["name"].(string)
	p.In, _ = m["in"].(string)
	p.Required, _ = m["required"].(bool)
	if p.Name == "" || p.In == "" {
		return p, errors.New("parameter without name or in")
	}
	schema := m["schema"]
	if schema == nil {
		// A parameter may carry its schema under content instead; OpenAPI
		// allows exactly one media type there.
		for _, mt := range asMap(m["content"]) {
			schema = asMap(mt)["schema"]
		}
	}
	if schema != nil {
		enum, err := d.enum(schema, 0)
		if err != nil {
			return p, fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		p.Enum = enum
	}
	return p, nil
}

// enum returns the sorted values a schema allows: its own enum, the enum of
// the schema it references, of an array's items, or the union over
// allOf/oneOf/anyOf members. Nil means the schema has no enum.
func (d *document) enum(v any, depth int) ([]string, error) {
	if depth > maxRefDepth {
		return nil, errors.New("schema nested too deeply")
	}
	s, err := d.resolve(v)
	if err != nil {
		return nil, err
	}
	if vals, ok := s["enum"].([]any); ok {
		var out []string
		for _, e := range vals {
			if e == nil {
				continue // null in an enum only says the value may be absent
			}
			out = append(out, fmt.Sprint(e))
		}
		slices.Sort(out)
		return slices.Compact(out), nil
	}
	if items, ok := s["items"]; ok {
		return d.enum(items, depth+1)
	}
	var out []string
	for _, k := range []string{"allOf", "oneOf", "anyOf"} {
		members, _ := s[k].([]any)
		for _, mv := range members {
			e, err := d.enum(mv, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, e...)
		}
	}
	if out == nil {
		return nil, nil
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func (d *document) body(v any) (*specfacts.Body, error) {
	m, err := d.resolve(v)
	if err != nil {
		return nil, err
	}
	b := &specfacts.Body{}
	b.Required, _ = m["required"].(bool)
	content := asMap(m["content"])
	for _, mt := range sortedKeys(content) {
		media := specfacts.Media{Type: mt}
		if schema, ok := asMap(content[mt])["schema"]; ok {
			props, required, err := d.properties(schema, 0)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", mt, err)
			}
			media.Properties = sortedSet(props)
			media.Required = sortedSet(required)
		}
		b.Content = append(b.Content, media)
	}
	return b, nil
}

// properties returns the top-level property names of a schema and the
// required ones. allOf members all apply, so both sets merge; for oneOf and
// anyOf any member may be sent, so their properties are possible but none is
// required by the schema as a whole.
func (d *document) properties(v any, depth int) (props, required map[string]bool, err error) {
	if depth > maxRefDepth {
		return nil, nil, errors.New("schema nested too deeply")
	}
	s, err := d.resolve(v)
	if err != nil {
		return nil, nil, err
	}
	props, required = map[string]bool{}, map[string]bool{}
	for name := range asMap(s["properties"]) {
		props[name] = true
	}
	names, _ := s["required"].([]any)
	for _, n := range names {
		if name, ok := n.(string); ok {
			required[name] = true
		}
	}
	for _, k := range []string{"allOf", "oneOf", "anyOf"} {
		members, _ := s[k].([]any)
		for _, mv := range members {
			p, r, err := d.properties(mv, depth+1)
			if err != nil {
				return nil, nil, err
			}
			for name := range p {
				props[name] = true
			}
			if k == "allOf" {
				for name := range r {
					required[name] = true
				}
			}
		}
	}
	return props, required, nil
}

// resolve follows $ref chains within the document and returns the mapping
// they end at.
func (d *document) resolve(v any) (map[string]any, error) {
	m := asMap(v)
	for range maxRefDepth {
		ref, ok := m["$ref"].(string)
		if !ok {
			if m == nil {
				return nil, errors.New("expected a mapping")
			}
			return m, nil
		}
		target, err := d.pointer(ref)
		if err != nil {
			return nil, err
		}
		m = asMap(target)
	}
	return nil, errors.New("$ref chain too long")
}

// pointer resolves a local JSON pointer such as #/components/schemas/region.
func (d *document) pointer(ref string) (any, error) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("$ref %q: only local references are supported", ref)
	}
	var cur any = d.root
	for _, tok := range strings.Split(rest, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		next, ok := asMap(cur)[tok]
		if !ok {
			return nil, fmt.Errorf("$ref %q: %q not found", ref, tok)
		}
		cur = next
	}
	return cur, nil
}

// asMap returns v as a string-keyed mapping, or nil. YAML mappings with
// non-string keys (such as unquoted status codes) decode as map[any]any.
func asMap(v any) map[string]any {
	switch m := v.(type) {
	case map[string]any:
		return m
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, val := range m {
			out[fmt.Sprint(k)] = val
		}
		return out
	}
	return nil
}

func sortedSet(set map[string]bool) []string {
	var out []string
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
