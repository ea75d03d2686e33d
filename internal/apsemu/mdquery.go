package apsemu

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// compileQuery turns a properties:query query into a predicate; ok is
// false when it is not exactly one supported operator in its documented
// form.
func compileQuery(q map[string][]any) (match func(mdObject) bool, ok bool) {
	if len(q) != 1 {
		return nil, false
	}
	for op, args := range q {
		if len(args) < 2 {
			return nil, false
		}
		attr, isString := args[0].(string)
		if !isString {
			return nil, false
		}
		switch op {
		case "$in":
			return compileIn(attr, args[1:])
		case "$eq":
			return compileEq(attr, args[1:])
		case "$prefix", "$like", "$contains":
			return compileText(op, attr, args[1:])
		case "$between", "$le", "$ge":
			return compileRange(op, attr, args[1:])
		}
	}
	return nil, false
}

// compileEq builds the $eq predicate: the name, or a numeric property
// compared with a relative tolerance.
func compileEq(attr string, args []any) (func(mdObject) bool, bool) {
	if len(args) != 1 {
		return nil, false
	}
	if attr == "name" {
		want, isString := args[0].(string)
		return func(o mdObject) bool { return o.name == want }, isString
	}
	want, isNumber := args[0].(float64)
	return func(o mdObject) bool {
		got, ok := numericProperty(o, attr)
		return ok && math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
	}, isNumber
}

// compileText builds the $prefix and $like predicates on the name and the
// $contains one (every word, case-insensitively) on any text attribute.
func compileText(op, attr string, args []any) (func(mdObject) bool, bool) {
	want, isString := args[0].(string)
	if len(args) != 1 || !isString || (op != "$contains" && attr != "name") {
		return nil, false
	}
	switch op {
	case "$prefix":
		return func(o mdObject) bool { return strings.HasPrefix(o.name, want) }, true
	case "$like":
		return func(o mdObject) bool { return likeMatch(strings.ToLower(o.name), strings.ToLower(want)) }, true
	}
	words := strings.Fields(strings.ToLower(want))
	return func(o mdObject) bool {
		got, ok := textProperty(o, attr)
		got = strings.ToLower(got)
		return ok && !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(got, w) })
	}, len(words) > 0 && len(words) <= 50
}

// compileRange builds the $between (two bounds, either order), $le and
// $ge (one bound) predicates on a numeric property.
func compileRange(op, attr string, args []any) (func(mdObject) bool, bool) {
	bounds := make([]float64, 0, 2)
	for _, a := range args {
		n, isNumber := a.(float64)
		if !isNumber {
			return nil, false
		}
		bounds = append(bounds, n)
	}
	if (op == "$between") != (len(bounds) == 2) || len(bounds) > 2 {
		return nil, false
	}
	return func(o mdObject) bool {
		got, ok := numericProperty(o, attr)
		switch {
		case !ok:
			return false
		case op == "$le":
			return got <= bounds[0]
		case op == "$ge":
			return got >= bounds[0]
		}
		return got >= min(bounds[0], bounds[1]) && got <= max(bounds[0], bounds[1])
	}, true
}

// compileIn builds the $in predicate on objectid or externalId.
func compileIn(attr string, vals []any) (func(mdObject) bool, bool) {
	switch attr {
	case "objectid":
		ids := make([]int, 0, len(vals))
		for _, v := range vals {
			n, isNumber := v.(float64)
			if !isNumber {
				return nil, false
			}
			ids = append(ids, int(n))
		}
		return func(o mdObject) bool { return slices.Contains(ids, o.id) }, true
	case "externalId":
		ids := make([]string, 0, len(vals))
		for _, v := range vals {
			s, isString := v.(string)
			if !isString {
				return nil, false
			}
			ids = append(ids, s)
		}
		return func(o mdObject) bool { return slices.Contains(ids, o.externalID) }, true
	}
	return nil, false
}

// textProperty returns o's name ("name") or a property given as
// "properties.<category>.<name>".
func textProperty(o mdObject, attr string) (string, bool) {
	if attr == "name" {
		return o.name, true
	}
	rest, ok := strings.CutPrefix(attr, "properties.")
	if !ok {
		return "", false
	}
	category, name, ok := strings.Cut(rest, ".")
	if !ok {
		return "", false
	}
	v, ok := o.props[category][name]
	return v, ok
}

// numericProperty returns a property's value in metric base units: the
// number leading its display string, scaled from mm, mm^2 or mm^3.
func numericProperty(o mdObject, attr string) (float64, bool) {
	s, ok := textProperty(o, attr)
	if !ok {
		return 0, false
	}
	num, unit, _ := strings.Cut(strings.TrimSpace(s), " ")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	switch unit {
	case "mm":
		n /= 1e3
	case "mm^2":
		n /= 1e6
	case "mm^3":
		n /= 1e9
	}
	return n, true
}

// likeMatch reports whether s matches an SQL LIKE pattern (% any run, _
// one character).
func likeMatch(s, pattern string) bool {
	if pattern == "" {
		return s == ""
	}
	switch r, size := utf8.DecodeRuneInString(pattern); r {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(s[i:], pattern[size:]) {
				return true
			}
		}
		return false
	case '_':
		if s == "" {
			return false
		}
		_, n := utf8.DecodeRuneInString(s)
		return likeMatch(s[n:], pattern[size:])
	default:
		return strings.HasPrefix(s, pattern[:size]) && likeMatch(s[size:], pattern[size:])
	}
}

// projectObject renders an object of the properties collection, keeping
// only what fields asks for (everything when fields is nil).
func projectObject(o mdObject, fields []string) map[string]any {
	want := func(name string) bool { return fields == nil || slices.Contains(fields, name) }
	out := map[string]any{}
	if want("objectid") {
		out["objectid"] = o.id
	}
	if want("name") {
		out["name"] = o.name
	}
	if want("externalId") {
		out["externalId"] = o.externalID
	}
	props := map[string]any{}
	for category, values := range o.props {
		kept := map[string]string{}
		for name, value := range values {
			if fields == nil || slices.ContainsFunc(fields, func(f string) bool { return fieldSelects(f, category, name) }) {
				kept[name] = value
			}
		}
		if len(kept) > 0 {
			props[category] = kept
		}
	}
	if fields == nil || slices.ContainsFunc(fields, func(f string) bool { return f == "properties" || strings.HasPrefix(f, "properties.") }) {
		out["properties"] = props
	}
	return out
}

// fieldSelects reports whether a fields entry selects the property name of
// category: "properties", "properties.<category>" (and all its
// children), "properties.<category>.<name>", each part a pattern in which
// "*" matches any run of characters.
func fieldSelects(field, category, name string) bool {
	if field == "properties" {
		return true
	}
	rest, ok := strings.CutPrefix(field, "properties.")
	if !ok {
		return false
	}
	catPattern, namePattern, hasName := strings.Cut(rest, ".")
	if !globMatch(catPattern, category) {
		return false
	}
	return !hasName || globMatch(namePattern, name)
}

// globMatch reports whether s matches pattern, where "*" matches any run
// of characters and everything else matches itself.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
