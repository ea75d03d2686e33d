// Command aps-mcp is an MCP server for Autodesk Platform Services. Tools are
// declared in tools.yaml, teams pick an auth mode and tools in profiles/.
// The command line lives in package cli.
package main

import (
	"context"
	"embed"
	"os"
	"os/signal"
	"syscall"

	"github.com/aps-mcp/aps-mcp/cli"
)

// shipped are the catalogue and profiles of this repository, built into
// the binary so that it works from any directory (go install puts it far
// from a clone). Only package main can embed them: go:embed reaches no
// parent directory, and these files stay at the repository's root, where
// users and the docs expect them. The working directory's files and
// --tools and --profiles override them (cli and config.ProfileFiles).
//
//go:embed tools.yaml profiles/*.yaml
var shipped embed.FS

func main() {
	cli.SetRuntimeDefaults()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], shipped, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
