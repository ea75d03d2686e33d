package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/aps-mcp/aps-mcp/config"
)

func validate(files fileFlags, args []string, stdout, stderr io.Writer) int {
	var profile string
	fs := newFlagSet("validate", stderr, nil)
	files.register(fs)
	fs.StringVar(&profile, "profile", "", "check only profile `NAME` (default: every profile)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: aps-mcp validate [--tools FILE] [--profiles DIR] [--profile NAME]\n\n"+
			"Checks tools.yaml (against APS's OpenAPI specs too) and the profiles offline and prints every problem\n"+
			"and warning; exits 1 if there is any problem.\n\n")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	opts := files.options()
	opts.Profile = profile
	report := validateFiles(opts)
	for _, w := range report.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if len(report.Problems) > 0 {
		for _, p := range report.Problems {
			fmt.Fprintln(stderr, p)
		}
		fmt.Fprintf(stderr, "%d problem(s) found\n", len(report.Problems))
		return exitFail
	}
	for _, line := range report.Summary {
		fmt.Fprintln(stdout, line)
	}
	return exitOK
}

func listTools(files fileFlags, args []string, stdout, stderr io.Writer) int {
	c := commonFlags{fileFlags: files}
	var asJSON bool
	fs := newFlagSet("tools", stderr, nil)
	c.register(fs)
	fs.BoolVar(&asJSON, "json", false, "print the MCP tool definitions (as in tools/list) as JSON")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	loaded, code := loadConfig(c, stderr)
	if loaded == nil {
		return code
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"tools": loaded.Listed()}); err != nil {
			fmt.Fprintln(stderr, "aps-mcp:", err)
			return exitFail
		}
		return exitOK
	}
	fmt.Fprintf(stdout, "profile %s (auth %s, scopes %s): %d tools\n", loaded.Profile.Name, loaded.Profile.Auth.Kind,
		strings.Join(loaded.Profile.Auth.Scopes, " "), len(loaded.Tools))
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	onDemand := 0
	for _, t := range loaded.Tools {
		mark := " "
		if loaded.OnDemand(t) {
			mark = "*"
			onDemand++
		}
		fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\n", mark, t.Name, t.Toolset, strings.Join(t.Scopes, " "), firstLine(t.Title, t.Description))
	}
	if err := tw.Flush(); err != nil {
		return exitFail
	}
	if onDemand > 0 {
		fmt.Fprintf(stdout, "* on demand (tools.on_demand): %d tools left out of tools/list; find_tools gives their definitions and call_tool runs them\n",
			onDemand)
	}
	return exitOK
}

func docs(files fileFlags, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("docs", stderr, nil)
	files.register(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	ref, err := reference(files.options())
	if err != nil {
		printProblems(stderr, err)
		return exitFail
	}
	if _, err := stdout.Write(ref); err != nil {
		return exitFail
	}
	return exitOK
}

func clientConfig(files fileFlags, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "Usage: aps-mcp config %s [--profile NAME] [--transport stdio|http]\n", strings.ReplaceAll(clients, ", ", "|"))
		return exitUsage
	}
	client := args[0]
	c := commonFlags{fileFlags: files}
	var transport string
	fs := newFlagSet("config", stderr, nil)
	c.register(fs)
	fs.StringVar(&transport, "transport", "", "`TRANSPORT` the client uses: stdio (the client starts the server) or http (it connects to a running one); default stdio, http for a team server")
	if code, ok := parse(fs, args[1:]); !ok {
		return code
	}
	loaded, code := loadConfig(c, stderr)
	if loaded == nil {
		return code
	}
	command, note, err := executable()
	if err != nil {
		fmt.Fprintln(stderr, "aps-mcp config:", err)
		return exitFail
	}
	if note != "" {
		fmt.Fprintln(stderr, "aps-mcp config:", note, command)
	}
	out, err := clientConfigFor(clientConfigOptions{
		Client: client, Transport: clientTransport(transport, loaded.Profile), Command: command,
		Args: serverArgs(loaded.Files, fs), Emulator: c.emulator, Profile: loaded.Profile,
	})
	if err != nil {
		fmt.Fprintln(stderr, "aps-mcp config:", err)
		return exitUsage
	}
	_, _ = stdout.Write(out)
	return exitOK
}

// clientTransport is the transport a client snippet uses: the one asked
// for, else http for a team server (people connect to it) and stdio for
// any other profile (the client starts it).
func clientTransport(asked string, p *config.Profile) string {
	switch {
	case asked != "":
		return asked
	case p.Team():
		return "http"
	}
	return "stdio"
}
