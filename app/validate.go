package app

import (
	"fmt"
	"strings"

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
	var profiles []string
	catalog, err := loadEach(toolsFile, profilesDir, profile, func(name string, loaded *Loaded, err error) {
		if err != nil {
			r.Problems = append(r.Problems, problemLines(err)...)
			return
		}
		toolNames := make([]string, len(loaded.Tools))
		for i, t := range loaded.Tools {
			toolNames[i] = t.Name
		}
		profiles = append(profiles, fmt.Sprintf("%s: auth %s, %d tools: %s", loaded.Profile.File,
			loaded.Profile.Auth.Kind, len(loaded.Tools), strings.Join(toolNames, ", ")))
	})
	if err != nil {
		r.Problems = append(problemLines(err), r.Problems...)
		return r
	}
	r.Summary = append([]string{fmt.Sprintf("%s: %d tools in %d toolsets", catalog.File, len(catalog.Tools), len(catalog.Toolsets))}, profiles...)
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
