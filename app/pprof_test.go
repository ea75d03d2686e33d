package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServePprof: profiles are served on a loopback address and refused
// anywhere else, and only to requests whose Host and Origin a DNS-rebinding
// page cannot choose.
func TestServePprof(t *testing.T) {
	a := &App{logger: slog.New(slog.DiscardHandler)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0"} {
		if _, err := a.ServePprof(ctx, addr); err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("%s: %v, want a refusal naming loopback", addr, err)
		}
	}
	got, err := a.ServePprof(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get("http://" + got + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine profile:") {
		t.Fatalf("goroutine profile: %d %.200s", resp.StatusCode, body)
	}
	for _, path := range []string{"/debug/pprof/goroutine?debug=2", "/debug/pprof/cmdline", "/debug/pprof/"} {
		for _, h := range []struct{ host, origin string }{{"evil.example", ""}, {"localhost", "https://evil.example"}} {
			req, _ := http.NewRequest(http.MethodGet, "http://"+got+path, nil)
			req.Host = h.host
			if h.origin != "" {
				req.Header.Set("Origin", h.origin)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || strings.Contains(string(body), "goroutine") {
				t.Errorf("%s with Host %s, Origin %q: %d %.80s; want 403", path, h.host, h.origin, resp.StatusCode, body)
			}
		}
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := c.Get("http://" + got + "/debug/pprof/"); err != nil {
			break // stopped with its context
		}
		if time.Now().After(deadline) {
			t.Fatal("pprof still served after its context ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
