package httpguard

import (
	"net/http"
	"time"
)

// writeChunk is how much of one write goes out under one deadline: a
// client that reads at least this much per timeout keeps its answer
// coming, however large it is.
const writeChunk = 32 << 10

// BoundWrites serves h with a deadline on every write to the client:
// timeout() from the moment the write starts, renewed for each write and
// each chunk of a large one. A client that stops reading is cut off once
// a write has waited that long, and the answer it pinned in memory is
// released; a stream that is read goes on for as long as it lasts, and
// quiet spells between writes cost nothing. A timeout of 0 sets none.
func BoundWrites(h http.Handler, timeout func() time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := timeout()
		if d <= 0 {
			h.ServeHTTP(w, r)
			return
		}
		bw := &boundedWriter{ResponseWriter: w, rc: http.NewResponseController(w), timeout: d}
		// The deadline also covers what net/http writes once h returns
		// (the end of a buffered answer); the next request on the
		// connection renews it before anything is written.
		defer bw.renew()
		bw.renew()
		h.ServeHTTP(bw, r)
	})
}

// boundedWriter renews the connection's write deadline before each write.
type boundedWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

func (w *boundedWriter) renew() {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.timeout)) // unsupported (a recorder in tests): no bound
}

func (w *boundedWriter) WriteHeader(status int) {
	w.renew()
	w.ResponseWriter.WriteHeader(status)
}

func (w *boundedWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), writeChunk)]
		w.renew()
		n, err := w.ResponseWriter.Write(chunk)
		written += n
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// Flush implements http.Flusher, so streaming (SSE) still works.
func (w *boundedWriter) Flush() {
	w.renew()
	_ = w.rc.Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *boundedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
