package app

import (
	"context"
	"net/http"

	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/cancelled"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/notify"
	"github.com/aps-mcp/aps-mcp/sessions"
)

// mcpEndpoint is the streamable HTTP endpoint, behind the guard and, on a
// team server, behind the bearer check of the sign-in. Its sessions are
// bounded by the profile (server.max_sessions, session_idle_timeout);
// the returned shutdown closes its streams and stops their sweeper.
func (a *App) mcpEndpoint() (http.Handler, func(context.Context) error) {
	table := sessions.New(sessionLimits(a.Current().Profile))
	streamable := server.NewStreamableHTTPServer(a.MCP,
		server.WithEndpointPath(a.mcpPath),
		server.WithStreamableHTTPLogger(a.logger),
		server.WithSessionIdManager(table),
		// The guard in front checks Host and Origin on every path with the
		// profile's policy. mcp-go's own check behind it refused what that
		// policy allows (server.allowed_hosts, *.localhost, a reverse proxy
		// on this machine that keeps the public Host) on /mcp alone.
		server.WithDisableLocalhostProtection(true),
	)
	table.Attach(streamable)
	a.mu.Lock()
	a.sessions = table
	a.mu.Unlock()
	sweep, stopSweep := context.WithCancel(context.Background())
	go table.Run(sweep)
	var h http.Handler = table.Streams(cancelled.HTTP(notify.HTTP(streamable)))
	if a.team != nil {
		h = a.team.oauth.Protect(a.mcpPath, h)
	}
	shutdown := func(ctx context.Context) error {
		stopSweep()
		return streamable.Shutdown(ctx)
	}
	return a.guarded(h, false), shutdown
}

// sessionLimits are the profile's bounds on MCP sessions.
func sessionLimits(p *config.Profile) sessions.Limits {
	return sessions.Limits{Idle: p.Server.SessionIdleTimeout, Max: p.Server.MaxSessions}
}
