package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestProfileFiles: what wins when. A named directory is the only place
// profiles come from; without one the working directory's
// profiles/NAME.yaml wins over the built-in profile of that name, file by
// file, and the names are both sets together.
func TestProfileFiles(t *testing.T) {
	builtin := fstest.MapFS{
		"profiles/2lo.yaml": {Data: []byte(teamProfile)},
		"profiles/ssa.yaml": {Data: []byte(teamProfile)},
	}
	named := t.TempDir()
	writeFile(t, filepath.Join(named, "mine.yaml"), teamProfile)
	t.Chdir(t.TempDir())
	writeFile(t, filepath.Join("profiles", "2lo.yaml"), teamProfile)
	writeFile(t, filepath.Join("profiles", "local.yaml"), teamProfile)

	for _, tc := range []struct {
		name    string
		files   ProfileFiles
		profile string
		want    string // the source's name, or the problem's text
		names   []string
	}{
		{"working directory over built in", ProfileFiles{Builtin: builtin}, "2lo", filepath.Join("profiles", "2lo.yaml"),
			[]string{"2lo", "local", "ssa"}},
		{"built in when the working directory lacks it", ProfileFiles{Builtin: builtin}, "ssa", "profiles/ssa.yaml (built in)", nil},
		{"working directory only", ProfileFiles{Builtin: builtin}, "local", filepath.Join("profiles", "local.yaml"), nil},
		{"nowhere", ProfileFiles{Builtin: builtin}, "nope", "no such profile (profiles in profiles: 2lo, local; built in: 2lo, ssa)", nil},
		{"a named directory only", ProfileFiles{Dir: named, Builtin: builtin}, "mine", filepath.Join(named, "mine.yaml"), []string{"mine"}},
		{"a named directory never falls back", ProfileFiles{Dir: named, Builtin: builtin}, "ssa", "no such profile (profiles in " + named + ": mine)", nil},
		{"no built-in files", ProfileFiles{}, "ssa", "no such profile (profiles in profiles: 2lo, local)", []string{"2lo", "local"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := tc.files.Source(tc.profile)
			if err == nil && src.String() != tc.want || err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Source(%s) = %q, %v; want %q", tc.profile, src, err, tc.want)
			}
			if tc.names == nil {
				return
			}
			if names, err := tc.files.Names(); err != nil || !slices.Equal(names, tc.names) {
				t.Errorf("Names() = %v, %v; want %v", names, err, tc.names)
			}
		})
	}
	src, err := ProfileFiles{Builtin: builtin}.Source("ssa")
	if err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfileAt(src, "ssa", Env{}, Overrides{})
	if err != nil || p.File != "profiles/ssa.yaml (built in)" || p.Server.Addr != "127.0.0.1:6000" {
		t.Errorf("a built-in profile loads as %+v, %v", p, err)
	}
}

func writeFile(t *testing.T, file, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
