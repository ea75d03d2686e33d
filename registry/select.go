package registry

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Selection is what a profile asks of the catalogue.
type Selection struct {
	Kind     string   // the profile's auth kind
	Scopes   []string // the scopes its token holds
	Include  []string // toolset or tool names; empty means all
	Exclude  []string // toolset or tool names taken out again
	ReadOnly bool     // keep only tools that change nothing
	// OnDemand names toolsets or tools the profile serves without
	// listing them: the model finds them with find_tools (package
	// ondemand).
	OnDemand []string
}

// The names of the tools the server adds for those a profile serves on
// demand (package ondemand); tools.yaml may not declare them.
const (
	FindTools = "find_tools"
	CallTool  = "call_tool"
)

// Listed reports whether t, a tool the selection gives, is in tools/list
// rather than found on demand.
func (s Selection) Listed(t *Tool) bool {
	return !slices.Contains(s.OnDemand, t.Name) && !slices.Contains(s.OnDemand, t.Toolset)
}

// SelectionError is one thing wrong with what a profile asks of the
// catalogue, or worth a warning, naming the profile setting it is about.
type SelectionError struct {
	// Setting is the profile setting at fault, e.g. "tools.include".
	Setting string
	// Index is which of its entries, or -1 for the setting as a whole.
	Index   int
	Message string
}

// Error is the setting and what is wrong with it.
func (e *SelectionError) Error() string { return e.Setting + ": " + e.Message }

// Path is the dotted path of the setting's entry (tools.include.2), or of
// the setting when the problem is with all of it.
func (e *SelectionError) Path() string {
	if e.Index < 0 {
		return e.Setting
	}
	return e.Setting + "." + strconv.Itoa(e.Index)
}

// Select returns the tools a profile exposes: those its auth kind can serve
// and its scopes cover, narrowed by include, exclude and read-only. A name in
// include or exclude that matches nothing, a tool named explicitly that the
// profile cannot serve, or a toolset included that gives it no tool is an
// error: a silent drop would hide a typo, or a catalogue cut short. A
// toolset included of which the profile's auth kind or scopes leave out
// some tools (not those it excludes, nor writes a read-only profile
// leaves out) gives a warning naming them: the profile may have meant
// to have them.
func (c *Catalog) Select(s Selection) (tools []*Tool, errs, warnings []*SelectionError) {
	for _, list := range []struct {
		field string
		names []string
	}{{"tools.include", s.Include}, {"tools.exclude", s.Exclude}, {"tools.on_demand", s.OnDemand}} {
		for i, n := range list.names {
			if c.Toolsets[n] == nil && c.Tools[n] == nil {
				errs = append(errs, &SelectionError{list.field, i, fmt.Sprintf("%q is neither a toolset nor a tool in %s", n, c.File)})
			}
		}
	}
	left := map[string][]leftOut{} // toolset → each tool left out, and why
	for _, name := range c.Names() {
		t := c.Tools[name]
		if len(s.Include) > 0 && !slices.Contains(s.Include, name) && !slices.Contains(s.Include, t.Toolset) {
			continue
		}
		if slices.Contains(s.Exclude, name) || slices.Contains(s.Exclude, t.Toolset) {
			left[t.Toolset] = append(left[t.Toolset], leftOut{name, "excluded", true})
			continue
		}
		if why := t.Unservable(s); why != "" {
			if i := slices.Index(s.Include, name); i >= 0 {
				errs = append(errs, &SelectionError{"tools.include", i, fmt.Sprintf("tool %s cannot be served: %s", name, why)})
			}
			// What a read-only profile leaves out it means to, whatever else it lacks.
			left[t.Toolset] = append(left[t.Toolset], leftOut{name, why, s.ReadOnly && !t.ReadOnly()})
			continue
		}
		tools = append(tools, t)
	}
	for i, n := range s.Include {
		if _, ok := c.Toolsets[n]; !ok {
			continue
		}
		switch e, warn := c.includedToolset(n, i, tools, left[n]); {
		case warn:
			warnings = append(warnings, e)
		case e != nil:
			errs = append(errs, e)
		}
	}
	return tools, append(errs, c.onDemandErrors(s, tools)...), warnings
}

// onDemandErrors are the entries of on_demand that name no tool the
// profile serves: hiding nothing, they are a typo or a toolset left out.
func (c *Catalog) onDemandErrors(s Selection, selected []*Tool) []*SelectionError {
	var errs []*SelectionError
	for i, n := range s.OnDemand {
		if c.Toolsets[n] == nil && c.Tools[n] == nil {
			continue // said above
		}
		if !slices.ContainsFunc(selected, func(t *Tool) bool { return t.Name == n || t.Toolset == n }) {
			errs = append(errs, &SelectionError{"tools.on_demand", i, fmt.Sprintf("%q names none of the tools the profile serves", n)})
		}
	}
	return errs
}

// includedToolset judges toolset n, entry i of include, given the tools
// selected and those of it left out: an error when it gives the profile
// no tool, saying why its tools were left out; a warning (warn) when the
// auth kind or the scopes left out some; nil otherwise.
func (c *Catalog) includedToolset(n string, i int, selected []*Tool, left []leftOut) (e *SelectionError, warn bool) {
	if !slices.ContainsFunc(selected, func(t *Tool) bool { return t.Toolset == n }) {
		why := "it has none in " + c.File
		if len(left) > 0 {
			why = groupReasons(left)
		}
		return &SelectionError{"tools.include", i, fmt.Sprintf("toolset %s gives the profile no tools: %s", n, why)}, false
	}
	var unserved []leftOut
	for _, l := range left {
		if !l.meant {
			unserved = append(unserved, l)
		}
	}
	if len(unserved) == 0 {
		return nil, false
	}
	return &SelectionError{"tools.include", i, fmt.Sprintf("toolset %s comes without %s", n, groupReasons(unserved))}, true
}

// leftOut is a tool of an included toolset that the profile goes
// without, why, and whether the profile means to (it excludes the tool,
// or is read-only and the tool writes).
type leftOut struct {
	tool, why string
	meant     bool
}

// groupReasons writes the tools left out as "a, b: why; c: other why",
// each reason once, in the order they first appear.
func groupReasons(left []leftOut) string {
	var reasons []string
	tools := map[string][]string{}
	for _, l := range left {
		if tools[l.why] == nil {
			reasons = append(reasons, l.why)
		}
		tools[l.why] = append(tools[l.why], l.tool)
	}
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = strings.Join(tools[r], ", ") + ": " + r
	}
	return strings.Join(parts, "; ")
}

// Unservable says why a profile asking s cannot expose t whatever it
// includes (its auth kind, its scopes, read-only), or "".
func (t *Tool) Unservable(s Selection) string {
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
