package main

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// startEmulator serves emu, behind m, on a loopback port until ctx ends;
// done closes once it has stopped. (apsemu.ListenAndServe takes the
// emulator itself; serving m instead lets the large listing count the
// bytes and time of the pages the server fetched.)
func startEmulator(ctx context.Context, m *meter) (string, <-chan struct{}, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		served := make(chan struct{})
		go func() { defer close(served); _ = srv.Serve(ln) }()
		select {
		case <-served:
			return
		case <-ctx.Done():
		}
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if srv.Shutdown(shutdownCtx) != nil {
			_ = srv.Close()
		}
		<-served
	}()
	return "http://" + ln.Addr().String(), done, nil
}

// meter passes every request to the emulator and, for paths under
// prefix, adds up the requests, the response body bytes and the time the
// emulator took to answer them.
type meter struct {
	emu                    http.Handler
	prefix                 atomic.Pointer[string]
	requests, bytes, nanos atomic.Int64
}

// watch starts counting the requests under prefix from zero.
func (m *meter) watch(prefix string) {
	m.prefix.Store(&prefix)
	m.requests.Store(0)
	m.bytes.Store(0)
	m.nanos.Store(0)
}

func (m *meter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := m.prefix.Load()
	if p == nil || !strings.HasPrefix(r.URL.EscapedPath(), *p) {
		m.emu.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	cw := &countingWriter{ResponseWriter: w}
	m.emu.ServeHTTP(cw, r)
	m.nanos.Add(int64(time.Since(start)))
	m.bytes.Add(cw.n)
	m.requests.Add(1)
}

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}
