package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
)

func callbackPath(redirectURI string) string {
	u, err := url.Parse(redirectURI)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// currentProvider is the auth provider serving now (a reload may replace it).
func (a *App) currentProvider() authproviders.Provider {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.provider
}

// serveCallbackRequest hands the OAuth callback to the current provider.
func (a *App) serveCallbackRequest(w http.ResponseWriter, r *http.Request) {
	cb, ok := a.currentProvider().(authproviders.CallbackServer)
	if !ok {
		http.NotFound(w, r)
		return
	}
	cb.ServeHTTP(w, r)
}

// serveCallback starts a loopback listener for the OAuth callback when the
// MCP HTTP server (listening on mcpAddr; nil in stdio mode) does not
// already receive it: always in stdio mode, and in HTTP mode when the
// redirect URI names this machine on another port. The returned function
// stops it.
func (a *App) serveCallback(ctx context.Context, mcpAddr net.Addr) (func(), error) {
	cb, ok := a.currentProvider().(authproviders.CallbackServer)
	if !ok {
		return func() {}, nil
	}
	u, err := url.Parse(cb.RedirectURI())
	if err != nil {
		return nil, fmt.Errorf("redirect URI: %w", err)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	local := config.IsLoopback(net.JoinHostPort(u.Hostname(), port))
	if mcpAddr != nil {
		if !local {
			return func() {}, nil // a proxy in front forwards it to /mcp's server
		}
		if _, mcpPort, _ := net.SplitHostPort(mcpAddr.String()); mcpPort == port {
			return func() {}, nil // the MCP server's mux has it
		}
	} else if !local {
		return nil, fmt.Errorf("in stdio mode the redirect URI must point at this machine (localhost or 127.0.0.1), got %s", cb.RedirectURI())
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("the loopback callback listener speaks plain http; the redirect URI %s uses %s", cb.RedirectURI(), u.Scheme)
	}

	mux := http.NewServeMux()
	mux.Handle("GET "+callbackPath(cb.RedirectURI()), a.guarded(http.HandlerFunc(a.serveCallbackRequest), true))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	// localhost may resolve to either loopback family in the browser.
	var listeners []net.Listener
	for _, host := range []string{"127.0.0.1", "::1"} {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
		if err != nil {
			if host == "127.0.0.1" || u.Hostname() == "::1" {
				for _, l := range listeners {
					l.Close()
				}
				return nil, fmt.Errorf("listening for the sign-in callback on port %s: %w", port, err)
			}
			continue
		}
		listeners = append(listeners, ln)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.logger.Warn("sign-in callback listener stopped", "error", err)
			}
		}()
	}
	a.logger.Info("listening for the sign-in callback", "url", cb.RedirectURI())
	stop := func() {
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}
	return stop, nil
}
