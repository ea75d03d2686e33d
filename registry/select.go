package registry

import (
	"fmt"
	"slices"
	"strings"
)

// Selection is what a profile asks of the catalogue.
type Selection struct {
	Kind     string   // the profile's auth kind
	Scopes   []string // the scopes its token holds
	Include  []string // toolset or tool names; empty means all
	Exclude  []string // toolset or tool names taken out again
	ReadOnly bool     // keep only tools that change nothing
}

// Select returns the tools a profile exposes: those its auth kind can serve
// and its scopes cover, narrowed by include, exclude and read-only. A name in
// include or exclude that matches nothing, a tool named explicitly that the
// profile cannot serve, or a toolset included that gives it no tool is an
// error: a silent drop would hide a typo, or a catalogue cut short.
func (c *Catalog) Select(s Selection) ([]*Tool, []error) {
	var errs []error
	for _, list := range []struct {
		field string
		names []string
	}{{"include", s.Include}, {"exclude", s.Exclude}} {
		for _, n := range list.names {
			if c.Toolsets[n] == nil && c.Tools[n] == nil {
				errs = append(errs, fmt.Errorf("tools.%s: %q is neither a toolset nor a tool in %s", list.field, n, c.File))
			}
		}
	}
	var out []*Tool
	left := map[string][][2]string{} // toolset → each tool left out, and why
	for _, name := range c.Names() {
		t := c.Tools[name]
		if len(s.Include) > 0 && !slices.Contains(s.Include, name) && !slices.Contains(s.Include, t.Toolset) {
			continue
		}
		if slices.Contains(s.Exclude, name) || slices.Contains(s.Exclude, t.Toolset) {
			left[t.Toolset] = append(left[t.Toolset], [2]string{name, "excluded"})
			continue
		}
		named := slices.Contains(s.Include, name)
		why := t.unservable(s)
		if why != "" {
			if named {
				errs = append(errs, fmt.Errorf("tools.include: tool %s cannot be served: %s", name, why))
			}
			left[t.Toolset] = append(left[t.Toolset], [2]string{name, why})
			continue
		}
		out = append(out, t)
	}
	return out, append(errs, c.emptyToolsets(s.Include, out, left)...)
}

// emptyToolsets reports each toolset in include of which no tool was
// selected, saying why its tools were left out.
func (c *Catalog) emptyToolsets(include []string, selected []*Tool, left map[string][][2]string) []error {
	var errs []error
	for _, n := range include {
		if _, ok := c.Toolsets[n]; !ok || slices.ContainsFunc(selected, func(t *Tool) bool { return t.Toolset == n }) {
			continue
		}
		why := "it has none in " + c.File
		if len(left[n]) > 0 {
			why = groupReasons(left[n])
		}
		errs = append(errs, fmt.Errorf("tools.include: toolset %s gives the profile no tools: %s", n, why))
	}
	return errs
}

// groupReasons writes (tool, why) pairs as "a, b: why; c: other why",
// each reason once, in the order they first appear.
func groupReasons(pairs [][2]string) string {
	var reasons []string
	tools := map[string][]string{}
	for _, p := range pairs {
		if tools[p[1]] == nil {
			reasons = append(reasons, p[1])
		}
		tools[p[1]] = append(tools[p[1]], p[0])
	}
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = strings.Join(tools[r], ", ") + ": " + r
	}
	return strings.Join(parts, "; ")
}

// unservable says why the profile cannot expose t, or "".
func (t *Tool) unservable(s Selection) string {
	if !t.ServedBy(s.Kind) {
		return fmt.Sprintf("it needs auth %s, the profile uses %s", strings.Join(t.Auth, " or "), s.Kind)
	}
	var missing []string
	for _, sc := range t.Scopes {
		if !slices.Contains(s.Scopes, sc) {
			missing = append(missing, sc)
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("the profile's scopes lack %s", strings.Join(missing, " "))
	}
	if s.ReadOnly && !t.ReadOnly() {
		return "it writes to APS and the profile is read-only"
	}
	return ""
}
