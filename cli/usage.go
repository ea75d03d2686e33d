package cli

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/defaults"
)

// usage is --help: the commands, the flags and every environment variable.
func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `aps-mcp: an MCP server for Autodesk Platform Services (APS).

Usage:
  aps-mcp [serve] [flags]                      serve MCP (streamable HTTP at /mcp, or stdio)
  aps-mcp validate [--profile NAME]            check tools.yaml and the profiles offline
  aps-mcp tools --profile NAME [--json]        list the tools a profile exposes
  aps-mcp call --profile NAME TOOL '{json}'    run one tool and print its result
  aps-mcp emulator [--addr HOST:PORT]          serve the APS emulator on its own
  aps-mcp docs > docs/tools.md                 write the tool reference
  aps-mcp config claude|vscode|cursor [--profile NAME] [--transport stdio|http]
                                               print the client's configuration snippet

Flags of serve (call and tools take the same but --transport, --addr and --version):
`)
	fs.PrintDefaults()
	fmt.Fprint(w, "\nEnvironment (a .env file in the working directory is read too; it never overrides a variable already set):\n")
	writeKindEnv(w)
	fmt.Fprintf(w, "  %-34s a team server's key for APS tokens at rest: base64 of 32 random bytes (openssl rand -base64 32)\n", app.StoreKeyEnv)
	overrides := config.EnvOverrides()
	names := make([]string, 0, len(overrides))
	for v := range overrides {
		names = append(names, v)
	}
	sort.Strings(names)
	for _, v := range names {
		fmt.Fprintf(w, "  %-34s overrides the profile's %s\n", v, overrides[v])
	}
	fmt.Fprintf(w, "  %-34s the Go runtime's soft memory limit (default here %d MiB; off removes it)\n", "GOMEMLIMIT", defaultMemoryLimit>>20)
	fmt.Fprintf(w, "  %-34s the Go runtime's collection target (default here %d)\n", "GOGC", defaultGCPercent)
	fmt.Fprintln(w, "\nBuilt-in defaults (profile key, value, meaning):")
	for _, line := range defaults.Lines() {
		fmt.Fprintln(w, "  "+line)
	}
	fmt.Fprintf(w, `
Settings are layered: built-in defaults < profile file < environment < flags.
Files: the catalogue is --tools FILE, else tools.yaml in the working directory, else the
built-in one; profile NAME is DIR/NAME.yaml with --profiles DIR (only there), else
profiles/NAME.yaml in the working directory, else the built-in one. So the binary works
from any directory; hot reload watches the files on disk, not the built-in ones.
APS_BASE_URL defaults to %s and is used for token and API calls alike.
Auth kinds: %s. Listings are capped at %d items unless the profile or tool says otherwise.
`, defaults.BaseURL, strings.Join(authproviders.Kinds(), ", "), defaults.MaxItems)
}

// writeKindEnv lists each auth kind's variables (the ones that override a
// profile setting are listed with the other overrides), then which ones
// each kind requires.
func writeKindEnv(w io.Writer) {
	seen := map[string]bool{}
	var required []string
	for _, name := range authproviders.Kinds() {
		kind, _ := authproviders.Lookup(name)
		for _, v := range kind.Env {
			if seen[v.Name] || v.Setting != "" {
				continue
			}
			seen[v.Name] = true
			fmt.Fprintf(w, "  %-34s %s\n", v.Name, v.Meaning)
		}
		required = append(required, fmt.Sprintf("%s needs %s", name, strings.Join(kind.RequiredEnv(), ", ")))
	}
	fmt.Fprintf(w, "  Required per auth kind: %s\n", strings.Join(required, "; "))
}
