package registry

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// checkGJSONPath reports why path is not a usable gjson path, or nil, as
// "invalid gjson path PATH: why", the words every field that takes one
// reports. gjson itself never rejects a path (a broken one silently
// matches nothing), so the catalogue checks the syntax it can get wrong:
// unbalanced brackets, braces, parentheses and quotes, empty components, a
// dangling escape, and unknown @modifiers.
func checkGJSONPath(path string) error {
	if err := gjsonSyntax(path); err != nil {
		return fmt.Errorf("invalid gjson path %q: %w", path, err)
	}
	return nil
}

func gjsonSyntax(path string) error {
	if strings.TrimSpace(path) == "" {
		return fmt.Errorf("empty gjson path")
	}
	var stack []byte
	closing := map[byte]byte{'{': '}', '[': ']', '(': ')'}
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch c {
		case '\\':
			if i == len(path)-1 {
				return fmt.Errorf("gjson path ends with a dangling escape")
			}
			i++
		case '"':
			end := closingQuote(path, i+1)
			if end < 0 {
				return fmt.Errorf("unterminated string starting at offset %d", i)
			}
			i = end
		case '{', '[', '(':
			stack = append(stack, closing[c])
		case '}', ']', ')':
			if len(stack) == 0 || stack[len(stack)-1] != c {
				return fmt.Errorf("unbalanced %q at offset %d", c, i)
			}
			stack = stack[:len(stack)-1]
		case '.', '|':
			// An empty component ("a..b", "a.", "a|") matches nothing. A
			// leading ".." is gjson's JSON Lines syntax and is allowed.
			if i == len(path)-1 {
				return fmt.Errorf("gjson path ends with %q", c)
			}
			if next := path[i+1]; (next == '.' || next == '|') && !(i == 0 && c == '.') && len(stack) == 0 {
				return fmt.Errorf("empty path component at offset %d", i+1)
			}
		case '@':
			if i > 0 && !strings.ContainsRune(".|{[,:!", rune(path[i-1])) {
				continue // a literal '@' inside a key
			}
			name := modifierName(path[i+1:])
			if name != "" && !gjson.ModifierExists(name, nil) {
				return fmt.Errorf("unknown gjson modifier @%s", name)
			}
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("unclosed %q", stack[len(stack)-1])
	}
	return nil
}

func closingQuote(s string, from int) int {
	for j := from; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}

func modifierName(s string) string {
	end := strings.IndexAny(s, ".|:{}[](),!=<>\"")
	if end < 0 {
		return s
	}
	return s[:end]
}

// eachTop calls f with the index of each byte of path outside quotes,
// escapes and brackets' own bytes, and how deep in brackets, braces and
// parentheses it is, until f returns false.
func eachTop(path string, f func(i, depth int) bool) {
	depth := 0
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '\\':
			i++
		case '"':
			if end := closingQuote(path, i+1); end > 0 {
				i = end
			}
		case '{', '[', '(':
			depth++
		case '}', ']', ')':
			depth--
		default:
			if !f(i, depth) {
				return
			}
		}
	}
}

// splitTop splits a gjson path at each of seps outside brackets, braces,
// parentheses and quotes, minding escapes: "a.{b,c.d}|e" at ".|" is
// "a", "{b,c.d}", "e".
func splitTop(path, seps string) []string {
	var parts []string
	from := 0
	eachTop(path, func(i, depth int) bool {
		if depth == 0 && strings.IndexByte(seps, path[i]) >= 0 {
			parts = append(parts, path[from:i])
			from = i + 1
		}
		return true
	})
	return append(parts, path[from:])
}

// selectorPart is one member of a gjson multipath ({key:path,...}).
type selectorPart struct {
	key  string // the key it has in the object built
	path string // the path of its value
}

// selectorParts splits the inside of a multipath into its members, each
// keyed as gjson keys it: by its name when it has one, else by the last
// component of its path ("_" when that is not a plain name).
func selectorParts(inner string) []selectorPart {
	var parts []selectorPart
	for _, member := range splitTop(inner, ",") {
		colon := topColon(member)
		if colon < 0 {
			last := member[max(strings.LastIndexAny(member, ".|"), -1)+1:]
			if last == "" || strings.ContainsAny(last, "[]{}()#|!") {
				last = "_"
			}
			parts = append(parts, selectorPart{key: last, path: member})
			continue
		}
		key := member[:colon]
		if unquoted, err := strconv.Unquote(key); err == nil && strings.HasPrefix(key, `"`) {
			key = unquoted
		}
		parts = append(parts, selectorPart{key: key, path: member[colon+1:]})
	}
	return parts
}

// topColon is where a multipath member's name ends, or -1: its first
// colon outside quotes, brackets and modifiers, as gjson reads it.
func topColon(member string) int {
	colon := -1
	eachTop(member, func(i, depth int) bool {
		switch c := member[i]; {
		case c == '@' && i > 0 && (member[i-1] == '.' || member[i-1] == '|'):
			return false // a modifier's argument may hold colons
		case c == ':' && depth == 0:
			colon = i
			return false
		}
		return true
	})
	return colon
}

// reads lists the fields of a JSON value a gjson path reads, as dotted
// paths with "#" for each element of an array: "data.#.{id,n:a.b}" reads
// data.#.id and data.#.a.b. What it cannot follow (wildcards, modifiers,
// literals, keys with dots) it leaves out; at is where the path starts.
func reads(path string, at []string) []string {
	var out []string
	for _, c := range splitTop(path, ".|") {
		switch {
		case c == "":
			return out
		case c[0] == '{' || c[0] == '[':
			for _, part := range selectorParts(c[1 : len(c)-1]) {
				out = append(out, reads(part.path, at)...)
			}
			return out // what follows works on the value built, not on the answer
		case c == "#" || strings.Trim(c, "0123456789") == "":
			at = append(slices.Clone(at), "#")
		case strings.HasPrefix(c, "#("):
			inner := strings.TrimSuffix(strings.TrimSuffix(c[2:], "#"), ")")
			at = append(slices.Clone(at), "#")
			if end := strings.IndexAny(inner, "=!<>%"); end > 0 {
				out = append(out, reads(strings.TrimSpace(inner[:end]), at)...)
			}
		case strings.ContainsAny(c, `@!*?\"`):
			if len(at) > 0 {
				out = append(out, strings.Join(at, "."))
			}
			return out
		default:
			at = append(slices.Clone(at), c)
		}
	}
	if len(at) > 0 {
		out = append(out, strings.Join(at, "."))
	}
	return out
}
