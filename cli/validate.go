package cli

import (
	"fmt"
	"strings"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
	"github.com/aps-mcp/aps-mcp/specfacts"
)

// report is the outcome of validateFiles.
type report struct {
	Problems []string // one line per problem, each naming file, line and field
	Warnings []string // the same for what may not be meant, which fails nothing
	Summary  []string // what was checked, when there are no problems
}

// validateFiles checks the catalogue and the profile opts name (every
// profile when opts.Profile is "") offline, without credentials, and
// collects every problem rather than stopping at the first. The catalogue
// is also checked against APS's OpenAPI specs, whose facts are built in.
func validateFiles(opts app.Options) report {
	var r report
	var profiles []string
	catalog, err := app.LoadEach(opts, func(name string, loaded *app.Loaded, err error) {
		if err != nil {
			r.Problems = append(r.Problems, strictyaml.Lines(err)...)
			return
		}
		r.Warnings = append(r.Warnings, strictyaml.Lines(loaded.Warnings)...)
		toolNames := make([]string, len(loaded.Tools))
		var destructive, onDemand []string
		for i, t := range loaded.Tools {
			toolNames[i] = t.Name
			if t.Destructive() {
				destructive = append(destructive, t.Name)
			}
			if loaded.OnDemand(t) {
				onDemand = append(onDemand, t.Name)
			}
		}
		hidden := ""
		if len(onDemand) > 0 {
			hidden = fmt.Sprintf("; on demand (find_tools, call_tool): %d of them, %s", len(onDemand), strings.Join(onDemand, ", "))
		}
		profiles = append(profiles, fmt.Sprintf("%s: auth %s, %d tools: %s%s%s", loaded.Profile.File,
			loaded.Profile.Auth.Kind, len(loaded.Tools), strings.Join(toolNames, ", "), hidden, confirmation(loaded, destructive)))
	})
	if err != nil {
		r.Problems = append(strictyaml.Lines(err), r.Problems...)
		return r
	}
	facts, err := specfacts.Load()
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
		return r
	}
	problems, warnings := catalog.CheckSpecs(facts)
	r.Problems = append(strictyaml.Lines(problems), r.Problems...)
	r.Warnings = append(strictyaml.Lines(warnings), r.Warnings...)
	r.Summary = append([]string{fmt.Sprintf("%s: %d tools in %d toolsets", catalog.File, len(catalog.Tools), len(catalog.Toolsets))}, profiles...)
	return r
}

// confirmation says how the profile's destructive tools are confirmed, or
// "" when it serves none.
func confirmation(loaded *app.Loaded, destructive []string) string {
	if len(destructive) == 0 {
		return ""
	}
	how := "ask the person to confirm through elicitation; refused for clients without it"
	if loaded.Profile.Tools.AllowUnconfirmedDestructive {
		how = "ask the person to confirm through elicitation; run unconfirmed for clients without it (tools.allow_unconfirmed_destructive)"
	}
	return fmt.Sprintf("; destructive: %s (%s)", strings.Join(destructive, ", "), how)
}
