package registry

import (
	"bytes"
	"encoding/json"
	"sort"
)

// ToolChanges is what one selection of tools changes from another, by
// tool name: what a reload gives clients, takes away from them and
// redefines under a name they already use.
type ToolChanges struct {
	Added   []string // in the new selection only
	Removed []string // in the old selection only
	Changed []string // in both, declared differently
}

// Diff compares the tools a profile exposed before (what Select returned
// for the running configuration) with those it exposes after, for a
// reload to log; each list is sorted.
func Diff(before, after []*Tool) ToolChanges {
	old := make(map[string]*Tool, len(before))
	for _, t := range before {
		old[t.Name] = t
	}
	var c ToolChanges
	for _, t := range after {
		prev, ok := old[t.Name]
		switch {
		case !ok:
			c.Added = append(c.Added, t.Name)
		case !sameDeclaration(prev, t):
			c.Changed = append(c.Changed, t.Name)
		}
		delete(old, t.Name)
	}
	for name := range old {
		c.Removed = append(c.Removed, name)
	}
	sort.Strings(c.Added)
	sort.Strings(c.Removed)
	sort.Strings(c.Changed)
	return c
}

// sameDeclaration reports whether a and b declare the same tool. What
// compile derives from a declaration follows from it, so the exported
// fields, as JSON, are the whole comparison.
func sameDeclaration(a, b *Tool) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
