package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/config"
)

func serve(ctx context.Context, files fileFlags, args []string, stdout, stderr io.Writer) int {
	c := commonFlags{fileFlags: files}
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
	ov := config.Overrides{Transport: transport, Addr: addr}
	if names := app.SplitProfiles(c.profile); len(names) > 1 {
		return serveDeployment(ctx, c, ov, names, stderr)
	}
	a, code := newApp(ctx, c, ov, stderr)
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

// serveDeployment serves several profiles from one process, each at
// /p/NAME/mcp.
func serveDeployment(ctx context.Context, c commonFlags, ov config.Overrides, names []string, stderr io.Writer) int {
	opts, code, ok := options(c, stderr)
	if !ok {
		return code
	}
	opts.Overrides = ov
	d, err := app.NewDeployment(ctx, opts, names)
	if err != nil {
		printProblems(stderr, err)
		return exitFail
	}
	defer d.Close()
	if err := d.Serve(ctx); err != nil {
		fmt.Fprintln(stderr, "aps-mcp:", err)
		return exitFail
	}
	return exitOK
}
