package sessions

import (
	"context"
	"net/http"

	"github.com/mark3labs/mcp-go/server"
)

// Attach makes s the transport that drops its state for each session the
// table ends. It ends them the way a client does, with a DELETE through
// s.Handle: mcp-go's own path unregisters the session and clears what it
// keeps for it, and it needs no fork of mcp-go.
func (t *Table) Attach(s *server.StreamableHTTPServer) {
	end := func(id string) {
		s.Handle(discard{header: http.Header{}}, &server.HTTPRequest{
			Method:  http.MethodDelete,
			Header:  http.Header{server.HeaderKeySessionID: {id}},
			Context: context.Background(),
		})
	}
	t.mu.Lock()
	t.end = end
	t.mu.Unlock()
}

// Streams wraps the MCP endpoint so that a GET stream of a session holds
// it while open: a client listening for notifications is not idle.
func (t *Table) Streams(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get(server.HeaderKeySessionID); r.Method == http.MethodGet && id != "" {
			defer t.Hold(id)()
		}
		h.ServeHTTP(w, r)
	})
}

// discard is the answer to a DELETE nobody reads.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) WriteHeader(int)             {}
func (d discard) Write(p []byte) (int, error) { return len(p), nil }
func (d discard) Flush()                      {}
func (d discard) CanStream() bool             { return false }
