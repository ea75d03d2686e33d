package registry

import (
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// projection is a result path prepared at load, used for single answers
// and for each listed item alike. The common form, an
// object of simple fields ("{id,name:attributes.name,size}"), is applied
// field by field on the raw bytes, skipping gjson's parse of the
// multipath on every item; any other path goes to gjson as it is. Both
// give the same JSON: missing fields are left out.
type projection struct {
	path   string
	fields []projectedField // nil when the path is not the simple form
}

type projectedField struct {
	key  []byte // `"name":`
	path string
}

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
	for _, part := range strings.Split(inner, ",") {
		key, value, renamed := strings.Cut(part, ":")
		if !renamed {
			value = part
			key = part[strings.LastIndexByte(part, '.')+1:]
		}
		if key == "" || value == "" {
			return projection{path: path}
		}
		p.fields = append(p.fields, projectedField{key: []byte(strconv.Quote(key) + ":"), path: value})
	}
	return p
}

// apply projects one JSON value (raw), appending the result to dst.
func (p projection) apply(dst []byte, raw string) []byte {
	if p.fields == nil {
		v := gjson.Get(raw, p.path)
		if v.Raw == "" {
			return append(dst, "null"...)
		}
		return append(dst, v.Raw...)
	}
	dst = append(dst, '{')
	first := true
	for _, f := range p.fields {
		v := gjson.Get(raw, f.path)
		if !v.Exists() {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, f.key...)
		dst = append(dst, v.Raw...)
	}
	return append(dst, '}')
}
