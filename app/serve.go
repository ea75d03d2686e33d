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
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/httpguard"
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
func (a *App) HTTPHandler() (http.Handler, func(context.Context) error) {
	mux := http.NewServeMux()
	endpoint, shutdown := a.mcpEndpoint()
	mux.Handle(a.mcpPath, endpoint)
	a.siteRoutes(mux)
	return mux, shutdown
}

// guards are what the profile's HTTP surface is behind: guard with the
// bearer token /mcp may require, open for what has no token to send.
func (a *App) guards() (guard, open httpguard.Guard) {
	cur := a.Current()
	guard = httpguard.Guard{AllowedHosts: allowedHosts(cur.Profile), Token: a.bearerToken, MaxBody: cur.Profile.Server.MaxBodyBytes}
	open = guard
	open.Token = ""
	return guard, open
}

// mcpEndpoint is the streamable HTTP endpoint, behind the guard and, on a
// team server, behind the bearer check of the sign-in.
func (a *App) mcpEndpoint() (http.Handler, func(context.Context) error) {
	streamable := server.NewStreamableHTTPServer(a.MCP,
		server.WithEndpointPath(a.mcpPath),
		server.WithStreamableHTTPLogger(a.logger),
	)
	guard, _ := a.guards()
	if a.team != nil {
		return guard.Wrap(a.team.oauth.Protect(a.mcpPath, streamable)), streamable.Shutdown
	}
	return guard.Wrap(streamable), streamable.Shutdown
}

// siteRoutes adds what the site serves besides MCP endpoints: a team
// server's OAuth endpoints and pages, the single-user OAuth callback,
// health and metrics.
func (a *App) siteRoutes(mux *http.ServeMux) {
	guard, open := a.guards()
	if a.team != nil {
		// Every person signs in through the server's own OAuth
		// authorization server; its pages and endpoints answer on the
		// public URL's host.
		teamMux := http.NewServeMux()
		a.team.oauth.Routes(teamMux)
		mux.Handle("/", open.Wrap(teamMux))
	}
	if cb := callbackURL(a.currentProvider()); cb != "" {
		// The browser that comes back from APS has no bearer token; the
		// single-use state protects the callback instead.
		mux.Handle("GET "+callbackPath(cb), open.Wrap(http.HandlerFunc(a.serveCallbackRequest)))
	}
	mux.Handle("GET /healthz", open.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})))
	mux.Handle("GET /readyz", open.Wrap(http.HandlerFunc(a.serveReady)))
	if a.Current().Profile.Server.Metrics {
		mux.Handle("GET /metrics", guard.Wrap(a.Metrics.Handler()))
	}
}

// serveReady answers /readyz: the configuration is loaded and a team
// server's store answers.
func (a *App) serveReady(w http.ResponseWriter, r *http.Request) {
	if a.Current() == nil {
		http.Error(w, "configuration not loaded", http.StatusServiceUnavailable)
		return
	}
	if a.draining.Load() {
		http.Error(w, "draining: the server is stopping", http.StatusServiceUnavailable)
		return
	}
	if a.team != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.team.store.Ping(ctx); err != nil {
			http.Error(w, "the team store does not answer", http.StatusServiceUnavailable)
			return
		}
	}
	_, _ = io.WriteString(w, "ready\n")
}

// checkExposure refuses addresses that would hand the server's APS access
// to other machines without the protection the profile asked for.
func (a *App) checkExposure(addr string) error {
	if isLoopback(addr) {
		return nil
	}
	cur := a.Current()
	srv := cur.Profile.Server
	a.mu.Lock()
	kind := a.kind
	a.mu.Unlock()
	if a.team != nil {
		return nil // every caller signs in and acts as themselves
	}
	if kind.ActsAsUser && !srv.AllowNonLoopback {
		return fmt.Errorf("profile %s: auth %s acts as the signed-in person, so anyone who reaches %s would act as them; "+
			"listen on a loopback address, or set server.allow_non_loopback: true in %s if that is intended",
			cur.Profile.Name, kind.Name, addr, cur.Profile.File)
	}
	if a.bearerToken == "" && !srv.AllowUnprotected {
		return fmt.Errorf("profile %s: %s is reachable from other machines and /mcp has no bearer token; set server.auth_token_env "+
			"to the name of an environment variable holding a long random token, or set server.allow_unprotected: true in %s if that is intended",
			cur.Profile.Name, addr, cur.Profile.File)
	}
	if a.bearerToken == "" {
		a.logger.Warn("listening on a non-loopback address without a bearer token: anyone who can reach it can use this server's APS access", "addr", addr)
	}
	return nil
}

// allowedHosts are the host names Host and Origin may carry: the
// profile's, and a team server's public host.
func allowedHosts(p *config.Profile) []string {
	hosts := p.Server.AllowedHosts
	if u, err := url.Parse(p.Server.PublicURL); err == nil && u.Hostname() != "" {
		hosts = append(slices.Clone(hosts), u.Hostname())
	}
	return hosts
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
	return serveHTTP(ctx, ln, handler, a.drainer(), shutdownMCP)
}

// drainer is how the app stops serving: its profile's drain period, with
// /readyz answering 503 meanwhile.
func (a *App) drainer() drain {
	return drain{period: a.Current().Profile.Server.Drain, logger: a.logger, start: func() { a.draining.Store(true) }}
}

// drain is what a stopping server does before it closes its listener.
type drain struct {
	period time.Duration
	logger *slog.Logger
	start  func() // marks the app not ready
}

func (a *App) logServing(ln net.Listener) {
	cur := a.Current()
	a.logger.Info("serving MCP over streamable HTTP", "url", "http://"+ln.Addr().String()+a.mcpPath,
		"profile", cur.Profile.Name, "auth", cur.Profile.Auth.Kind, "tools", len(cur.Tools), "aps", a.BaseURL)
}

// serveHTTP serves handler on ln until ctx is done, then gives calls in
// flight their grace period; shutdowns close the MCP endpoints' streams.
func serveHTTP(ctx context.Context, ln net.Listener, handler http.Handler, d drain, shutdowns ...func(context.Context) error) error {
	logger := d.logger
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute, // request bodies are small; responses may stream, so no WriteTimeout
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
	if d.period > 0 {
		// A balancer that health-checks /readyz routes around this
		// replica while it still answers what reaches it.
		d.start()
		logger.Info("draining: /readyz answers 503 while calls still arrive", "drain", d.period)
		time.Sleep(d.period)
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
	stdio := server.NewStdioServer(a.MCP)
	stdio.SetErrorLogger(slog.NewLogLogger(a.logger.Handler(), slog.LevelError))
	err = stdio.Listen(ctx, in, out)
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
		return nil
	}
	return fmt.Errorf("stdio: %w", err)
}
