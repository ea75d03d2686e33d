package notify

import (
	"context"
	"net/http"
	"sync"

	"github.com/mark3labs/mcp-go/server"
)

// HTTP wraps a streamable HTTP MCP endpoint so that Send writes on the
// event stream of the POST being handled. The first notification turns
// the answer into an event stream, as mcp-go's own would: the session is
// told to answer as one, and the response follows the notifications on
// the same stream.
func HTTP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			h.ServeHTTP(w, r)
			return
		}
		sw := &streamWriter{ResponseWriter: w}
		defer sw.close()
		h.ServeHTTP(sw, r.WithContext(withOutput(r.Context(), sw)))
	})
}

// streamWriter is one POST's answer, written by mcp-go and by Send in
// turn, never at once.
type streamWriter struct {
	http.ResponseWriter
	mu          sync.Mutex
	wroteHeader bool
	closed      bool // the handler returned: nothing more may be written
}

func (w *streamWriter) WriteHeader(status int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.wroteHeader {
		return // the notifications started the stream already
	}
	w.wroteHeader = true
	w.ResponseWriter.WriteHeader(status)
}

func (w *streamWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.wroteHeader = true
	return w.ResponseWriter.Write(p)
}

// Flush implements http.Flusher, which streaming needs.
func (w *streamWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *streamWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *streamWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
}

// notify writes msg as one server-sent event in mcp-go's form and flushes
// it. Before the first, it tells the session to answer as an event
// stream; it writes nothing when mcp-go began a plain JSON answer (not
// while the handler runs) or the request was answered.
func (w *streamWriter) notify(ctx context.Context, msg []byte) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || (w.wroteHeader && w.Header().Get("Content-Type") != "text/event-stream") {
		return false, nil
	}
	session, ok := server.ClientSessionFromContext(ctx).(server.SessionWithStreamableHTTPConfig)
	if !ok {
		return false, nil
	}
	if !w.wroteHeader {
		session.UpgradeToSSEWhenReceiveNotification()
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
		h.Set("Connection", "keep-alive")
		w.ResponseWriter.WriteHeader(http.StatusOK)
		w.wroteHeader = true
	}
	event := make([]byte, 0, len(msg)+32)
	event = append(event, "event: message\ndata: "...)
	event = append(event, msg...)
	event = append(event, "\n\n"...)
	if _, err := w.ResponseWriter.Write(event); err != nil {
		return true, err
	}
	return true, http.NewResponseController(w.ResponseWriter).Flush()
}
