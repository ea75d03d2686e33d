package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestAbandonedSessionsStayBounded opens sessions through the server's own
// HTTP handler and never closes them (no DELETE), as careless clients do,
// and checks the server keeps at most server.max_sessions of them; it logs
// the heap before and after. APS_MCP_ABANDONED_SESSIONS sets how many
// (default 3000; the figure in issue 18's note used 50000).
func TestAbandonedSessionsStayBounded(t *testing.T) {
	n := 3000
	if v, err := strconv.Atoi(os.Getenv("APS_MCP_ABANDONED_SESSIONS")); err == nil && v > 0 {
		n = v
	}
	f := newReloadFixture(t)
	f.write(t, nil)
	a := f.app(t)
	h, shutdown := a.HTTPHandler()
	t.Cleanup(func() { _ = shutdown(context.Background()) })
	const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
	before := liveHeap()
	for i := range n {
		r := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(initialize))
		r.Host = "127.0.0.1"
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			t.Fatalf("initialize %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	after := liveHeap()
	max := a.Current().Profile.Server.MaxSessions
	if kept := a.sessions.Len(); kept > max {
		t.Errorf("after %d sessions opened and abandoned the server keeps %d, more than server.max_sessions (%d)", n, kept, max)
	}
	t.Logf("%d sessions opened and abandoned: heap %.1f MiB before, %.1f MiB after (%d kept, server.max_sessions %d)",
		n, float64(before)/(1<<20), float64(after)/(1<<20), a.sessions.Len(), max)
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
