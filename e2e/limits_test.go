package e2e_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/aps-mcp/aps-mcp/internal/tcpbuf"
)

// serverProfiles copies the 2lo, ssa and 3lo profiles into a directory of
// their own with settings added to each one's server section.
func serverProfiles(t *testing.T, settings string) string {
	t.Helper()
	addr := regexp.MustCompile(`(?m)^  addr: .*$`)
	return editedProfiles(t, func(body []byte) []byte {
		return addr.ReplaceAllFunc(body, func(line []byte) []byte { return []byte(string(line) + "\n" + strings.TrimRight(settings, "\n")) })
	})
}

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

// rawPost posts a JSON-RPC body to an MCP endpoint with the given Host and
// session, and returns the status, the session id answered and the body.
func rawPost(t *testing.T, hc *http.Client, endpoint, host, session, body string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, endpoint, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if host != "" {
		req.Host = host
	}
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Mcp-Session-Id"), string(b)
}

// metric reads one unlabelled value from /metrics.
func metric(t *testing.T, root, name string) float64 {
	t.Helper()
	resp, err := http.Get(root + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("/metrics has no %s", name)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// TestAbandonedSessionsAreBounded: clients that initialize and never send
// DELETE leave at most server.max_sessions sessions behind, the longest
// idle ended first; an ended session answers 404 (the client starts a new
// one); idle sessions end after server.session_idle_timeout.
func TestAbandonedSessionsAreBounded(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	profiles := serverProfiles(t, "  max_sessions: 20\n  session_idle_timeout: 1s")
	endpoint := startServer(t, base, serverOptions{profilesDir: profiles})
	root := strings.TrimSuffix(endpoint, "/mcp")
	hc := &http.Client{Timeout: 10 * time.Second}
	var ids []string
	for i := range 300 {
		status, id, body := rawPost(t, hc, endpoint, "", "", initializeBody)
		if status != http.StatusOK || id == "" {
			t.Fatalf("initialize %d: %d %q %s", i, status, id, body)
		}
		ids = append(ids, id)
	}
	if n := metric(t, root, "aps_mcp_sessions"); n != 20 {
		t.Errorf("after 300 sessions opened and abandoned the server keeps %v, want server.max_sessions (20)", n)
	}
	ping := `{"jsonrpc":"2.0","id":2,"method":"ping"}`
	if status, _, _ := rawPost(t, hc, endpoint, "", ids[0], ping); status != http.StatusNotFound {
		t.Errorf("the first, ended session answers %d, want 404", status)
	}
	if status, _, body := rawPost(t, hc, endpoint, "", ids[len(ids)-1], ping); status != http.StatusOK {
		t.Errorf("the newest session answers %d %s", status, body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for metric(t, root, "aps_mcp_sessions") > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("sessions idle for 10s are still kept (session_idle_timeout: 1s)")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status, _, _ := rawPost(t, hc, endpoint, "", ids[len(ids)-1], ping); status != http.StatusNotFound {
		t.Errorf("a session that idled out answers %d, want 404", status)
	}
}

// TestAClientThatStopsReadingIsCutOff: a client that asks for a large
// listing and never reads the answer is cut off after server.write_timeout
// (its answer no longer pinned in memory), while one that reads slowly,
// for several times that timeout, gets its whole answer.
func TestAClientThatStopsReadingIsCutOff(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	profiles := serverProfiles(t, "  write_timeout: 300ms")
	endpoint := startServer(t, base, serverOptions{profilesDir: profiles, listener: tcpbuf.SmallWrites})
	u, _ := url.Parse(endpoint)
	_, session, _ := rawPost(t, &http.Client{}, endpoint, "", "", initializeBody)
	call := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"list_objects","arguments":{"bucket_key":"` + demoBucket + `"}}}`
	request := fmt.Sprintf("POST /mcp HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"+
		"Mcp-Session-Id: %s\r\nMcp-Protocol-Version: 2025-11-25\r\nContent-Length: %d\r\n\r\n%s", u.Host, session, len(call), call)

	read := func(pause time.Duration) (int, error) {
		c := tcpbuf.DialSmallReads(t, u.Host)
		if _, err := io.WriteString(c, request); err != nil {
			t.Fatal(err)
		}
		time.Sleep(pause) // not reading
		_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReaderSize(c, 4096), nil)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n := 0
		buf := make([]byte, 4096)
		for {
			m, err := resp.Body.Read(buf)
			n += m
			if err == io.EOF {
				return n, nil
			}
			if err != nil {
				return n, err
			}
			time.Sleep(3 * time.Millisecond) // a slow reader: the answer takes several timeouts
		}
	}
	full, err := read(0)
	if err != nil || full < 100_000 {
		t.Fatalf("a reading client got %d bytes (%v); want the whole listing, over 100 KB", full, err)
	}
	if n, err := read(2 * time.Second); err == nil {
		t.Errorf("a client that read nothing for 2s still got its whole answer (%d bytes); want it cut off after 300ms", n)
	}
}

// TestOneHostPolicy: every path takes the same Host policy: loopback
// names (*.localhost too), IP literals and server.allowed_hosts are
// served, also through a reverse proxy on this machine that keeps the
// public Host; any other name is refused.
func TestOneHostPolicy(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	profiles := serverProfiles(t, "  allowed_hosts: [mcp.example.test]")
	endpoint := startServer(t, base, serverOptions{profilesDir: profiles})
	backend, _ := url.Parse(strings.TrimSuffix(endpoint, "/mcp"))
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(backend)
		r.Out.Host = r.In.Host // as nginx's proxy_set_header Host $host
	}})
	t.Cleanup(proxy.Close)

	hc := &http.Client{Timeout: 10 * time.Second}
	get := func(rawURL, host string) int {
		req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
		req.Host = host
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, front := range []string{backend.String(), proxy.URL} {
		for _, host := range []string{"mcp.example.test", "mcp.example.test:443", "app.localhost:5000", "localhost", "127.0.0.1:9", "evil.example", "mcp.example.test.evil.example"} {
			allowed := !strings.Contains(host, "evil")
			status, _, body := rawPost(t, hc, front+"/mcp", host, "", initializeBody)
			if allowed && status != http.StatusOK || !allowed && status != http.StatusForbidden {
				t.Errorf("via %s, Host %s: /mcp answered %d %.80s", front, host, status, body)
			}
			for _, path := range []string{"/metrics", "/healthz", "/readyz", "/no-such-path"} {
				got := get(front+path, host)
				if allowed == (got == http.StatusForbidden) {
					t.Errorf("via %s, Host %s: %s answered %d", front, host, path, got)
				}
			}
		}
	}
}
