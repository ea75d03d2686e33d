package registry

import (
	"fmt"
	"strings"

	"github.com/tidwall/gjson"
)

// checkGJSONPath reports why path is not a usable gjson path, or nil. gjson
// itself never rejects a path (a broken one silently matches nothing), so
// the catalogue checks the syntax it can get wrong: unbalanced brackets,
// braces, parentheses and quotes, empty components, a dangling escape, and
// unknown @modifiers.
func checkGJSONPath(path string) error {
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
