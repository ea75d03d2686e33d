// Command aps-mcp is an MCP server for Autodesk Platform Services. Tools are
// declared in tools.yaml, teams pick an auth mode and tools in profiles/.
// The command line lives in package cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/aps-mcp/aps-mcp/cli"
)

func main() {
	cli.SetRuntimeDefaults()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
