package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/aps-mcp/aps-mcp/config"
)

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
