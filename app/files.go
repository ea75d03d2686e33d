package app

import (
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// DefaultToolsFile is the catalogue's name in the working directory and in
// Options.Builtin.
const DefaultToolsFile = "tools.yaml"

// Files are where a catalogue and profile are read from. An app settles
// them when it starts, so a reload reads the same files: a tools.yaml that
// appears in the working directory later does not replace the built-in one
// mid-run, nor does a deleted one fall back to it.
type Files struct {
	Tools, Profile strictyaml.Source
}

// toolsSource is where the catalogue is read from: ToolsFile when named;
// else tools.yaml in the working directory when there is one, else
// Builtin's.
func (o Options) toolsSource() strictyaml.Source {
	if o.ToolsFile != "" {
		return strictyaml.Source{Path: o.ToolsFile}
	}
	local := strictyaml.Source{Path: DefaultToolsFile}
	if o.Builtin == nil || local.Exists() {
		return local
	}
	return strictyaml.Source{FS: o.Builtin, Path: DefaultToolsFile}
}

// profileFiles is where profiles are read from (config.ProfileFiles says
// which one wins).
func (o Options) profileFiles() config.ProfileFiles {
	return config.ProfileFiles{Dir: o.ProfilesDir, Builtin: o.Builtin}
}

// onDisk are the files that can change while the server runs, the ones
// hot reload watches; the built-in ones cannot.
func (f Files) onDisk() (real, builtin []string) {
	for _, s := range []strictyaml.Source{f.Tools, f.Profile} {
		if s.FS != nil {
			builtin = append(builtin, s.String())
		} else {
			real = append(real, s.Path)
		}
	}
	return real, builtin
}
