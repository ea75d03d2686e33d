package app

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
	"github.com/aps-mcp/aps-mcp/registry"
)

// Loaded is the offline part of a server: the catalogue, the profile and
// the tools it exposes. Loading it needs no credentials and no network.
type Loaded struct {
	Catalog *registry.Catalog
	Profile *config.Profile
	Tools   []*registry.Tool
	// Warnings are what the profile may not have meant, each naming its
	// file and line: a toolset it includes that comes without some of its
	// tools. They do not stop it loading.
	Warnings strictyaml.Problems
}

// Load reads and checks tools.yaml and the profile and selects the tools.
// All problems come back together.
func Load(opts Options) (*Loaded, error) {
	catalog, catErr := LoadCatalog(opts.ToolsFile)
	profile, profErr := config.LoadProfile(opts.ProfilesDir, opts.Profile, opts.Env, opts.Overrides)
	if err := errors.Join(catErr, profErr); err != nil {
		return nil, err
	}
	return selectTools(catalog, profile)
}

// LoadCatalog reads and checks tools.yaml against the registered auth
// kinds and APS's scopes.
func LoadCatalog(file string) (*registry.Catalog, error) {
	return registry.Load(file, registry.LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope})
}

// selectTools picks the tools profile exposes from catalog.
func selectTools(catalog *registry.Catalog, profile *config.Profile) (*Loaded, error) {
	tools, errs, warnings := catalog.Select(selectionOf(profile))
	if len(errs) > 0 {
		ps := make(strictyaml.Problems, len(errs))
		for i, e := range errs {
			ps[i] = selectionProblem(profile, e)
		}
		return nil, ps
	}
	if len(tools) == 0 {
		return nil, strictyaml.Problems{{File: profile.File, Line: profile.Line("auth.scopes"), Subject: "profile " + profile.Name,
			Field: "auth.scopes", Message: fmt.Sprintf("the profile exposes no tools: none in %s is served by auth %s with scopes %s",
				catalog.File, profile.Auth.Kind, strings.Join(profile.Auth.Scopes, " "))}}
	}
	loaded := &Loaded{Catalog: catalog, Profile: profile, Tools: tools}
	for _, w := range warnings {
		loaded.Warnings = append(loaded.Warnings, selectionProblem(profile, w))
	}
	return loaded, nil
}

// selectionOf is what profile asks of the catalogue.
func selectionOf(profile *config.Profile) registry.Selection {
	return registry.Selection{
		Kind:     profile.Auth.Kind,
		Scopes:   profile.Auth.Scopes,
		Include:  profile.Tools.Include,
		Exclude:  profile.Tools.Exclude,
		ReadOnly: profile.Tools.ReadOnly,
	}
}

// selectionProblem places what Select says about profile at its line.
func selectionProblem(profile *config.Profile, e *registry.SelectionError) strictyaml.Problem {
	return strictyaml.Problem{File: profile.File, Line: profile.Line(e.Path()), Subject: "profile " + profile.Name,
		Field: e.Path(), Message: e.Message}
}

// LoadEach reads the catalogue once and then each profile in dir (or just
// the one named), calling each with the result or the problems found.
func LoadEach(toolsFile, profilesDir, only string, each func(name string, loaded *Loaded, err error)) (*registry.Catalog, error) {
	catalog, catErr := LoadCatalog(toolsFile)
	names := []string{only}
	if only == "" {
		var err error
		if names, err = config.ProfileNames(profilesDir); err != nil || len(names) == 0 {
			return catalog, errors.Join(catErr, fmt.Errorf("%s: no profiles found (want NAME.yaml files)", profilesDir))
		}
	}
	for _, name := range names {
		profile, err := config.LoadProfile(profilesDir, name, config.Env{}, config.Overrides{})
		switch {
		case err != nil:
			each(name, nil, err)
		case catErr == nil:
			loaded, err := selectTools(catalog, profile)
			each(name, loaded, err)
		}
	}
	return catalog, catErr
}
