package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/aps-mcp/aps-mcp/config"
)

// ServePprof serves Go's profiling endpoints (/debug/pprof/) on addr, a
// loopback address, until ctx is done, and returns the address it
// listens on. Profiles show the process's insides (goroutine stacks, the
// command line), so they are never exposed beyond this machine, and the
// Host policy of every other path applies: a page whose name an attacker
// rebinds to 127.0.0.1 cannot read them.
func (a *App) ServePprof(ctx context.Context, addr string) (string, error) {
	if !config.IsLoopback(addr) {
		return "", fmt.Errorf("--pprof %s: profiling is served on loopback addresses only (127.0.0.1:PORT or [::1]:PORT)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// No write timeout: a CPU profile or trace answers after its duration.
	srv := &http.Server{Handler: a.guarded(mux, true), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.logger.Warn("pprof server stopped", "error", err)
		}
	}()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	a.logger.Info("serving pprof", "addr", ln.Addr().String())
	return ln.Addr().String(), nil
}
