// Package cli is aps-mcp's command line: flags, subcommands, exit codes and
// --help. It parses what the user typed and calls into app; main.go only
// sets the Go runtime's defaults and hands over os.Args.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/config"
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

// fileFlags are --tools and --profiles, and the built-in files they
// override.
type fileFlags struct {
	tools, profiles string
	builtin         fs.FS // the shipped tools.yaml and profiles/ (package main embeds them)
}

func (f *fileFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.tools, "tools", "", "tool catalogue `FILE` (default: tools.yaml in the working directory if there is one, else the built-in catalogue)")
	fs.StringVar(&f.profiles, "profiles", "", "profiles `DIR`, then the only place profiles come from (default: profiles/NAME.yaml in the working directory if there is one, else the built-in profile NAME)")
}

// options are the app options the flags name the files with.
func (f fileFlags) options() app.Options {
	return app.Options{ToolsFile: f.tools, ProfilesDir: f.profiles, Builtin: f.builtin}
}

// commonFlags are the flags every subcommand that reads configuration takes.
type commonFlags struct {
	fileFlags
	profile, logLevel, logFormat string
	emulator, noReload           bool
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.profile, "profile", "2lo", "profile `NAME` to use (a file NAME.yaml: see --profiles); serve takes several, comma-separated, each at /p/NAME/mcp")
	c.fileFlags.register(fs)
	fs.StringVar(&c.logLevel, "log-level", "info", "log `LEVEL`: debug, info, warn or error (logs go to stderr)")
	fs.StringVar(&c.logFormat, "log-format", "text", "log `FORMAT`: text or json")
	fs.BoolVar(&c.noReload, "no-reload", false, "do not watch tools.yaml and the profile for changes")
	fs.BoolVar(&c.emulator, "emulator", false, "serve the built-in APS emulator on a loopback port and use it with its demo credentials (no APS account needed)")
}

// SetRuntimeDefaults applies the collector settings above unless the
// environment sets GOGC or GOMEMLIMIT.
func SetRuntimeDefaults() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

// Run runs the command line args (without the program name) and returns
// the process's exit code. builtin holds the shipped tools.yaml and
// profiles/NAME.yaml, the defaults that --tools, --profiles and the
// working directory's files override; nil for none.
func Run(ctx context.Context, args []string, builtin fs.FS, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	files := fileFlags{builtin: builtin}
	switch cmd {
	case "", "serve":
		return serve(ctx, files, args, stdout, stderr)
	case "validate":
		return validate(files, args, stdout, stderr)
	case "tools":
		return listTools(files, args, stdout, stderr)
	case "call":
		return call(ctx, files, args, stdout, stderr)
	case "emulator":
		return emulator(ctx, args, stdout, stderr)
	case "docs":
		return docs(files, args, stdout, stderr)
	case "config":
		return clientConfig(files, args, stdout, stderr)
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
	opts := c.fileFlags.options()
	opts.Profile, opts.Env, opts.Emulator, opts.NoReload = c.profile, env, c.emulator, c.noReload
	opts.Logger, opts.Version = slog.New(handler), moduleVersion()
	return opts, 0, true
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

// printProblems prints why configuration did not load, a line each.
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
