package registry

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ArgError is a bad tool argument; the model sees its message.
type ArgError struct {
	Arg     string
	Message string
}

// Error reads "argument bucket_key: must match ^[-_.a-z0-9]{3,128}$".
func (e *ArgError) Error() string {
	if e.Arg == "" {
		return e.Message
	}
	return "argument " + e.Arg + ": " + e.Message
}

// normalize converts a JSON or YAML value to the parameter's Go type:
// string, int64, float64, bool, []any of those, or map[string]any.
func normalize(p *Param, v any) (any, error) {
	switch p.Type {
	case "array":
		elem := &Param{Type: p.itemType()}
		list, ok := v.([]any)
		if !ok {
			// Models often send one value where a list is asked for
			// ("status": "open"): it is a list of one.
			if n, err := normalize(elem, v); err == nil && v != nil {
				return []any{n}, nil
			}
			return nil, fmt.Errorf("must be an array of %s, got %s", elem.Type+"s", JSONType(v))
		}
		out := make([]any, len(list))
		for i, e := range list {
			n, err := normalize(elem, e)
			if err != nil {
				return nil, fmt.Errorf("element %d %v", i, err)
			}
			out[i] = n
		}
		return out, nil
	case "object":
		if m, ok := v.(map[string]any); ok {
			return m, nil
		}
	case "string":
		if s, ok := v.(string); ok {
			return s, nil
		}
	case "boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case "integer":
		switch n := v.(type) {
		case int:
			return int64(n), nil
		case int64:
			return n, nil
		case uint64:
			if n <= math.MaxInt64 {
				return int64(n), nil
			}
			return nil, errOutOfRange(n)
		case float64:
			switch {
			case math.IsInf(n, 0) || n == math.Trunc(n) && math.Abs(n) >= 1<<53:
				return nil, errOutOfRange(n)
			case n == math.Trunc(n):
				return int64(n), nil
			}
			return nil, fmt.Errorf("must be a whole number, got %v", n)
		}
	case "number":
		switch n := v.(type) {
		case int:
			return float64(n), nil
		case int64:
			return float64(n), nil
		case uint64:
			return float64(n), nil
		case float64:
			return n, nil
		}
	}
	return nil, fmt.Errorf("must be %s, got %s", typeNames[p.Type], JSONType(v))
}

// errOutOfRange is a whole number JSON cannot carry exactly: beyond 2^53
// a JSON number no longer says which integer was meant.
func errOutOfRange(n any) error {
	return fmt.Errorf("is out of range: whole numbers must lie between -%d and %d, got %v", 1<<53-1, 1<<53-1, n)
}

// typeNames are the parameter types as a message says them.
var typeNames = map[string]string{"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean", "array": "an array", "object": "an object"}

// itemType is an array's element type.
func (p *Param) itemType() string {
	if p.Items == "" {
		return "string"
	}
	return p.Items
}

// checkValue normalizes v and checks enum, pattern and bounds; for an
// array they apply to each element.
func checkValue(p *Param, v any) (any, error) {
	_, given := v.([]any) // not a lone value taken as a list of one
	v, err := normalize(p, v)
	if err != nil {
		return nil, err
	}
	if list, ok := v.([]any); ok {
		elem := *p
		elem.Type = p.itemType()
		for i, e := range list {
			if _, err := checkScalar(&elem, e); err != nil {
				if !given {
					return nil, err
				}
				return nil, fmt.Errorf("element %d %v", i, err)
			}
		}
		return list, nil
	}
	if _, ok := v.(map[string]any); ok {
		return v, nil
	}
	return checkScalar(p, v)
}

// checkScalar checks one normalized scalar against enum, pattern and bounds.
func checkScalar(p *Param, v any) (any, error) {
	if len(p.Enum) > 0 && !slices.Contains(p.Enum, v) {
		return nil, fmt.Errorf("must be one of %s, got %s", enumList(p.Enum), strconv.Quote(fmt.Sprint(v)))
	}
	if s, ok := v.(string); ok && p.re != nil && !p.re.MatchString(s) {
		return nil, fmt.Errorf("must match the pattern %s, got %s%s", p.Pattern, quoteShort(s), patternHint(p, s))
	}
	if f, ok := asFloat(v); ok {
		if p.Minimum != nil && f < *p.Minimum {
			return nil, fmt.Errorf("must be at least %v, got %v", *p.Minimum, v)
		}
		if p.Maximum != nil && f > *p.Maximum {
			return nil, fmt.Errorf("must be at most %v, got %v", *p.Maximum, v)
		}
	}
	return v, nil
}

// patternHint says what a valid value looks like, for a value that does
// not match the parameter's pattern: the parameter's description and,
// for the commonest slip, an ACC or BIM 360 id given without its "b.",
// the id it would have been.
func patternHint(p *Param, s string) string {
	hint := ""
	if p.Description != "" {
		hint = ". Expected: " + strings.TrimSuffix(p.Description, ".") + "."
	}
	// Only where the pattern asks for that prefix, not for any: a bucket
	// key may match "b."+key as it matches "x."+key, and starts with neither.
	if !strings.HasPrefix(s, "b.") && p.re.MatchString("b."+s) && !p.re.MatchString("x."+s) {
		hint += fmt.Sprintf(" ACC and BIM 360 ids start with \"b.\": did you mean %s?", quoteShort("b."+s))
	}
	return hint
}

// formatValue renders a normalized value the way it goes on the wire.
func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatValue(e)
		}
		return strings.Join(parts, ",") // APS filters take comma-separated values
	}
	return fmt.Sprint(v)
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// JSONType names the JSON type of a decoded argument value ("a string",
// "an array"...), for messages that say what a caller sent.
func JSONType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, int, int64, uint64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func enumList(enum []any) string {
	parts := make([]string, len(enum))
	for i, e := range enum {
		parts[i] = fmt.Sprint(e)
	}
	return strings.Join(parts, ", ")
}

// quoteShort quotes a caller's value for an error message, cut to a length
// that keeps the message readable.
func quoteShort(s string) string {
	const max = 80
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return strconv.Quote(s)
}
