package sessions

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

// liveSessions counts the sessions an MCP server holds, by its hooks.
func liveSessions() (*server.Hooks, *atomic.Int64) {
	var n atomic.Int64
	hooks := &server.Hooks{}
	hooks.AddOnRegisterSession(func(context.Context, server.ClientSession) { n.Add(1) })
	hooks.AddOnUnregisterSession(func(context.Context, server.ClientSession) { n.Add(-1) })
	return hooks, &n
}

func post(t *testing.T, h http.Handler, sessionID, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if sessionID != "" {
		req.Header.Set(server.HeaderKeySessionID, sessionID)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestTransportStateFollowsTheTable: with the table as its session id
// manager, mcp-go keeps no more sessions than the cap, however many
// clients initialize and walk away, and an ended session answers 404.
func TestTransportStateFollowsTheTable(t *testing.T) {
	hooks, live := liveSessions()
	mcp := server.NewMCPServer("t", "1", server.WithHooks(hooks))
	tb := New(Limits{Max: 5, Idle: time.Hour})
	streamable := server.NewStreamableHTTPServer(mcp, server.WithSessionIdManager(tb))
	tb.Attach(streamable)
	h := tb.Streams(streamable)

	var first, last string
	for i := range 200 {
		rec := post(t, h, "", initialize)
		if rec.Code != http.StatusOK {
			t.Fatalf("initialize %d: %d %s", i, rec.Code, rec.Body)
		}
		last = rec.Header().Get(server.HeaderKeySessionID)
		if i == 0 {
			first = last
		}
	}
	if n := live.Load(); n != 5 || tb.Len() != 5 {
		t.Errorf("after 200 sessions opened and abandoned, mcp-go holds %d and the table %d; want the cap, 5", n, tb.Len())
	}
	ping := `{"jsonrpc":"2.0","id":2,"method":"ping"}`
	if rec := post(t, h, first, ping); rec.Code != http.StatusNotFound {
		t.Errorf("the first, ended session: %d %s; want 404 so the client starts a new one", rec.Code, rec.Body)
	}
	if rec := post(t, h, last, ping); rec.Code != http.StatusOK {
		t.Errorf("the newest session: %d %s", rec.Code, rec.Body)
	}

	tb.SetLimits(Limits{Max: 5, Idle: time.Nanosecond})
	time.Sleep(time.Millisecond)
	tb.Sweep()
	if n := live.Load(); n != 0 || tb.Len() != 0 {
		t.Errorf("after the idle limit, mcp-go holds %d sessions and the table %d; want 0", n, tb.Len())
	}
}
