package registry

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// keyEnd finds where a key ends, just after its colon, in block and flow
// mappings alike.
var keyEnd = regexp.MustCompile(`[A-Za-z_][\w-]*:(?:\s|$)`)

// TestTruncatedCatalogue cuts the shipped tools.yaml short, as a save
// caught half way leaves it: after every line and just after every key.
// Each cut must either fail with a problem naming the file and the line
// where the cut file stops, or load a complete catalogue: every tool
// declared wholly before the cut, each exactly as the whole file declares
// it, and no other tool.
//
// A tool is declared wholly before the cut when its last line that is
// neither blank nor a comment (the line before the next tool's name, or
// before the end of the tools mapping) is kept whole. Exactly as
// declared means every field, with every parameter, paginate and result
// the whole file gives it (compared as sameDeclaration compares).
func TestTruncatedCatalogue(t *testing.T) {
	shipped := filepath.Join("..", "tools.yaml")
	data, err := os.ReadFile(shipped)
	if err != nil {
		t.Fatal(err)
	}
	opts := LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope}
	full, err := Load(shipped, opts)
	if err != nil {
		t.Fatal(err)
	}
	lastLine := toolEnds(t, data)

	// Cuts are byte offsets: the end of every line, and the end of every key.
	cuts := []int{0}
	for i, b := range data {
		if b == '\n' {
			cuts = append(cuts, i+1)
		}
	}
	for _, m := range keyEnd.FindAllIndex(data, -1) {
		cuts = append(cuts, m[0]+strings.IndexByte(string(data[m[0]:m[1]]), ':')+1)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)

	file := filepath.Join(t.TempDir(), "tools.yaml")
	loaded := 0
	for _, cut := range cuts {
		kept := data[:cut]
		if err := os.WriteFile(file, kept, 0o600); err != nil {
			t.Fatal(err)
		}
		whole := strings.Count(string(kept), "\n")                              // lines the cut keeps whole
		stop := strings.Count(strings.TrimRight(string(kept), " \n"), "\n") + 1 // its last line that is not blank
		c, err := Load(file, opts)
		if err != nil {
			ps, _ := strictyaml.AsProblems(err)
			if !slices.ContainsFunc(ps, func(p strictyaml.Problem) bool { return p.File == file && p.Line == stop }) {
				t.Errorf("cut at byte %d: the error does not name %s:%d, where the cut file stops: %v", cut, file, stop, err)
			}
			continue
		}
		loaded++
		if !reflect.DeepEqual(c.Toolsets, full.Toolsets) {
			t.Errorf("cut at byte %d (line %d): loaded toolsets %v, want all of them as declared", cut, stop, slices.Sorted(maps.Keys(c.Toolsets)))
		}
		for name, last := range lastLine {
			if last <= whole && c.Tools[name] == nil {
				t.Errorf("cut at byte %d (line %d): %s, declared wholly before it, is missing", cut, stop, name)
			}
		}
		for name, tool := range c.Tools {
			if lastLine[name] > whole || !sameDeclaration(tool, full.Tools[name]) {
				t.Errorf("cut at byte %d (line %d): loaded %s, which the cut left partial", cut, stop, name)
			}
		}
	}
	if loaded == 0 {
		t.Error("not even the whole file loaded")
	}
	t.Logf("%d cuts, %d loaded", len(cuts), loaded)
}

// toolEnds returns the last line of each tool's declaration in data that
// is neither blank nor a comment.
func toolEnds(t *testing.T, data []byte) map[string]int {
	t.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	top := root.Content[0]
	var tools *yaml.Node
	next := 0 // the first line after the tools mapping
	for i := 0; i+1 < len(top.Content); i += 2 {
		if tools != nil && next == 0 {
			next = top.Content[i].Line
		}
		if top.Content[i].Value == "tools" {
			tools = top.Content[i+1]
		}
	}
	lines := strings.Split(string(data), "\n")
	if next == 0 {
		next = len(lines) + 1
	}
	ends := map[string]int{}
	for i := 0; i+1 < len(tools.Content); i += 2 {
		end := next - 1
		if i+2 < len(tools.Content) {
			end = tools.Content[i+2].Line - 1
		}
		for end > 0 && outsideDeclaration(lines[end-1]) {
			end--
		}
		ends[tools.Content[i].Value] = end
	}
	return ends
}

// outsideDeclaration reports whether a line that ends a tool's span
// declares nothing of it: blank, a comment, or the end of the document.
func outsideDeclaration(line string) bool {
	line = strings.TrimSpace(line)
	return line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "...")
}
