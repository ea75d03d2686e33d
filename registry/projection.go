package registry

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/tidwall/pretty"
)

// projection is a result path prepared at load, used for single answers
// and for each listed item alike. The common form, an object of simple
// fields ("{id,name:attributes.name,size}"), is applied in one pass over
// the item's keys on the raw bytes, skipping gjson's parse of the
// multipath and its search from the start for every field; any other
// path goes to gjson as it is. Both give the same JSON: fields in the
// path's order, missing ones left out.
type projection struct {
	path   string
	fields []projectedField // nil when the path is not the simple form
	heads  []string         // the distinct first segments of the fields' paths
}

type projectedField struct {
	key  []byte // `"name":`
	path string
	head int    // index in heads of the item key the path starts at
	rest string // the path inside that key's value; "" for the value itself
}

// maxFastFields bounds the fields apply gathers on the stack.
const maxFastFields = 32

func compileProjection(path string) projection {
	p := projection{path: path}
	inner, ok := strings.CutPrefix(path, "{")
	if !ok {
		return p
	}
	inner, ok = strings.CutSuffix(inner, "}")
	if !ok || inner == "" || strings.ContainsAny(inner, "{}[]()#@|\\\"*?!=<>") {
		return p
	}
	parts := strings.Split(inner, ",")
	if len(parts) > maxFastFields {
		return p
	}
	for _, part := range parts {
		key, value, renamed := strings.Cut(part, ":")
		if !renamed {
			value = part
			key = part[strings.LastIndexByte(part, '.')+1:]
		}
		head, rest, _ := strings.Cut(value, ".")
		if key == "" || head == "" || strings.HasSuffix(value, ".") {
			return projection{path: path}
		}
		i := slices.Index(p.heads, head)
		if i < 0 {
			i = len(p.heads)
			p.heads = append(p.heads, head)
		}
		p.fields = append(p.fields, projectedField{key: []byte(strconv.Quote(key) + ":"), path: value, head: i, rest: rest})
	}
	return p
}

// appendTo projects one JSON value (raw), appending the result to dst.
func (p projection) appendTo(dst []byte, raw string) []byte {
	if p.fields == nil {
		v := gjson.Get(raw, p.path)
		if v.Raw == "" {
			return append(dst, "null"...)
		}
		return append(dst, v.Raw...)
	}
	var (
		values [maxFastFields]string // each field's raw value, "" when missing
		seen   [maxFastFields]bool   // heads met (the first of duplicate keys counts, as in gjson)
		left   = len(p.heads)
	)
	item := gjson.Parse(raw)
	if !item.IsObject() {
		// gjson still answers some paths on arrays ("0"); keep its meaning.
		for i, f := range p.fields {
			values[i] = gjson.Get(raw, f.path).Raw
		}
	} else {
		item.ForEach(func(k, v gjson.Result) bool {
			h := slices.Index(p.heads, k.Str)
			if h < 0 || seen[h] {
				return true
			}
			seen[h] = true
			for i, f := range p.fields {
				if f.head != h {
					continue
				}
				if f.rest == "" {
					values[i] = v.Raw
				} else {
					values[i] = gjson.Get(v.Raw, f.rest).Raw
				}
			}
			left--
			return left > 0
		})
	}
	dst = append(dst, '{')
	first := true
	for i, f := range p.fields {
		if values[i] == "" {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, f.key...)
		dst = append(dst, values[i]...)
	}
	return append(dst, '}')
}

// projectItem applies the tool's result path to one listed item,
// appending it to dst without layout.
func projectItem(dst []byte, t *Tool, item gjson.Result) []byte {
	at := len(dst)
	if t.Result == "" {
		dst = append(dst, item.Raw...)
	} else {
		dst = t.projection.appendTo(dst, item.Raw)
	}
	return dst[:at+len(unindent(dst[at:]))]
}

// unindent drops, in place, the layout of JSON an API sent indented, so it
// costs the model no tokens and the byte caps count content. It returns
// the start of raw, shortened.
func unindent(raw []byte) []byte {
	if bytes.ContainsAny(raw, "\n\t") {
		return pretty.UglyInPlace(raw)
	}
	return raw
}
