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

	"github.com/aps-mcp/aps-mcp/cancelled"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/httpguard"
	"github.com/aps-mcp/aps-mcp/notify"
)

// shutdownGrace is how long in-flight calls may run on after a stop signal.
const shutdownGrace = 5 * time.Second

// MCPPath is where the streamable HTTP transport answers.
const MCPPath = "/mcp"

// Serve runs the profile's transport until ctx is done: HTTP on the
// profile's address, or stdio on this process's stdin and stdout.
func (a *App) Serve(ctx context.Context) error {
	prof := a.Current().Profile
	if prof.Server.Transport == config.TransportStdio {
		return a.ServeStdio(ctx, os.Stdin, os.Stdout)
	}
	addr := prof.Server.Addr
	if err := a.checkExposure(addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	return a.ServeListener(ctx, ln)
}

// HTTPHandler is the HTTP surface: the MCP endpoint, a team server's
// OAuth endpoints or the single-user OAuth callback, health and metrics.
// Call shutdown when done: it closes the endpoint's streams and stops the
// sweeper of its sessions.
func (a *App) HTTPHandler() (http.Handler, func(context.Context) error) {
	mux := http.NewServeMux()
	endpoint, shutdown := a.mcpEndpoint()
	mux.Handle(a.mcpPath, endpoint)
	a.siteRoutes(mux)
	return mux, shutdown
}

// checkExposure refuses addresses that would hand the server's APS access
// to other machines without the protection the profile asked for (the
// rule validate applies too), and warns of one left open on purpose.
func (a *App) checkExposure(addr string) error {
	prof := a.Current().Profile
	if msg := prof.ExposureProblem(addr); msg != "" {
		return fmt.Errorf("profile %s: %s", prof.Name, msg)
	}
	if !config.IsLoopback(addr) && !prof.Team() && a.bearerToken == "" {
		a.logger.Warn("listening on a non-loopback address without a bearer token: anyone who can reach it can use this server's APS access", "addr", addr)
	}
	return nil
}

// ServeListener serves MCP over streamable HTTP on ln until ctx is done.
func (a *App) ServeListener(ctx context.Context, ln net.Listener) error {
	stopCallback, err := a.serveCallback(ctx, ln.Addr())
	if err != nil {
		return err
	}
	defer stopCallback()
	handler, shutdownMCP := a.HTTPHandler()
	a.logServing(ln)
	a.creds.start(a.checkCredentials)
	return serveHTTP(ctx, ln, handler, a.site(), shutdownMCP)
}

// site is how the app's HTTP server runs, from the profile served at the
// time each setting is needed (a reload changes them).
func (a *App) site() site {
	settings := func() config.ServerConfig { return a.Current().Profile.Server }
	return site{
		drain:        func() time.Duration { return settings().Drain },
		writeTimeout: func() time.Duration { return settings().WriteTimeout },
		logger:       a.logger,
		startDrain:   func() { a.draining.Store(true) },
	}
}

// site is what an HTTP server needs of the app(s) it serves.
type site struct {
	drain        func() time.Duration // how long a stopping server goes on serving
	writeTimeout func() time.Duration // how long one write may wait on the client
	logger       *slog.Logger
	startDrain   func() // marks the app not ready
}

func (a *App) logServing(ln net.Listener) {
	cur := a.Current()
	a.logger.Info("serving MCP over streamable HTTP", "url", "http://"+ln.Addr().String()+a.mcpPath,
		"profile", cur.Profile.Name, "auth", cur.Profile.Auth.Kind, "tools", len(cur.Tools), "aps", a.BaseURL)
}

// serveHTTP serves handler on ln until ctx is done, then gives calls in
// flight their grace period; shutdowns close the MCP endpoints' streams.
func serveHTTP(ctx context.Context, ln net.Listener, handler http.Handler, st site, shutdowns ...func(context.Context) error) error {
	logger := st.logger
	srv := &http.Server{
		// Responses may stream for as long as a call runs, so instead of a
		// WriteTimeout each write is bounded on its own.
		Handler:           httpguard.BoundWrites(handler, st.writeTimeout),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute, // request bodies are small
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("HTTP server: %w", err)
	case <-ctx.Done():
	}
	if period := st.drain(); period > 0 {
		// A balancer that health-checks /readyz routes around this
		// replica while it still answers what reaches it.
		st.startDrain()
		logger.Info("draining: /readyz answers 503 while calls still arrive", "drain", period)
		time.Sleep(period)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	for _, shutdown := range shutdowns {
		_ = shutdown(shutdownCtx) // closes open SSE streams so Shutdown can finish
	}
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Calls still running (or connections a client opened and never
		// used) had their grace period; stop them rather than hang.
		logger.Warn("closing connections still open after the shutdown grace period", "grace", shutdownGrace)
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
	cur := a.Current()
	a.logger.Info("serving MCP over stdio", "profile", cur.Profile.Name, "auth", cur.Profile.Auth.Kind,
		"tools", len(cur.Tools), "aps", a.BaseURL)
	stopCallback, err := a.serveCallback(ctx, nil)
	if err != nil {
		return err
	}
	defer stopCallback()
	a.creds.start(a.checkCredentials) // logged: stdio has no /readyz
	stdio := server.NewStdioServer(a.MCP)
	stdio.SetErrorLogger(slog.NewLogLogger(a.logger.Handler(), slog.LevelError))
	in, out = cancelled.Stdio(in, out) // no answer to a cancelled request
	shared := notify.Stdio(out)        // progress before the answer, in order
	stdio.SetContextFunc(shared.WithContext)
	err = stdio.Listen(ctx, in, shared)
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
		return nil
	}
	return fmt.Errorf("stdio: %w", err)
}
