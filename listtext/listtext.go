// Package listtext writes a listing's JSON document as compact text for a
// model to read, and reads that text back.
//
// A listing repeats the same keys in every item; in JSON a model pays
// for them again on each one. The text form names them once, in a
// header, and then gives one line per item with the values in that
// order, each written as JSON, so nothing is lost: strings keep their
// quotes, numbers, booleans, null, arrays and objects are as they were,
// and an empty place means the item has no such key. A field every item
// has with the same value is said once, after the header's field names
// ("all with type=..."), rather than on every line. The document's other
// keys (count, cursor, note...) follow as "key: value" lines, the value
// again as JSON. For
//
//	{"items":[{"id":"a","size":1,"kind":"f"},{"id":"b","kind":"f"}],"count":2}
//
// the text is
//
//	items[2]{id,size}, all with kind="f":
//	"a",1
//	"b",
//	count: 2
//
// A string's \u escapes of printable characters are written as the
// characters, which cost a model fewer tokens. Parse turns the text back
// into a document equal to the original as JSON values (key order inside
// an item may differ).
package listtext

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
	"github.com/tidwall/pretty"

	"github.com/aps-mcp/aps-mcp/internal/alias"
)

// Text renders doc, a JSON object with an "items" array of objects, in
// the compact form. It reports false, and renders nothing, for a
// document that is not one: not an object, items missing or holding
// something other than objects, or an object with a key twice, which
// the form cannot hold.
//
// Text reads doc in place and the text it returns shares the memory it
// was written in (see alias.String): a listing's document and text are
// each hundreds of kilobytes, made on the way to the answer.
func Text(doc []byte) (string, bool) {
	root := gjson.Parse(alias.String(doc))
	if !root.IsObject() {
		return "", false
	}
	items := root.Get("items")
	fields, index, same, n, ok := columns(items)
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
			out = appendTable(out, items, n, fields, index, same)
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
	return alias.String(bytes.TrimSuffix(out, []byte{'\n'})), true
}

// columns is the union of the items' keys in the order they first
// appear, with each key's place, and which keys every item has with the
// same value (when there are two items or more): that value, else "";
// and how many items there are. It reports false when an item is not an
// object or has a key twice.
func columns(items gjson.Result) (fields []string, index map[string]int, same []string, n int, ok bool) {
	if !items.IsArray() {
		return nil, nil, nil, 0, false
	}
	index = map[string]int{}
	var seen []bool    // which fields the item at hand has had
	var first []string // each field's first value
	var has []int      // how many items have each field
	var alike []bool   // whether they all have the first value
	ok = true
	items.ForEach(func(_, item gjson.Result) bool {
		if !item.IsObject() {
			ok = false
			return false
		}
		n++
		clear(seen)
		item.ForEach(func(k, v gjson.Result) bool {
			key := k.String()
			i, known := index[key]
			if !known {
				i = len(fields)
				index[key] = i
				fields = append(fields, key)
				seen, first, has, alike = append(seen, false), append(first, v.Raw), append(has, 0), append(alike, true)
			}
			if seen[i] {
				ok = false
			}
			seen[i] = true
			has[i]++
			alike[i] = alike[i] && v.Raw == first[i]
			return ok
		})
		return ok
	})
	same = make([]string, len(fields))
	for i := range fields {
		if alike[i] && has[i] == n && n >= 2 {
			same[i] = first[i]
		}
	}
	return fields, index, same, n, ok
}

// appendTable writes the header line and one line per item (count of
// them). A field every item has with the same value is said once, in
// the header.
func appendTable(out []byte, items gjson.Result, count int, fields []string, index map[string]int, same []string) []byte {
	out = append(out, "items["...)
	out = strconv.AppendInt(out, int64(count), 10)
	out = append(out, "]{"...)
	var constants []int
	n := 0
	for i, f := range fields {
		if same[i] != "" {
			constants = append(constants, i)
			continue
		}
		if n > 0 {
			out = append(out, ',')
		}
		n++
		out = appendName(out, f)
	}
	out = append(out, '}')
	cells := make([]string, len(fields))
	has := make([]bool, len(fields))
	for j, i := range constants {
		out = append(out, ", "...)
		if j == 0 {
			out = append(out, allWith...)
		}
		out = append(appendName(out, fields[i]), '=')
		out = appendValue(out, same[i])
	}
	out = append(out, ":\n"...)
	items.ForEach(func(_, item gjson.Result) bool {
		clear(has)
		item.ForEach(func(k, v gjson.Result) bool {
			i := index[k.String()]
			cells[i], has[i] = v.Raw, true
			return true
		})
		n := 0
		for i := range fields {
			if same[i] != "" {
				continue
			}
			if n > 0 {
				out = append(out, ',')
			}
			n++
			if has[i] {
				out = appendValue(out, cells[i])
			}
		}
		out = append(out, '\n')
		return true
	})
	return out
}

// allWith introduces the fields every item has with the same value.
const allWith = "all with "

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
	switch {
	case strings.ContainsAny(raw, "\n\r"):
		return append(out, pretty.Ugly([]byte(raw))...)
	case raw[0] == '"' && strings.Contains(raw, `\u`):
		return appendUnescaped(out, raw)
	}
	return append(out, raw...)
}

// appendUnescaped writes a JSON string with its \u escapes of printable
// characters as the characters: "\u00fc" costs a model several tokens,
// "ü" one.
func appendUnescaped(out []byte, raw string) []byte {
	var s string
	if json.Unmarshal([]byte(raw), &s) != nil || strings.ContainsRune(s, utf8.RuneError) {
		return append(out, raw...) // a lone surrogate would come back as U+FFFD
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(s) != nil {
		return append(out, raw...)
	}
	return append(out, bytes.TrimSuffix(b.Bytes(), []byte{'\n'})...)
}
