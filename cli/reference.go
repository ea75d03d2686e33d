package cli

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/defaults"
	"github.com/aps-mcp/aps-mcp/registry"
)

// reference renders the tool reference (docs/tools.md) from the catalogue
// and the profiles: every toolset and tool with its operation, auth kinds,
// scopes, behaviour, arguments and the shipped profiles that expose it.
func reference(opts app.Options) ([]byte, error) {
	exposedBy := map[string][]string{}
	var problems []error
	catalog, err := app.LoadEach(opts, func(name string, loaded *app.Loaded, err error) {
		if err != nil {
			problems = append(problems, err)
			return
		}
		for _, t := range loaded.Tools {
			served := name
			if loaded.OnDemand(t) {
				served += " (on demand)"
			}
			exposedBy[t.Name] = append(exposedBy[t.Name], served)
		}
	})
	if err := errors.Join(append(problems, err)...); err != nil {
		return nil, err
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "# Tool reference\n\n")
	fmt.Fprintf(&b, "Generated from `tools.yaml` and `profiles/` by `go run . docs > docs/tools.md`; a test fails when it is stale.\n")
	fmt.Fprintf(&b, "%d tools in %d toolsets. A profile marked \"on demand\" serves the tool without listing it (`tools.on_demand`): "+
		"the model finds it with `find_tools` and runs it with `call_tool`.\n", len(catalog.Tools), len(catalog.Toolsets))
	fmt.Fprintf(&b, "\n## Profile defaults\n\nA profile file, the environment and flags override these.\n\n%s", defaults.Markdown())
	sets := make([]string, 0, len(catalog.Toolsets))
	for s := range catalog.Toolsets {
		sets = append(sets, s)
	}
	sort.Strings(sets)
	for _, set := range sets {
		fmt.Fprintf(&b, "\n## Toolset `%s`\n\n%s.\n", set, strings.TrimSuffix(catalog.Toolsets[set].Description, "."))
		for _, name := range catalog.Names() {
			t := catalog.Tools[name]
			if t.Toolset != set {
				continue
			}
			writeTool(&b, t, exposedBy[name])
		}
	}
	return b.Bytes(), nil
}

func writeTool(b *bytes.Buffer, t *registry.Tool, profiles []string) {
	fmt.Fprintf(b, "\n### `%s`: %s\n\n%s\n\n", t.Name, t.Title, strings.TrimSpace(t.Description))
	behaviour := "read-only"
	if !t.ReadOnly() {
		behaviour = "writes"
		if t.Destructive() {
			behaviour = "destructive (asks the person to confirm)"
		}
	}
	scopes := strings.Join(t.Scopes, " ")
	if scopes == "" {
		scopes = "(none)"
	}
	exposed := "no shipped profile"
	if len(profiles) > 0 {
		exposed = strings.Join(profiles, ", ")
	}
	ops := t.Operations()
	label := "APS operation"
	if len(ops) > 1 {
		label = "APS operations, in order"
	}
	fmt.Fprintf(b, "- %s: `%s`\n- Auth: %s; scopes: %s\n- Behaviour: %s", label, strings.Join(ops, "` → `"), strings.Join(t.Auth, ", "), scopes, behaviour)
	if t.Paginate != nil {
		fmt.Fprintf(b, "; follows %s pagination to the end (capped; a `cursor` continues)", t.Paginate.Style)
	}
	fmt.Fprintf(b, "\n- Returns: %s\n- Profiles: %s\n", t.Returns(), exposed)
	args := make([]string, 0, len(t.Params))
	for a := range t.Params {
		args = append(args, a)
	}
	if len(args) == 0 {
		return
	}
	slices.Sort(args)
	fmt.Fprintf(b, "\n| argument | in | type | required | description |\n| --- | --- | --- | --- | --- |\n")
	for _, a := range args {
		p := t.Params[a]
		typ := p.Type
		if p.Type == "array" {
			typ = "array of " + p.Items
			if p.Items == "" {
				typ = "array of string"
			}
		}
		desc := strings.Join(strings.Fields(p.Description), " ")
		if len(p.Enum) > 0 {
			vals := make([]string, len(p.Enum))
			for i, e := range p.Enum {
				vals[i] = fmt.Sprint(e)
			}
			desc += " One of: " + strings.Join(vals, ", ") + "."
		}
		if p.Default != nil {
			desc += fmt.Sprintf(" Default: %v.", p.Default)
		}
		required := ""
		if p.Required {
			required = "yes"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", a, where(p, a), typ, required, strings.ReplaceAll(desc, "|", "\\|"))
	}
}

// where says where an argument goes: its location and wire name, or for
// one the steps read, that they do.
func where(p *registry.Param, arg string) string {
	if p.In == registry.InSteps {
		return "read by the steps"
	}
	return fmt.Sprintf("%s `%s`", p.In, p.WireName(arg))
}
