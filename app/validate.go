package app

import (
	"fmt"
	"strings"

	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// Report is the outcome of Validate.
type Report struct {
	Problems []string // one line per problem, each naming file, line and field
	Summary  []string // what was checked, when there are no problems
}

// Validate checks the catalogue and the named profile (every profile in
// profilesDir when profile is "") offline, without credentials, and
// collects every problem rather than stopping at the first.
func Validate(toolsFile, profilesDir, profile string) Report {
	var r Report
	names := []string{profile}
	if profile == "" {
		var err error
		names, err = config.ProfileNames(profilesDir)
		if err != nil || len(names) == 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: no profiles found (want NAME.yaml files)", profilesDir))
		}
	}
	catalogChecked := false
	for _, name := range names {
		loaded, err := Load(Options{ToolsFile: toolsFile, ProfilesDir: profilesDir, Profile: name})
		if err != nil {
			r.Problems = append(r.Problems, problemLines(err)...)
			continue
		}
		if !catalogChecked {
			r.Summary = append(r.Summary, fmt.Sprintf("%s: %d tools in %d toolsets", loaded.Catalog.File,
				len(loaded.Catalog.Tools), len(loaded.Catalog.Toolsets)))
			catalogChecked = true
		}
		toolNames := make([]string, len(loaded.Tools))
		for i, t := range loaded.Tools {
			toolNames[i] = t.Name
		}
		r.Summary = append(r.Summary, fmt.Sprintf("%s: auth %s, %d tools: %s", loaded.Profile.File,
			loaded.Profile.Auth.Kind, len(loaded.Tools), strings.Join(toolNames, ", ")))
	}
	r.Problems = dedupe(r.Problems) // a catalogue problem is found once per profile
	return r
}

// problemLines flattens joined errors and Problems into one line each.
func problemLines(err error) []string {
	var lines []string
	var walk func(error)
	walk = func(err error) {
		if ps, ok := err.(strictyaml.Problems); ok {
			for _, p := range ps {
				lines = append(lines, p.String())
			}
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		lines = append(lines, err.Error())
	}
	walk(err)
	return lines
}

func dedupe(lines []string) []string {
	seen := map[string]bool{}
	out := lines[:0]
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}
