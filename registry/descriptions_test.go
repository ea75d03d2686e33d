package registry

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/authproviders"
)

// TestDescriptionsClaimOnlyWhatToolsDo checks what a description promises
// against the tool, wherever a claim can be checked: every snake_case name
// it mentions is one of the tool's arguments, a field some tool returns,
// or a tool; "across all pages" is said only of tools that paginate.
func TestDescriptionsClaimOnlyWhatToolsDo(t *testing.T) {
	c, err := Load(filepath.Join("..", "tools.yaml"), LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope})
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for name, tool := range c.Tools {
		known[name] = true
		for _, k := range resultKeys(tool.Result) {
			known[k] = true
		}
	}
	snake := regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)
	for name, tool := range c.Tools {
		for _, word := range snake.FindAllString(tool.Description, -1) {
			if _, isArg := tool.Params[word]; !isArg && !known[word] {
				t.Errorf("%s: the description mentions %q, which is neither an argument, a returned field nor a tool", name, word)
			}
		}
		if strings.Contains(tool.Description, "across all pages") && tool.Paginate == nil {
			t.Errorf("%s: the description says it reads across all pages, but the tool does not paginate", name)
		}
	}
}

// resultKeys are the field names a result projection names: the keys of
// its last {…} selector (a renamed field's new name, else its last path
// segment).
func resultKeys(result string) []string {
	start := strings.LastIndex(result, "{")
	for depth, i := 0, len(result)-1; i >= 0; i-- { // the outermost trailing {…}
		switch result[i] {
		case '}':
			depth++
		case '{':
			depth--
			if depth == 0 {
				start = i
			}
		}
	}
	if start < 0 {
		return nil
	}
	var keys []string
	depth, from := 0, start+1
	for i := start + 1; i < len(result); i++ {
		switch result[i] {
		case '{', '(', '[':
			depth++
		case ')', ']':
			depth--
		case '}':
			if depth == 0 {
				return append(keys, fieldKey(result[from:i]))
			}
			depth--
		case ',':
			if depth == 0 {
				keys = append(keys, fieldKey(result[from:i]))
				from = i + 1
			}
		}
	}
	return keys
}

func fieldKey(field string) string {
	if k, _, ok := strings.Cut(field, ":"); ok {
		return strings.TrimSpace(k)
	}
	parts := strings.Split(field, ".")
	return strings.TrimSpace(parts[len(parts)-1])
}
