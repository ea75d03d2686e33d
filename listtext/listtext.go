// Package listtext writes a listing's JSON document as compact text for a
// model to read, and reads that text back.
//
// A listing repeats the same keys in every item; in JSON a model pays
// for them again on each one. The text form names them once, in a
// header, and then gives one line per item with the values in that
// order, each written as JSON, so nothing is lost: strings keep their
// quotes and escapes, numbers, booleans, null, arrays and objects are as
// they were, and an empty place means the item has no such key. The
// document's other keys (count, cursor, note...) follow as "key: value"
// lines, the value again as JSON. For
//
//	{"items":[{"id":"a","size":1},{"id":"b"}],"count":2}
//
// the text is
//
//	items[2]{id,size}:
//	"a",1
//	"b",
//	count: 2
//
// Parse turns the text back into a document equal to the original as
// JSON values (key order inside an item follows the header).
package listtext

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/tidwall/pretty"
)

// Text renders doc, a JSON object with an "items" array of objects, in
// the compact form. It reports false, and renders nothing, for a
// document that is not one: not an object, items missing or holding
// something other than objects, or an object with a key twice, which
// the form cannot hold.
func Text(doc []byte) (string, bool) {
	root := gjson.ParseBytes(doc)
	if !root.IsObject() {
		return "", false
	}
	items := root.Get("items")
	fields, index, ok := columns(items)
	if !ok {
		return "", false
	}
	out := make([]byte, 0, len(doc)-len(doc)/4)
	seen := map[string]bool{}
	ok = true
	root.ForEach(func(k, v gjson.Result) bool {
		key := k.String()
		if seen[key] {
			ok = false
			return false
		}
		seen[key] = true
		if key == "items" {
			out = appendTable(out, items, fields, index)
			return true
		}
		out = appendName(out, key)
		out = append(out, ": "...)
		out = appendValue(out, v.Raw)
		out = append(out, '\n')
		return true
	})
	if !ok {
		return "", false
	}
	return string(bytes.TrimSuffix(out, []byte{'\n'})), true
}

// columns is the union of the items' keys in the order they first
// appear, with each key's place; it reports false when an item is not
// an object or has a key twice.
func columns(items gjson.Result) ([]string, map[string]int, bool) {
	if !items.IsArray() {
		return nil, nil, false
	}
	var fields []string
	index := map[string]int{}
	var seen []bool // which fields the item at hand has had
	ok := true
	items.ForEach(func(_, item gjson.Result) bool {
		if !item.IsObject() {
			ok = false
			return false
		}
		clear(seen)
		item.ForEach(func(k, _ gjson.Result) bool {
			key := k.String()
			i, known := index[key]
			if !known {
				i = len(fields)
				index[key] = i
				fields = append(fields, key)
				seen = append(seen, false)
			}
			if seen[i] {
				ok = false
			}
			seen[i] = true
			return ok
		})
		return ok
	})
	return fields, index, ok
}

// appendTable writes the header line and one line per item.
func appendTable(out []byte, items gjson.Result, fields []string, index map[string]int) []byte {
	out = append(out, "items["...)
	out = strconv.AppendInt(out, items.Get("#").Int(), 10)
	out = append(out, "]{"...)
	for i, f := range fields {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendName(out, f)
	}
	out = append(out, "}:\n"...)
	cells := make([]string, len(fields))
	has := make([]bool, len(fields))
	items.ForEach(func(_, item gjson.Result) bool {
		clear(has)
		item.ForEach(func(k, v gjson.Result) bool {
			i := index[k.String()]
			cells[i], has[i] = v.Raw, true
			return true
		})
		for i := range fields {
			if i > 0 {
				out = append(out, ',')
			}
			if has[i] {
				out = appendValue(out, cells[i])
			}
		}
		out = append(out, '\n')
		return true
	})
	return out
}

// appendName writes a key bare when it is a plain name, else as a JSON
// string, so commas, braces and colons in keys stay unambiguous.
func appendName(out []byte, name string) []byte {
	if plainName(name) {
		return append(out, name...)
	}
	b, _ := json.Marshal(name) // a string always encodes
	return append(out, b...)
}

// plainName reports a key made of letters, digits, _, - and . that does
// not start like a JSON value.
func plainName(s string) bool {
	if s == "" || s[0] == '-' || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// appendValue writes a raw JSON value on one line: APS may indent what
// it sends, and a line is one item.
func appendValue(out []byte, raw string) []byte {
	if strings.ContainsAny(raw, "\n\r") {
		return append(out, pretty.Ugly([]byte(raw))...)
	}
	return append(out, raw...)
}
