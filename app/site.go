package app

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/httpguard"
)

// guardOf is what the profile's HTTP surface is behind: its Host policy
// (loopback names, IP literals, server.allowed_hosts and a team server's
// public host), the bearer token /mcp may require, its body bound.
func (a *App) guardOf(p *config.Profile) httpguard.Guard {
	return httpguard.Guard{AllowedHosts: allowedHosts(p), Token: a.bearerToken, MaxBody: p.Server.MaxBodyBytes}
}

// guarded serves h behind the guard of the configuration served now, so
// that a reload's allowed_hosts and max_body_bytes apply at once; open
// leaves out the bearer token, for what has none to send (health, the
// browser coming back from a sign-in). Every path the server answers
// goes through here: one Host policy for all of them.
func (a *App) guarded(h http.Handler, open bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		g := a.guard
		a.mu.Unlock()
		if open {
			g.Token = ""
		}
		if g.Admit(w, r) {
			h.ServeHTTP(w, r)
		}
	})
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

// siteRoutes adds what the site serves besides MCP endpoints: a team
// server's OAuth endpoints and pages, the single-user OAuth callback,
// health and metrics.
func (a *App) siteRoutes(mux *http.ServeMux) {
	if a.team != nil {
		// Every person signs in through the server's own OAuth
		// authorization server; its pages and endpoints answer on the
		// public URL's host.
		teamMux := http.NewServeMux()
		a.team.oauth.Routes(teamMux)
		mux.Handle("/", a.guarded(teamMux, true))
	} else {
		mux.Handle("/", a.guarded(http.NotFoundHandler(), true))
	}
	if cb := callbackURL(a.currentProvider()); cb != "" {
		// The browser that comes back from APS has no bearer token; the
		// single-use state protects the callback instead.
		mux.Handle("GET "+callbackPath(cb), a.guarded(http.HandlerFunc(a.serveCallbackRequest), true))
	}
	mux.Handle("GET /healthz", a.guarded(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	}), true))
	mux.Handle("GET /readyz", a.guarded(http.HandlerFunc(a.serveReady), true))
	mux.Handle("GET /metrics", a.guarded(http.HandlerFunc(a.serveMetrics), false))
}

// serveMetrics serves /metrics while server.metrics is on (a reload may
// turn it either way).
func (a *App) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if !a.Current().Profile.Server.Metrics {
		http.NotFound(w, r)
		return
	}
	a.Metrics.Handler().ServeHTTP(w, r)
}

// serveReady answers /readyz: the configuration is loaded, APS accepted
// the server's own credentials (where the kind has any to check) and a
// team server's store answers.
func (a *App) serveReady(w http.ResponseWriter, r *http.Request) {
	if a.Current() == nil {
		http.Error(w, "configuration not loaded", http.StatusServiceUnavailable)
		return
	}
	if a.draining.Load() {
		http.Error(w, "draining: the server is stopping", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	for _, app := range append([]*App{a}, a.peers...) {
		if problem := app.creds.ready(ctx); problem != "" {
			http.Error(w, app.mcpPath+": "+problem, http.StatusServiceUnavailable)
			return
		}
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
