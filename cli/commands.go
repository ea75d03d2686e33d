package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

func call(ctx context.Context, files fileFlags, args []string, stdout, stderr io.Writer) int {
	c := commonFlags{fileFlags: files}
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
	if err := a.SignInFirst(ctx, stderr); err != nil {
		fmt.Fprintln(stderr, "aps-mcp:", err)
		return exitFail
	}
	res, err := a.Call(ctx, fs.Arg(0), fs.Arg(1))
	if err != nil {
		fmt.Fprintln(stderr, "aps-mcp:", err)
		return exitFail
	}
	if res.IsError {
		for _, text := range resultTexts(res) {
			fmt.Fprintln(stderr, text)
		}
		return exitFail
	}
	if doc := structuredJSON(res); doc != nil {
		// The document itself, for scripts: a listing's text is the
		// compact form meant for a model.
		fmt.Fprintln(stdout, indent(string(doc)))
		return exitOK
	}
	for _, text := range resultTexts(res) {
		fmt.Fprintln(stdout, indent(text))
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
	emu := apsemu.New(apsemu.Options{})
	creds, err := app.EmulatorCredentials(emu)
	if err != nil {
		fmt.Fprintln(stderr, "aps-mcp emulator:", err)
		return exitFail
	}
	err = apsemu.ListenAndServe(ctx, addr, emu, func(url string) {
		fmt.Fprintf(stdout, "APS emulator serving at %s (Ctrl-C stops it). Point the server at it with these variables\n"+
			"(every auth kind's; the service account's key was generated for this run):\n  APS_BASE_URL=%s\n", url, url)
		for _, name := range slices.Sorted(maps.Keys(creds)) {
			fmt.Fprintf(stdout, "  %s=%s\n", name, creds[name])
		}
	})
	if err != nil {
		fmt.Fprintln(stderr, "aps-mcp emulator:", err)
		return exitFail
	}
	return exitOK
}
