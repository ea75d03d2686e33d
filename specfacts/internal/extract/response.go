package extract

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aps-mcp/aps-mcp/specfacts"
)

// jsonTypes are the media types of JSON answers, in the order tried.
var jsonTypes = []string{"application/json", "application/vnd.api+json"}

// response reads the field names of an operation's success answer: the
// 200 response, else the first 2xx one, with a JSON schema. Nil means it
// declares none.
func (d *document) response(v any) (specfacts.Fields, error) {
	responses := asMap(v)
	codes := sortedKeys(responses)
	if i := slices.Index(codes, "200"); i > 0 {
		codes[0], codes[i] = codes[i], codes[0]
	}
	for _, code := range codes {
		if !strings.HasPrefix(code, "2") {
			continue
		}
		r, err := d.resolve(responses[code])
		if err != nil {
			return nil, fmt.Errorf("responses %s: %w", code, err)
		}
		content := asMap(r["content"])
		for _, mt := range jsonTypes {
			media, ok := content[mt]
			if !ok {
				continue
			}
			schema, ok := asMap(media)["schema"]
			if !ok {
				continue
			}
			f, err := d.fields(schema, nil)
			if err != nil {
				return nil, fmt.Errorf("responses %s %s: %w", code, mt, err)
			}
			return f, nil
		}
	}
	return nil, nil
}

// fields reduces a schema to its field names. refs are the $refs being
// expanded: a schema that refers to itself (an object tree's children)
// is left open where it repeats.
func (d *document) fields(v any, refs []string) (specfacts.Fields, error) {
	if len(refs) > maxRefDepth {
		return nil, errors.New("schema nested too deeply")
	}
	if ref, ok := asMap(v)["$ref"].(string); ok {
		if slices.Contains(refs, ref) {
			return specfacts.Fields{specfacts.Any: {}}, nil
		}
		refs = append(refs, ref)
	}
	s, err := d.resolve(v)
	if err != nil {
		return nil, err
	}
	out := specfacts.Fields{}
	for name, prop := range asMap(s["properties"]) {
		f, err := d.fields(prop, refs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = f
	}
	if items, ok := s["items"]; ok {
		f, err := d.fields(items, refs)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		out[specfacts.Each] = f
	}
	switch ap := s["additionalProperties"].(type) {
	case bool:
		if ap {
			out[specfacts.Any] = specfacts.Fields{}
		}
	case nil:
	default:
		out[specfacts.Any] = specfacts.Fields{} // any key: what lies below is not checked
	}
	for _, k := range []string{"allOf", "oneOf", "anyOf"} {
		members, _ := s[k].([]any)
		for _, mv := range members {
			f, err := d.fields(mv, refs)
			if err != nil {
				return nil, err
			}
			merge(out, f)
		}
	}
	if len(out) == 0 {
		switch s["type"] {
		case nil, "object":
			out[specfacts.Any] = specfacts.Fields{} // a free-form object
		case "array":
			out[specfacts.Each] = specfacts.Fields{specfacts.Any: {}}
		}
	}
	return out, nil
}

// merge adds the fields of from to into, member by member: allOf's
// members all apply, and any of oneOf's and anyOf's may be what APS sends.
func merge(into, from specfacts.Fields) {
	for k, f := range from {
		if have, ok := into[k]; ok {
			merge(have, f)
			continue
		}
		into[k] = f
	}
}
