package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/registry"
)

// refuseUnknownTools is an mcp-go request hook: a tools/call of a tool
// this server does not serve is refused with why not and where it is
// served, instead of mcp-go's bare "not found". (mcp-go answers a hook's
// refusal with JSON-RPC's invalid request, -32600, where its own answer
// is invalid params.)
func (a *App) refuseUnknownTools(_ context.Context, _ any, message any) error {
	raw, ok := message.(json.RawMessage)
	if !ok || !bytes.Contains(raw, []byte(`"tools/call"`)) {
		return nil
	}
	var call struct {
		Method string `json:"method"`
		Params struct {
			Name string `json:"name"`
		} `json:"params"`
	}
	if json.Unmarshal(raw, &call) != nil || call.Method != "tools/call" || a.MCP.GetTool(call.Params.Name) != nil {
		return nil // mcp-go answers what it cannot read, and calls what it has
	}
	return errors.New(a.unknownTool(call.Params.Name))
}

// unknownTool explains a call of a tool the served profile lacks: why it
// lacks it, the tool's toolset, and the profiles in the profiles directory
// that serve it (read now: such a call is rare, and they may have changed).
func (a *App) unknownTool(name string) string {
	cur := a.Current()
	if cur == nil {
		return fmt.Sprintf("tool %q not found", name)
	}
	prof, catalog := cur.Profile, cur.Catalog
	t := catalog.Tools[name]
	if t == nil {
		return fmt.Sprintf("tool %q not found: profile %s does not serve it and %s does not declare it; tools/list names the tools there are",
			name, prof.Name, catalog.File)
	}
	sel := selectionOf(prof)
	why := t.Unservable(sel)
	switch {
	case why != "":
	case slices.Contains(sel.Exclude, name) || slices.Contains(sel.Exclude, t.Toolset):
		why = "its tools.exclude leaves it out"
	default:
		why = "its tools.include names neither it nor its toolset"
	}
	msg := fmt.Sprintf("tool %q not found: profile %s (%s) does not serve it: %s. It is in toolset %s", name, prof.Name, prof.File, why, t.Toolset)
	switch serving := a.profilesServing(name); len(serving) {
	case 0:
	case 1:
		return msg + "; profile " + serving[0] + " serves it."
	default:
		return msg + "; profiles " + strings.Join(serving[:len(serving)-1], ", ") + " and " + serving[len(serving)-1] + " serve it."
	}
	return msg + "; no profile here serves it."
}

// profilesServing names the profiles (the profiles directory's and the
// built-in ones) that serve tool name from the catalogue being served, as
// their files say.
func (a *App) profilesServing(name string) []string {
	catalog := a.Current().Catalog
	files := a.opts.profileFiles()
	names, _ := files.Names()
	var serving []string
	for _, n := range names {
		src, err := files.Source(n)
		if err != nil {
			continue
		}
		p, err := config.LoadProfileAt(src, n, config.Env{}, config.Overrides{})
		if err != nil {
			continue
		}
		tools, errs, _ := catalog.Select(selectionOf(p))
		if len(errs) == 0 && slices.ContainsFunc(tools, func(t *registry.Tool) bool { return t.Name == name }) {
			serving = append(serving, n)
		}
	}
	return serving
}
