package listtext

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Parse reads text written by Text back into the JSON document it
// renders.
func Parse(text string) ([]byte, error) {
	lines := strings.Split(text, "\n")
	out := []byte{'{'}
	for n := 0; n < len(lines); n++ {
		if len(out) > 1 {
			out = append(out, ',')
		}
		line := lines[n]
		if rest, ok := strings.CutPrefix(line, "items["); ok {
			rows, fields, constants, err := header(rest)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n+1, err)
			}
			if n+rows >= len(lines) {
				return nil, fmt.Errorf("line %d: %d items announced, %d lines follow", n+1, rows, len(lines)-n-1)
			}
			if out, err = appendItems(out, fields, constants, lines[n+1:n+1+rows]); err != nil {
				return nil, fmt.Errorf("items after line %d: %w", n+1, err)
			}
			n += rows
			continue
		}
		name, rest, err := readName(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		value, ok := strings.CutPrefix(rest, ": ")
		if !ok || !json.Valid([]byte(value)) {
			return nil, fmt.Errorf("line %d: want name: JSON value, got %q", n+1, line)
		}
		out = appendKey(out, name)
		out = append(out, value...)
	}
	return append(out, '}'), nil
}

// header reads "N]{a,b}:" after "items[", or "N]{a}, all with b=1:".
func header(s string) (int, []string, map[string]string, error) {
	bad := fmt.Errorf("bad items header %q", s)
	count, rest, ok := strings.Cut(s, "]{")
	rows, err := strconv.Atoi(count)
	if !ok || err != nil || rows < 0 {
		return 0, nil, nil, bad
	}
	var fields []string
	for !strings.HasPrefix(rest, "}") {
		if len(fields) > 0 {
			if rest, ok = strings.CutPrefix(rest, ","); !ok {
				return 0, nil, nil, bad
			}
		}
		var name string
		if name, rest, err = readName(rest); err != nil {
			return 0, nil, nil, err
		}
		fields = append(fields, name)
	}
	rest = rest[1:]
	constants := map[string]string{}
	for first := true; rest != ":"; first = false {
		prefix := ", "
		if first {
			prefix += allWith
		}
		var name, value string
		if rest, ok = strings.CutPrefix(rest, prefix); !ok {
			return 0, nil, nil, bad
		}
		if name, rest, err = readName(rest); err != nil {
			return 0, nil, nil, err
		}
		if rest, ok = strings.CutPrefix(rest, "="); !ok {
			return 0, nil, nil, bad
		}
		if value, rest, err = readValue(rest); err != nil {
			return 0, nil, nil, err
		}
		constants[name] = value
	}
	return rows, fields, constants, nil
}

// readName reads a bare or JSON-quoted name from the start of s.
func readName(s string) (string, string, error) {
	if strings.HasPrefix(s, `"`) {
		raw, rest, err := readValue(s)
		var name string
		if err == nil {
			err = json.Unmarshal([]byte(raw), &name)
		}
		return name, rest, err
	}
	end := strings.IndexAny(s, ",}:=")
	if end <= 0 || !plainName(s[:end]) {
		return "", "", fmt.Errorf("no name at %q", s)
	}
	return s[:end], s[end:], nil
}

// readValue reads one JSON value from the start of s.
func readValue(s string) (string, string, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return "", "", fmt.Errorf("bad value at %q: %w", s, err)
	}
	end := int(dec.InputOffset())
	return s[:end], s[end:], nil
}

// appendItems writes "items":[...] from the rows, one object each, with
// the constants in every one.
func appendItems(out []byte, fields []string, constants map[string]string, rows []string) ([]byte, error) {
	out = append(appendKey(out, "items"), '[')
	for r, row := range rows {
		if r > 0 {
			out = append(out, ',')
		}
		out = append(out, '{')
		first := true
		for _, name := range slices.Sorted(maps.Keys(constants)) {
			if !first {
				out = append(out, ',')
			}
			first = false
			out = append(appendKey(out, name), constants[name]...)
		}
		for i, f := range fields {
			if i > 0 {
				var ok bool
				if row, ok = strings.CutPrefix(row, ","); !ok {
					return nil, fmt.Errorf("row %d: want a comma before %s, got %q", r+1, f, row)
				}
			}
			if row == "" || row[0] == ',' {
				continue // the item has no such key
			}
			raw, rest, err := readValue(row)
			if err != nil {
				return nil, fmt.Errorf("row %d, %s: %w", r+1, f, err)
			}
			if !first {
				out = append(out, ',')
			}
			first = false
			out = append(appendKey(out, f), raw...)
			row = rest
		}
		if row != "" {
			return nil, errors.New("row " + strconv.Itoa(r+1) + " has more values than the header names")
		}
		out = append(out, '}')
	}
	return append(out, ']'), nil
}

func appendKey(out []byte, name string) []byte {
	b, _ := json.Marshal(name) // a string always encodes
	return append(append(out, b...), ':')
}
