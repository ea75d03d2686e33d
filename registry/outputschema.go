package registry

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// The output schema says what every successful result of a tool holds,
// as the MCP spec asks: a server that declares one must return structured
// content that conforms. It is derived from the tool's projection and the
// shapes result.go and list.go write, and it claims only what holds for
// every answer APS may give: a type where the server writes the value
// itself (a listing's envelope, the array of a single answer), the key
// names a projection gives, and nothing about the values it copies from
// APS.

// buildOutputSchema renders the JSON Schema of t's successful results. It
// is built once, at load.
func buildOutputSchema(t *Tool) []byte {
	var schema object
	if t.Paginate != nil {
		schema = listingSchema(t)
	} else {
		schema = answerSchema(t.Result)
		for _, key := range slices.Sorted(maps.Keys(t.AnswerHeaders)) {
			schema.add(key, map[string]any{"type": "string"}) // not required: APS may leave a header out
		}
	}
	if t.Pending != nil {
		// {"pending": true, "message": ...} while APS prepares the data.
		schema.add("pending", map[string]any{"const": true})
		schema.add("message", map[string]any{"type": "string"})
		schema.required = nil
	}
	b, err := json.Marshal(schema.render())
	if err != nil {
		panic("registry: output schema of plain values failed to marshal: " + err.Error())
	}
	return b
}

// listingSchema is a listing's document: the projected items, their
// count, the pages' warnings if they carry any and, when a cap or a failed page stopped
// it, truncated, the cursor, a note and the page's error.
func listingSchema(t *Tool) object {
	item := map[string]any{}
	if t.Result != "" {
		item = projectionSchema(t.Result)
	}
	s := object{closed: true, required: []string{"items", "count"}}
	s.add("items", arrayOf(item))
	s.add("count", map[string]any{"type": "integer"})
	if t.Paginate.Warnings != "" { // only pages that carry warnings give the key
		s.add("warnings", map[string]any{"type": "array"})
	}
	s.add("truncated", map[string]any{"const": true})
	s.add("cursor", map[string]any{"type": "string"})
	s.add("note", map[string]any{"type": "string"})
	s.add("error", map[string]any{"type": "string"})
	return s
}

// answerSchema is a single answer's document: the projected object as it
// is, a projected array as {"items": [...], "count": n}, and anything
// else (null when the projection finds nothing) as {"result": value}.
func answerSchema(result string) object {
	shape, sel := projectionShape(result)
	switch shape {
	case shapeObject:
		return selectorObject(sel)
	case shapeObjectOrNothing:
		s := selectorObject(sel)
		s.add("result", map[string]any{"type": "null"})
		return s
	case shapeArray, shapeArrayOfArrays:
		element := map[string]any{}
		if shape == shapeArray {
			element = selectorObject(sel).render()
		}
		s := object{closed: true}
		s.add("items", arrayOf(element))
		s.add("count", map[string]any{"type": "integer"})
		s.add("result", map[string]any{"type": "null"})
		return s
	}
	// An answer as APS sent it, or projected by a path of unknown shape:
	// any object (its own, or one of the wrappings), with nothing to say
	// of its keys or types.
	return object{}
}

// arrayOf is the schema of an array of element; an empty element schema
// says nothing, so it is left out.
func arrayOf(element map[string]any) map[string]any {
	s := map[string]any{"type": "array"}
	if len(element) > 0 {
		s["items"] = element
	}
	return s
}

// projectionSchema describes what a projection makes of one listed item:
// an object with the selector's keys when it is a multipath, else
// nothing known.
func projectionSchema(result string) map[string]any {
	if shape, sel := projectionShape(result); shape == shapeObject {
		return selectorObject(sel).render()
	}
	return map[string]any{}
}

// Shapes of what a projection yields.
const (
	shapeUnknown         = iota
	shapeObject          // {…}: always an object
	shapeObjectOrNothing // a.b.{…}: an object, or nothing when a.b is missing
	shapeArray           // a.#.{…}: an array of objects, or nothing
	shapeArrayOfArrays   // a.#.b.#.{…}: arrays of arrays, or nothing
)

// projectionShape classifies a projection by its last component, a
// multipath whose inside it returns, and the components before it.
func projectionShape(result string) (int, string) {
	comps := splitTop(result, ".|")
	last := comps[len(comps)-1]
	if result == "" || !strings.HasPrefix(last, "{") || !strings.HasSuffix(last, "}") {
		return shapeUnknown, ""
	}
	sel := last[1 : len(last)-1]
	arrays := 0
	for _, c := range comps[:len(comps)-1] {
		switch {
		case c == "#" || strings.HasPrefix(c, "#(") && strings.HasSuffix(c, ")#"):
			arrays++
		case strings.HasPrefix(c, "#(") || c != "" && strings.Trim(c, "0123456789") == "":
			// one element: the first match, or an index
		case c == "" || strings.ContainsAny(c, "@!*?{}[]()\\\""):
			return shapeUnknown, ""
		}
	}
	switch {
	case len(comps) == 1:
		return shapeObject, sel
	case arrays == 0:
		return shapeObjectOrNothing, sel
	case arrays == 1:
		return shapeArray, sel
	}
	return shapeArrayOfArrays, sel
}

// selectorObject is the object a multipath builds: its keys, no more
// (gjson leaves out what it does not find), each value described by
// valueSchema.
func selectorObject(sel string) object {
	s := object{closed: true}
	for _, part := range selectorParts(sel) {
		s.add(part.key, valueSchema(part.path))
	}
	return s
}

// valueSchema describes a value a multipath copies from APS: no type,
// since APS decides it, but the keys of a nested multipath for whichever
// shape it turns out to have.
func valueSchema(path string) map[string]any {
	comps := splitTop(path, ".|")
	flattened := false
	if comps[len(comps)-1] == "@flatten" {
		comps, flattened = comps[:len(comps)-1], true
	}
	shape, sel := projectionShape(strings.Join(comps, "."))
	if flattened && shape == shapeArrayOfArrays {
		shape = shapeArray
	}
	switch shape {
	case shapeObject, shapeObjectOrNothing:
		return map[string]any{"properties": selectorObject(sel).props}
	case shapeArray:
		return map[string]any{"items": map[string]any{"properties": selectorObject(sel).props}}
	}
	return map[string]any{}
}

// object is a JSON Schema object being built.
type object struct {
	props    map[string]any
	order    []string
	required []string
	closed   bool // no keys but props
}

// add declares key. A key declared twice (a projected key that is also
// one the server writes, such as "result") says nothing of either.
func (o *object) add(key string, schema map[string]any) {
	if o.props == nil {
		o.props = map[string]any{}
	}
	if slices.Contains(o.order, key) {
		o.props[key] = map[string]any{}
		return
	}
	o.order = append(o.order, key)
	o.props[key] = schema
}

func (o object) render() map[string]any {
	s := map[string]any{"type": "object"}
	if len(o.props) > 0 { // no properties: an empty list would say nothing
		s["properties"] = o.props
	}
	if o.closed {
		s["additionalProperties"] = false
	}
	if len(o.required) > 0 {
		s["required"] = o.required
	}
	return s
}

// resultKeys are the field names a result projection gives: the keys of
// its last multipath, the object each result or listed item is.
func resultKeys(result string) []string {
	_, sel := projectionShape(result)
	if sel == "" {
		return nil
	}
	var keys []string
	for _, part := range selectorParts(sel) {
		keys = append(keys, part.key)
	}
	return keys
}

// Returns says in a sentence what a successful result of t holds, as its
// output schema declares it, for the tool reference.
func (t *Tool) Returns() string {
	fields := func(keys []string) string { return "`" + strings.Join(keys, "`, `") + "`" }
	var s string
	shape, _ := projectionShape(t.Result)
	keys := resultKeys(t.Result)
	switch {
	case t.Paginate != nil && len(keys) > 0 && shape == shapeObject:
		s = "`items` (each with " + fields(keys) + ") and `count`; `truncated`, `cursor` and `note` when a cap stopped the listing"
	case t.Paginate != nil:
		s = "`items` (as APS lists them) and `count`; `truncated`, `cursor` and `note` when a cap stopped the listing"
	case shape == shapeObject || shape == shapeObjectOrNothing:
		s = fields(keys)
	case shape == shapeArray:
		s = "`items` (each with " + fields(keys) + ") and `count`"
	default:
		what := "APS's answer"
		if t.Result != "" {
			what = "`" + t.Result + "` of APS's answer"
		}
		s = what + ": an object as it is, an array as `items` and `count`, another value as `result`"
	}
	if t.Pending != nil {
		s += `; {"pending": true, "message"} while APS prepares the data`
	}
	return s
}
