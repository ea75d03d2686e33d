// Command aps-mcp is an MCP server for Autodesk Platform Services. Tools are
// declared in tools.yaml, teams pick an auth mode and tools in profiles/.
// This file is the command line only: flags, subcommands and exit codes.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/aps-mcp/aps-mcp/registry"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // a problem in configuration, credentials, APS or a tool result
	exitUsage = 2 // the command line itself is wrong
)

// The Go runtime's collector settings, unless GOGC and GOMEMLIMIT set
// their own. The server's live heap is a few MiB, so the default GOGC of
// 100 collects after every few MiB of allocation, which under load is a
// sixth of the CPU; a GC target of 400% makes that a fraction. The soft
// memory limit bounds what that and large results can take: results are
// built and encoded in memory, several copies at once, and near the
// limit the runtime collects harder rather than taking more from the
// machine the server shares with its client.
const (
	defaultGCPercent   = 400
	defaultMemoryLimit = 200 << 20
)

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// commonFlags are the flags every subcommand that reads configuration takes.
type commonFlags struct {
	profile, tools, profiles, logLevel, logFormat string
	emulator, noReload                            bool
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.profile, "profile", "2lo", "profile `NAME` to use (a file NAME.yaml in the profiles directory)")
	fs.StringVar(&c.tools, "tools", "tools.yaml", "tool catalogue `FILE`")
	fs.StringVar(&c.profiles, "profiles", "profiles", "profiles `DIR`")
	fs.StringVar(&c.logLevel, "log-level", "info", "log `LEVEL`: debug, info, warn or error (logs go to stderr)")
	fs.StringVar(&c.logFormat, "log-format", "text", "log `FORMAT`: text or json")
	fs.BoolVar(&c.noReload, "no-reload", false, "do not watch tools.yaml and the profile for changes")
	fs.BoolVar(&c.emulator, "emulator", false, "serve the built-in APS emulator on a loopback port and use it with its demo credentials (no APS account needed)")
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "", "serve":
		return serve(ctx, args, stdout, stderr)
	case "validate":
		return validate(args, stdout, stderr)
	case "tools":
		return listTools(args, stdout, stderr)
	case "call":
		return call(ctx, args, stdout, stderr)
	case "emulator":
		return emulator(ctx, args, stdout, stderr)
	case "docs":
		return docs(args, stdout, stderr)
	case "config":
		return clientConfig(args, stdout, stderr)
	case "help":
		usage(stdout, newFlagSet("serve", stdout, nil))
		return exitOK
	}
	fmt.Fprintf(stderr, "aps-mcp: unknown command %q; run aps-mcp --help\n", cmd)
	return exitUsage
}

func newFlagSet(name string, out io.Writer, help func(io.Writer, *flag.FlagSet)) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	if help != nil {
		fs.Usage = func() { help(out, fs) }
	}
	return fs
}

// parse parses args; it returns an exit code when the command must stop.
func parse(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return 0, true
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c commonFlags
	var transport, addr, pprofAddr string
	var version bool
	fs := newFlagSet("aps-mcp", stderr, usage)
	c.register(fs)
	fs.StringVar(&transport, "transport", "", "MCP `TRANSPORT`: http (streamable HTTP at /mcp) or stdio; default from the profile")
	fs.StringVar(&addr, "addr", "", "`HOST:PORT` to listen on with http; default from the profile")
	fs.StringVar(&pprofAddr, "pprof", "", "also serve Go's profiling endpoints (/debug/pprof/) on `HOST:PORT`, a loopback address")
	fs.BoolVar(&version, "version", false, "print the version and exit")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "aps-mcp: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if version {
		fmt.Fprintln(stdout, "aps-mcp", moduleVersion())
		return exitOK
	}
	a, code := newApp(ctx, c, config.Overrides{Transport: transport, Addr: addr}, stderr)
	if a == nil {
		return code
	}
	defer a.Close()
	if pprofAddr != "" {
		if _, err := a.ServePprof(ctx, pprofAddr); err != nil {
			fmt.Fprintln(stderr, "aps-mcp:", err)
			return exitUsage
		}
	}
	if err := a.Serve(ctx); err != nil {
		fmt.Fprintln(stderr, "aps-mcp:", err)
		return exitFail
	}
	return exitOK
}

func newApp(ctx context.Context, c commonFlags, ov config.Overrides, stderr io.Writer) (*app.App, int) {
	opts, code, ok := options(c, stderr)
	if !ok {
		return nil, code
	}
	opts.Overrides = ov
	a, err := app.New(ctx, opts)
	if err != nil {
		printProblems(stderr, err)
		return nil, exitFail
	}
	return a, exitOK
}

func options(c commonFlags, stderr io.Writer) (app.Options, int, bool) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		fmt.Fprintf(stderr, "aps-mcp: --log-level: %v\n", err)
		return app.Options{}, exitUsage, false
	}
	env, err := config.LoadEnv(".env")
	if err != nil {
		fmt.Fprintln(stderr, "aps-mcp:", err)
		return app.Options{}, exitFail, false
	}
	handlerOpts := &slog.HandlerOptions{Level: level}
	var handler slog.Handler
	switch c.logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, handlerOpts)
	case "json":
		handler = slog.NewJSONHandler(stderr, handlerOpts)
	default:
		fmt.Fprintf(stderr, "aps-mcp: --log-format must be text or json, got %q\n", c.logFormat)
		return app.Options{}, exitUsage, false
	}
	return app.Options{
		ToolsFile:   c.tools,
		ProfilesDir: c.profiles,
		Profile:     c.profile,
		Env:         env,
		Emulator:    c.emulator,
		Logger:      slog.New(handler),
		NoReload:    c.noReload,
		Version:     moduleVersion(),
	}, 0, true
}

// loadConfig loads the catalogue and profile the flags name, offline; it
// prints the problems and returns an exit code when they do not load.
func loadConfig(c commonFlags, stderr io.Writer) (*app.Loaded, int) {
	opts, code, ok := options(c, stderr)
	if !ok {
		return nil, code
	}
	loaded, err := app.Load(opts)
	if err != nil {
		printProblems(stderr, err)
		return nil, exitFail
	}
	return loaded, exitOK
}

func validate(args []string, stdout, stderr io.Writer) int {
	var tools, profiles, profile string
	fs := newFlagSet("validate", stderr, nil)
	fs.StringVar(&tools, "tools", "tools.yaml", "tool catalogue `FILE`")
	fs.StringVar(&profiles, "profiles", "profiles", "profiles `DIR`")
	fs.StringVar(&profile, "profile", "", "check only profile `NAME` (default: every profile)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: aps-mcp validate [--tools FILE] [--profiles DIR] [--profile NAME]\n\n"+
			"Checks tools.yaml and the profiles offline and prints every problem; exits 1 if there is any.\n\n")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	report := app.Validate(tools, profiles, profile)
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

func listTools(args []string, stdout, stderr io.Writer) int {
	var c commonFlags
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
		defs := make([]any, len(loaded.Tools))
		for i, t := range loaded.Tools {
			defs[i] = t.MCPTool()
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"tools": defs}); err != nil {
			fmt.Fprintln(stderr, "aps-mcp:", err)
			return exitFail
		}
		return exitOK
	}
	fmt.Fprintf(stdout, "profile %s (auth %s, scopes %s): %d tools\n", loaded.Profile.Name, loaded.Profile.Auth.Kind,
		strings.Join(loaded.Profile.Auth.Scopes, " "), len(loaded.Tools))
	for _, t := range loaded.Tools {
		fmt.Fprintf(stdout, "  %-28s %-8s %-22s %s\n", t.Name, t.Toolset, strings.Join(t.Scopes, " "), firstLine(t.Title, t.Description))
	}
	return exitOK
}

func call(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c commonFlags
	fs := newFlagSet("call", stderr, nil)
	c.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: aps-mcp call [flags] TOOL ['{json arguments}']\n\n"+
			"Runs one tool through the MCP layer and prints its result; exits 1 when the result is an error.\n\n")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		fs.Usage()
		return exitUsage
	}
	a, code := newApp(ctx, c, config.Overrides{}, stderr)
	if a == nil {
		return code
	}
	defer a.Close()
	res, err := a.Call(ctx, fs.Arg(0), fs.Arg(1))
	if err != nil {
		fmt.Fprintln(stderr, "aps-mcp:", err)
		return exitFail
	}
	if res.IsError {
		for _, text := range app.ResultTexts(res) {
			fmt.Fprintln(stderr, text)
		}
		return exitFail
	}
	for _, text := range app.ResultTexts(res) {
		fmt.Fprintln(stdout, app.Indent(text))
	}
	return exitOK
}

func emulator(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var addr string
	fs := newFlagSet("emulator", stderr, nil)
	fs.StringVar(&addr, "addr", "127.0.0.1:5100", "`HOST:PORT` to serve the APS emulator on")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	err := apsemu.ListenAndServe(ctx, addr, apsemu.New(apsemu.Options{}), func(url string) {
		fmt.Fprintf(stdout, "APS emulator serving at %s (Ctrl-C stops it). Point the server at it with:\n"+
			"  APS_BASE_URL=%s APS_CLIENT_ID=%s APS_CLIENT_SECRET=%s\n", url, url, apsemu.DemoClientID, apsemu.DemoClientSecret)
	})
	if err != nil {
		fmt.Fprintln(stderr, "aps-mcp emulator:", err)
		return exitFail
	}
	return exitOK
}

func docs(args []string, stdout, stderr io.Writer) int {
	var tools, profiles string
	fs := newFlagSet("docs", stderr, nil)
	fs.StringVar(&tools, "tools", "tools.yaml", "tool catalogue `FILE`")
	fs.StringVar(&profiles, "profiles", "profiles", "profiles `DIR`")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	ref, err := app.Reference(tools, profiles)
	if err != nil {
		printProblems(stderr, err)
		return exitFail
	}
	if _, err := stdout.Write(ref); err != nil {
		return exitFail
	}
	return exitOK
}

func clientConfig(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "Usage: aps-mcp config %s [--profile NAME] [--transport stdio|http]\n", strings.Join(app.Clients, "|"))
		return exitUsage
	}
	client := args[0]
	var c commonFlags
	var transport string
	fs := newFlagSet("config", stderr, nil)
	c.register(fs)
	fs.StringVar(&transport, "transport", "stdio", "`TRANSPORT` the client uses: stdio (the client starts the server) or http (it connects to a running one)")
	if code, ok := parse(fs, args[1:]); !ok {
		return code
	}
	loaded, code := loadConfig(c, stderr)
	if loaded == nil {
		return code
	}
	command, err := os.Executable()
	if err != nil || strings.Contains(command, "go-build") {
		command = "aps-mcp" // under go run: assume the installed binary (go install)
	}
	out, err := app.ClientConfig(app.ClientConfigOptions{
		Client: client, Transport: transport, Command: command,
		ToolsFile: c.tools, ProfilesDir: c.profiles, Profile: loaded.Profile,
	})
	if err != nil {
		fmt.Fprintln(stderr, "aps-mcp config:", err)
		return exitUsage
	}
	_, _ = stdout.Write(out)
	return exitOK
}

func printProblems(w io.Writer, err error) {
	fmt.Fprintln(w, "aps-mcp: cannot start:")
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintln(w, "  "+line)
	}
}

func firstLine(title, description string) string {
	if title != "" {
		return title
	}
	line, _, _ := strings.Cut(description, "\n")
	return line
}

func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

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
	kinds := authproviders.Kinds()
	var required []string
	for _, k := range kinds {
		kind, _ := authproviders.Lookup(k)
		required = append(required, fmt.Sprintf("%s needs %s", k, strings.Join(kind.RequiredEnv, ", ")))
	}
	overrides := config.EnvOverrides()
	names := make([]string, 0, len(overrides))
	for v := range overrides {
		names = append(names, v)
	}
	sort.Strings(names)
	fmt.Fprintf(w, `
Environment (a .env file in the working directory is read too; it never overrides a variable already set):
  APS_CLIENT_ID, APS_CLIENT_SECRET   the APS application's credentials
  APS_SSA_ID, APS_SSA_KEY_ID         the Secure Service Account and its key id (ssa)
  APS_SSA_KEY_BASE64                 base64 of the service account's PEM private key (ssa), or
  APS_SSA_KEY_FILE                   the path of that PEM file
  Required per auth kind: %s
`, strings.Join(required, "; "))
	for _, v := range names {
		fmt.Fprintf(w, "  %-34s overrides the profile's %s\n", v, overrides[v])
	}
	fmt.Fprintf(w, "  %-34s the Go runtime's soft memory limit (default here %d MiB; off removes it)\n", "GOMEMLIMIT", defaultMemoryLimit>>20)
	fmt.Fprintf(w, "  %-34s the Go runtime's collection target (default here %d)\n", "GOGC", defaultGCPercent)
	fmt.Fprintf(w, `
Settings are layered: built-in defaults < profile file < environment < flags.
APS_BASE_URL defaults to %s and is used for token and API calls alike.
Auth kinds: %s. Listings are capped at %d items unless the profile or tool says otherwise.
`, config.DefaultBaseURL, strings.Join(kinds, ", "), registry.DefaultMaxItems)
}
