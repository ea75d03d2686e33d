package cancelled

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// sessionHeader carries a session-based client's session id.
const sessionHeader = "Mcp-Session-Id"

// HTTP wraps a streamable HTTP MCP endpoint so that a request its client
// cancels with notifications/cancelled gets no response: its stream ends
// without one (an empty event stream where the answer would have been
// JSON).
//
// A cancel is tied to its request by the session id and the request id.
// Without a session id (protocol 2026-07-28, where closing the request's
// stream is the cancellation) nothing ties the notification to one client:
// every such client numbers its requests from 1, and mcp-go would cancel
// whichever request of any client has that id. Such notifications are
// accepted and dropped.
func HTTP(h http.Handler) http.Handler {
	f := &httpRequests{calls: map[string]*call{}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Body == nil {
			h.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		r.Body = replay(body, err)
		m, ok := parse(body)
		session := r.Header.Get(sessionHeader)
		switch {
		case !ok || err != nil:
		case m.cancels() != "" && session == "":
			w.WriteHeader(http.StatusAccepted)
			return
		case m.cancels() != "":
			f.cancel(session + "\x00" + m.cancels())
		case m.isRequest() && session != "":
			key := session + "\x00" + idKey(m.ID)
			if c := f.follow(key); c != nil {
				defer f.forget(key, c)
				aw := &answerWriter{ResponseWriter: w, call: c, id: idKey(m.ID)}
				defer aw.finish()
				w = aw
			}
		}
		h.ServeHTTP(w, r)
	})
}

// replay is a request body read already, for the handler to read again
// (with the error that ended the first read, if any).
func replay(body []byte, err error) io.ReadCloser {
	var r io.Reader = bytes.NewReader(body)
	if err != nil {
		r = io.MultiReader(r, errReader{err})
	}
	return io.NopCloser(r)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// httpRequests are the requests being answered, by session and id.
type httpRequests struct {
	mu    sync.Mutex
	calls map[string]*call
}

type call struct{ cancelled atomic.Bool }

func (f *httpRequests) follow(key string) *call {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, dup := f.calls[key]; dup || len(f.calls) >= maxTracked {
		return nil
	}
	c := &call{}
	f.calls[key] = c
	return c
}

func (f *httpRequests) forget(key string, c *call) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls[key] == c {
		delete(f.calls, key)
	}
}

func (f *httpRequests) cancel(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c := f.calls[key]; c != nil {
		c.cancelled.Store(true)
	}
}

// answerWriter writes a request's answer unless the request was
// cancelled. A JSON answer's status waits for its body, so a cancel that
// comes in between still turns it into an empty event stream; in an event
// stream, only the response event is left out.
type answerWriter struct {
	http.ResponseWriter
	call     *call
	id       string
	status   int  // of a JSON answer held back
	held     bool // the JSON answer's status is not written yet
	dropping bool // the answer is being left out
}

func (w *answerWriter) WriteHeader(status int) {
	if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") && !w.held && !w.dropping {
		w.status, w.held = status, true
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *answerWriter) Write(p []byte) (int, error) {
	if w.held {
		w.held = false
		if w.call.cancelled.Load() {
			w.Header().Set("Content-Type", "text/event-stream")
			w.ResponseWriter.WriteHeader(http.StatusOK)
			w.dropping = true
		} else {
			w.ResponseWriter.WriteHeader(w.status)
		}
	}
	if w.dropping || (w.call.cancelled.Load() && w.isResponseEvent(p)) {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// isResponseEvent reports whether p is the server-sent event carrying the
// response to this request.
func (w *answerWriter) isResponseEvent(p []byte) bool {
	for _, line := range bytes.Split(p, []byte("\n")) {
		if data, ok := bytes.CutPrefix(line, []byte("data:")); ok {
			m, ok := parse(data)
			return ok && m.isResponse() && idKey(m.ID) == w.id
		}
	}
	return false
}

// Flush implements http.Flusher (streaming needs it).
func (w *answerWriter) Flush() {
	if !w.held {
		_ = http.NewResponseController(w.ResponseWriter).Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *answerWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish writes a status held back for a body that never came.
func (w *answerWriter) finish() {
	if w.held {
		w.held = false
		w.ResponseWriter.WriteHeader(w.status)
	}
}
