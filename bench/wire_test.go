package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// TestWireConnReadsEveryFraming: one keep-alive connection reads answers
// with a length, chunked answers and empty ones in turn, and refuses an
// answer it cannot delimit.
func TestWireConnReadsEveryFraming(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/length":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Mcp-Session-Id", "s-1")
			fmt.Fprintf(w, `{"echo":%q,"h":%q}`, body, r.Header.Get("X-Test"))
		case "/chunked":
			for i := range 3 {
				fmt.Fprintf(w, "part%d;", i)
				w.(http.Flusher).Flush() // each part its own chunk
			}
		case "/empty":
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w, err := dialWire(ctx, strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()

	a, err := w.exchange(ctx, "POST", "/length", []string{"X-Test", "v"}, []byte("hello"))
	if err != nil || a.status != 200 || string(a.body) != `{"echo":"hello","h":"v"}` ||
		a.contentType != "application/json" || a.sessionID != "s-1" {
		t.Fatalf("length: %+v %q, %v", a, a.body, err)
	}
	a, err = w.exchange(ctx, "POST", "/chunked", nil, nil)
	if err != nil || a.status != 200 || string(a.body) != "part0;part1;part2;" {
		t.Fatalf("chunked: %+v %q, %v", a, a.body, err)
	}
	a, err = w.exchange(ctx, "POST", "/empty", nil, nil)
	if err != nil || a.status != 202 || len(a.body) != 0 {
		t.Fatalf("empty: %+v %q, %v", a, a.body, err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for three exchanges, want 1 kept alive", n)
	}

	// An answer delimited only by the connection's end (as an event
	// stream may be) cannot be told apart from a cut one: refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = c.Read(make([]byte, 4096))
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: {}\n\n")
	}()
	s, err := dialWire(ctx, ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if a, err := s.exchange(ctx, "GET", "/stream", nil, nil); err == nil {
		t.Errorf("an answer without a length was read: %+v %q", a, a.body)
	}
}

// TestRawCallerChecksAnswers: the load generator's checks fail on a wrong
// id, a JSON-RPC error, a tool error and a missing item, and pass on a
// right answer, for both protocol generations (the stateless one must
// carry its headers and _meta, the session one its session id).
func TestRawCallerChecksAnswers(t *testing.T) {
	var mode atomic.Value
	mode.Store("ok")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id := gjson.GetBytes(body, "id").Raw
		method := gjson.GetBytes(body, "method").String()
		w.Header().Set("Content-Type", "application/json")
		modern := gjson.GetBytes(body, `params._meta.io\.modelcontextprotocol/protocolVersion`).String() == modernProtocol
		switch {
		case method == "initialize":
			w.Header().Set("Mcp-Session-Id", "sess")
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":%q}}`, id, legacyProtocol)
			return
		case method == "notifications/initialized":
			w.WriteHeader(http.StatusAccepted)
			return
		case modern && (r.Header.Get("Mcp-Protocol-Version") != modernProtocol || r.Header.Get("Mcp-Name") != benchTool):
			http.Error(w, "stateless call without its headers", http.StatusBadRequest)
			return
		case !modern && r.Header.Get("Mcp-Session-Id") != "sess":
			http.Error(w, "session call without its session", http.StatusNotFound)
			return
		}
		items := `{"bucket_key":"a"},{"bucket_key":"b"}`
		switch mode.Load() {
		case "wrong id":
			id = "999"
		case "error":
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"error":{"code":-32602,"message":"bad"}}`, id)
			return
		case "tool error":
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"content":[],"isError":true}}`, id)
			return
		case "one item":
			items = `{"bucket_key":"a"}`
		}
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"…"}],"structuredContent":{"items":[%s]}}}`, id, items)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, protocol := range []string{modernProtocol, legacyProtocol} {
		c, got, err := rawPath(srv.URL+"/mcp", protocol, bucketsCall(2)).connect(ctx)
		if err != nil || got != protocol {
			t.Fatalf("%s: connect: %q, %v", protocol, got, err)
		}
		for _, m := range []string{"ok", "wrong id", "error", "tool error", "one item", "ok"} {
			mode.Store(m)
			err := c.call(ctx)
			if (m == "ok") != (err == nil) {
				t.Errorf("%s, %s: call returned %v", protocol, m, err)
			}
		}
		c.close()
	}
}

// TestRawCallerSendsBearerOnEveryRequest: with an access token every
// request of a raw client carries it (initialize, the notification, the
// calls, the session's DELETE), for both protocol generations; without
// one none carries an Authorization header.
func TestRawCallerSendsBearerOnEveryRequest(t *testing.T) {
	type seen struct{ what, auth string }
	got := make(chan seen, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		what := r.Method + " " + gjson.GetBytes(body, "method").String()
		got <- seen{strings.TrimSpace(what), r.Header.Get("Authorization")}
		id := gjson.GetBytes(body, "id").Raw
		w.Header().Set("Content-Type", "application/json")
		switch gjson.GetBytes(body, "method").String() {
		case "initialize":
			w.Header().Set("Mcp-Session-Id", "sess")
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":%q}}`, id, legacyProtocol)
		case "notifications/initialized", "":
			w.WriteHeader(http.StatusAccepted)
		default:
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"structuredContent":{"items":[{"id":"a"}]}}}`, id)
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct {
		protocol, token, wantAuth string
		want                      []string
	}{
		{modernProtocol, "tok-1", "Bearer tok-1", []string{"POST tools/call", "POST tools/call"}},
		{legacyProtocol, "tok-2", "Bearer tok-2", []string{"POST initialize", "POST notifications/initialized", "POST tools/call", "POST tools/call", "DELETE"}},
		{legacyProtocol, "", "", []string{"POST initialize", "POST notifications/initialized", "POST tools/call", "POST tools/call", "DELETE"}},
	} {
		c, err := dialRawBearer(ctx, srv.URL+"/mcp", tc.protocol, rawCall{tool: "t", args: `{}`, marker: `{"id":`, want: 1}, tc.token)
		if err != nil {
			t.Fatalf("%s: %v", tc.protocol, err)
		}
		for range 2 {
			if err := c.call(ctx); err != nil {
				t.Errorf("%s: call: %v", tc.protocol, err)
			}
		}
		c.close()
		for _, want := range tc.want {
			s := <-got
			if s.what != want || s.auth != tc.wantAuth {
				t.Errorf("%s, token %q: request %q had Authorization %q, want %q with %q", tc.protocol, tc.token, s.what, s.auth, want, tc.wantAuth)
			}
		}
		if len(got) != 0 {
			t.Errorf("%s: %d more requests than expected", tc.protocol, len(got))
		}
	}
}

// TestMergedCell: a cell measured in two windows adds up as one over both.
func TestMergedCell(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		var d []time.Duration
		for _, v := range n {
			d = append(d, time.Duration(v)*time.Millisecond)
		}
		return d
	}
	a := cell{path: "p", concurrency: 4, calls: 3, elapsed: time.Second, lats: ms(1, 2, 9), serverCPU: 100 * time.Microsecond, errors: 1, firstErr: "first"}
	b := cell{path: "p", concurrency: 4, calls: 1, elapsed: time.Second, lats: ms(5), serverCPU: 500 * time.Microsecond, errors: 2, firstErr: "second"}
	m := a.merged(b)
	if m.calls != 4 || m.elapsed != 2*time.Second || m.perSecond() != 2 {
		t.Errorf("calls %d over %v (%.1f/s), want 4 over 2s", m.calls, m.elapsed, m.perSecond())
	}
	if m.p50 != 2*time.Millisecond || m.p99 != 9*time.Millisecond {
		t.Errorf("p50 %v, p99 %v, want 2ms and 9ms", m.p50, m.p99)
	}
	if m.serverCPU != 200*time.Microsecond { // (3×100 + 1×500) / 4
		t.Errorf("server CPU/call %v, want 200µs", m.serverCPU)
	}
	if m.errors != 3 || m.firstErr != "first" {
		t.Errorf("errors %d (%q), want 3 and the first window's", m.errors, m.firstErr)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"raw JSON-RPC, stateless":    "raw-json-rpc-stateless",
		"go-sdk client":              "go-sdk-client",
		"direct APS request (floor)": "direct-aps-request-floor",
		teamOAuthName:                "raw-json-rpc-stateless-team-oauth-bearer",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}
