package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
)

// shutdownGrace is how long in-flight calls may run on after a stop signal.
const shutdownGrace = 5 * time.Second

// MCPPath is where the streamable HTTP transport answers.
const MCPPath = "/mcp"

// Serve runs the profile's transport until ctx is done: HTTP on the
// profile's address, or stdio on this process's stdin and stdout.
func (a *App) Serve(ctx context.Context) error {
	if a.Profile.Server.Transport == config.TransportStdio {
		return a.ServeStdio(ctx, os.Stdin, os.Stdout)
	}
	addr := a.Profile.Server.Addr
	if !isLoopback(addr) {
		if a.kind.ActsForOneUser && !a.Profile.Server.AllowNonLoopback {
			return fmt.Errorf("profile %s: auth %s acts as the signed-in person, so anyone who reaches %s would act as them; "+
				"listen on a loopback address, or set server.allow_non_loopback: true in %s if that is intended",
				a.Profile.Name, a.kind.Name, addr, a.Profile.File)
		}
		a.logger.Warn("listening on a non-loopback address: anyone who can reach it can use this server's APS credentials", "addr", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	return a.ServeListener(ctx, ln)
}

// HTTPHandler is the HTTP surface: the MCP endpoint at /mcp, and the
// OAuth callback when the auth kind has one.
func (a *App) HTTPHandler() (http.Handler, func(context.Context) error) {
	streamable := server.NewStreamableHTTPServer(a.MCP,
		server.WithEndpointPath(MCPPath),
		server.WithStreamableHTTPLogger(a.logger),
	)
	mux := http.NewServeMux()
	mux.Handle(MCPPath, streamable)
	if cb, ok := a.provider.(authproviders.CallbackServer); ok {
		mux.Handle("GET "+callbackPath(cb), cb)
	}
	return mux, streamable.Shutdown
}

// ServeListener serves MCP over streamable HTTP on ln until ctx is done.
func (a *App) ServeListener(ctx context.Context, ln net.Listener) error {
	stopCallback, err := a.serveCallback(ctx, ln.Addr())
	if err != nil {
		return err
	}
	defer stopCallback()
	handler, shutdownMCP := a.HTTPHandler()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	a.logger.Info("serving MCP over streamable HTTP", "url", "http://"+ln.Addr().String()+MCPPath,
		"profile", a.Profile.Name, "auth", a.Profile.Auth.Kind, "tools", len(a.Tools), "aps", a.BaseURL)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("HTTP server: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	_ = shutdownMCP(shutdownCtx) // closes open SSE streams so Shutdown can finish
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Calls still running (or connections a client opened and never
		// used) had their grace period; stop them rather than hang.
		a.logger.Warn("closing connections still open after the shutdown grace period", "grace", shutdownGrace)
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ServeStdio serves MCP over in and out until in closes or ctx is done.
// Only protocol messages are written to out; logs go to the logger.
func (a *App) ServeStdio(ctx context.Context, in io.Reader, out io.Writer) error {
	a.logger.Info("serving MCP over stdio", "profile", a.Profile.Name, "auth", a.Profile.Auth.Kind,
		"tools", len(a.Tools), "aps", a.BaseURL)
	stopCallback, err := a.serveCallback(ctx, nil)
	if err != nil {
		return err
	}
	defer stopCallback()
	stdio := server.NewStdioServer(a.MCP)
	stdio.SetErrorLogger(slog.NewLogLogger(a.logger.Handler(), slog.LevelError))
	err = stdio.Listen(ctx, in, out)
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
		return nil
	}
	return fmt.Errorf("stdio: %w", err)
}
