package registry

import (
	"io/fs"
	"strings"

	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// LoadOptions say what the catalogue may refer to.
type LoadOptions struct {
	// AuthKinds are the registered auth kinds; any other is an error.
	AuthKinds []string
	// ValidScope reports whether a scope name is an APS scope.
	ValidScope func(string) bool
	// FS, when set, holds the file (the binary's built-in catalogue);
	// problems then name it "FILE (built in)".
	FS fs.FS
}

// Load reads a tools.yaml in three steps: decode, validate, compile.
// Validation only reports (every problem found comes back together as a
// strictyaml.Problems naming file, line, tool and field); compiling, once
// nothing is wrong, prepares each tool for its calls. The file must end
// with "...": a catalogue cut short, or read while it is being saved,
// would otherwise load its last tool without the fields the cut took
// away, and none of the tools after it.
func Load(file string, opts LoadOptions) (*Catalog, error) {
	src := strictyaml.Source{FS: opts.FS, Path: file}
	doc, err := src.ReadComplete()
	if err != nil {
		return nil, err
	}
	var c Catalog
	ps := doc.Decode(&c, "", toolSubject)
	c.File, c.lines = src.String(), doc.LineIndex()
	c.nameTools()
	v := validator{doc: doc, opts: opts, patterns: patternCache{}}
	v.catalog(&c)
	v.budgets(&c)
	ps = append(ps, v.problems...)
	if len(ps) > 0 {
		ps.Sort()
		return nil, ps
	}
	for _, t := range c.Tools {
		t.compile(v.patterns)
	}
	c.linkSources()
	c.linkBudgets()
	return &c, nil
}

// nameTools gives each tool the name it has as a key in tools.yaml.
func (c *Catalog) nameTools() {
	for name, t := range c.Tools {
		if t != nil {
			t.Name = name
		}
	}
}

// toolSubject maps a key path to the tool it belongs to, so problems read
// "tool list_objects: field params.x" rather than "field tools.list_objects.params.x".
func toolSubject(path string) (string, string) {
	if rest, ok := strings.CutPrefix(path, "budgets."); ok {
		key, field, _ := strings.Cut(rest, ".")
		return "budget " + key, field
	}
	rest, ok := strings.CutPrefix(path, "tools.")
	if !ok {
		return "", ""
	}
	name, field, _ := strings.Cut(rest, ".")
	return "tool " + name, field
}
