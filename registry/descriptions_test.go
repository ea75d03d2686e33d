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
		for k := range tool.AnswerHeaders { // returned too, from the answer's headers
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
