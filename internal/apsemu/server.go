package apsemu

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// shutdownGrace bounds how long in-flight requests may finish after ctx ends.
const shutdownGrace = 5 * time.Second

// ListenAndServe binds addr (e.g. "127.0.0.1:0"), calls ready (if not nil)
// with the base URL "http://HOST:PORT", serves h (an Emulator, or a
// handler in front of one) until ctx is done, then shuts down gracefully.
// It returns nil after a clean shutdown.
func ListenAndServe(ctx context.Context, addr string, h http.Handler, ready func(baseURL string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if ready != nil {
		ready(dialableBaseURL(ln.Addr()))
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// dialableBaseURL turns a listener address into a URL a client can dial: a
// wildcard bind (":0", "0.0.0.0", "[::]") is reached through 127.0.0.1, which
// Go's dual-stack wildcard listeners also accept.
func dialableBaseURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return "http://" + (&net.TCPAddr{IP: ip, Port: tcp.Port}).String()
}
