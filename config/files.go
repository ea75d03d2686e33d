package config

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// DefaultProfilesDir is where profiles are looked for when no directory is
// named: in the working directory, and in the built-in files.
const DefaultProfilesDir = "profiles"

// ProfileFiles says where profiles are read from. With Dir set, profiles
// come from Dir only, so a typo in a directory's name fails rather than
// quietly serving a built-in profile. Without it, profile NAME is
// profiles/NAME.yaml in the working directory when that file exists, else
// Builtin's profiles/NAME.yaml.
type ProfileFiles struct {
	Dir string
	// Builtin holds the built-in profiles at DefaultProfilesDir/NAME.yaml;
	// nil for none.
	Builtin fs.FS
}

// ProfilePath is where profile name lives in dir.
func ProfilePath(dir, name string) string { return filepath.Join(dir, name+".yaml") }

// ProfileNames lists the profiles in dir, sorted.
func ProfileNames(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	return profileNames(matches, err)
}

func profileNames(matches []string, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(matches))
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(filepath.Base(m), ".yaml"))
	}
	sort.Strings(names)
	return names, nil
}

// builtinNames lists the built-in profiles, sorted.
func (f ProfileFiles) builtinNames() []string {
	if f.Builtin == nil {
		return nil
	}
	names, _ := profileNames(fs.Glob(f.Builtin, path.Join(DefaultProfilesDir, "*.yaml")))
	return names
}

// dir is the directory on disk profiles are looked for in.
func (f ProfileFiles) dir() string {
	if f.Dir != "" {
		return f.Dir
	}
	return DefaultProfilesDir
}

// fallback reports whether a profile missing on disk comes from Builtin.
func (f ProfileFiles) fallback() bool { return f.Dir == "" && f.Builtin != nil }

// Names lists the profiles there are, sorted: Dir's, or the working
// directory's and the built-in ones together.
func (f ProfileFiles) Names() ([]string, error) {
	names, err := ProfileNames(f.dir())
	if err != nil || !f.fallback() {
		return names, err
	}
	names = append(names, f.builtinNames()...)
	slices.Sort(names)
	return slices.Compact(names), nil
}

// Source is where profile name is read from; when it is nowhere, the
// problem lists the profiles there are.
func (f ProfileFiles) Source(name string) (strictyaml.Source, error) {
	local := strictyaml.Source{Path: ProfilePath(f.dir(), name)}
	if local.Exists() {
		return local, nil
	}
	builtin := strictyaml.Source{FS: f.Builtin, Path: path.Join(DefaultProfilesDir, name+".yaml")}
	if f.fallback() && builtin.Exists() {
		return builtin, nil
	}
	known, _ := ProfileNames(f.dir())
	where := fmt.Sprintf("profiles in %s: %s", f.dir(), strings.Join(known, ", "))
	switch {
	case f.fallback() && len(known) == 0:
		where = fmt.Sprintf("built-in profiles: %s; none in %s", strings.Join(f.builtinNames(), ", "), f.dir())
	case f.fallback():
		where += "; built in: " + strings.Join(f.builtinNames(), ", ")
	}
	return local, strictyaml.Problems{{File: local.Path, Subject: "profile " + name, Message: "no such profile (" + where + ")"}}
}
