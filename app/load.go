package app

import (
	"cmp"
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
	Files   Files // where the catalogue and profile were read from
	// Warnings are what the profile may not have meant, each naming its
	// file and line: a toolset it includes that comes without some of its
	// tools. They do not stop it loading.
	Warnings strictyaml.Problems
}

// Load reads and checks tools.yaml and the profile and selects the tools.
// All problems come back together. Options.ToolsFile, ProfilesDir and
// Builtin say which files are read (files.go).
func Load(opts Options) (*Loaded, error) {
	loaded, _, err := load(opts)
	return loaded, err
}

// load is Load, also returning the files it read.
func load(opts Options) (*Loaded, Files, error) {
	f := Files{Tools: opts.toolsSource()}
	var err error
	if f.Profile, err = opts.profileFiles().Source(opts.Profile); err != nil {
		_, catErr := loadCatalog(f.Tools)
		return nil, f, errors.Join(catErr, err)
	}
	loaded, err := f.load(opts)
	return loaded, f, err
}

// load reads f with opts's profile name, environment and overrides.
func (f Files) load(opts Options) (*Loaded, error) {
	catalog, catErr := loadCatalog(f.Tools)
	profile, profErr := config.LoadProfileAt(f.Profile, opts.Profile, opts.Env, opts.Overrides)
	if err := errors.Join(catErr, profErr); err != nil {
		return nil, err
	}
	return selectTools(catalog, profile, f)
}

// LoadCatalog reads and checks tools.yaml against the registered auth
// kinds and APS's scopes.
func LoadCatalog(file string) (*registry.Catalog, error) {
	return loadCatalog(strictyaml.Source{Path: file})
}

func loadCatalog(src strictyaml.Source) (*registry.Catalog, error) {
	return registry.Load(src.Path, registry.LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope, FS: src.FS})
}

// selectTools picks the tools profile exposes from catalog; f are the
// files they came from.
func selectTools(catalog *registry.Catalog, profile *config.Profile, f Files) (*Loaded, error) {
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
	loaded := &Loaded{Catalog: catalog, Profile: profile, Tools: tools, Files: f}
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
		OnDemand: profile.Tools.OnDemand,
	}
}

// selectionProblem places what Select says about profile at its line.
func selectionProblem(profile *config.Profile, e *registry.SelectionError) strictyaml.Problem {
	return strictyaml.Problem{File: profile.File, Line: profile.Line(e.Path()), Subject: "profile " + profile.Name,
		Field: e.Path(), Message: e.Message}
}

// LoadEach reads the catalogue opts names once and then each profile there
// is (or just opts.Profile, when set), calling each with the result or the
// problems found. The files are checked as they are: opts.Env and
// opts.Overrides are not applied.
func LoadEach(opts Options, each func(name string, loaded *Loaded, err error)) (*registry.Catalog, error) {
	tools := opts.toolsSource()
	catalog, catErr := loadCatalog(tools)
	profiles := opts.profileFiles()
	names := []string{opts.Profile}
	if opts.Profile == "" {
		var err error
		if names, err = profiles.Names(); err != nil || len(names) == 0 {
			dir := cmp.Or(opts.ProfilesDir, config.DefaultProfilesDir)
			return catalog, errors.Join(catErr, fmt.Errorf("%s: no profiles found (want NAME.yaml files)", dir))
		}
	}
	for _, name := range names {
		src, err := profiles.Source(name)
		var profile *config.Profile
		if err == nil {
			profile, err = config.LoadProfileAt(src, name, config.Env{}, config.Overrides{})
		}
		switch {
		case err != nil:
			each(name, nil, err)
		case catErr == nil:
			loaded, err := selectTools(catalog, profile, Files{Tools: tools, Profile: src})
			each(name, loaded, err)
		}
	}
	return catalog, catErr
}
