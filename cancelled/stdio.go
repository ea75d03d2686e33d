package cancelled

import (
	"bytes"
	"io"
	"sync"
)

// maxTracked bounds the requests a filter follows at once; past it a new
// request is not followed (its answer is written even if cancelled).
const maxTracked = 10000

// Stdio wraps the input and output of a stdio MCP server: the input is
// watched for requests and for notifications/cancelled, and the output
// drops the response to a request the client cancelled. The server must
// write each message with one Write, as mcp-go's stdio server does.
func Stdio(in io.Reader, out io.Writer) (io.Reader, io.Writer) {
	t := &stdioRequests{cancelled: map[string]bool{}}
	return &watchedInput{r: in, t: t}, &filteredOutput{w: out, t: t}
}

// stdioRequests are the client's requests not answered yet, by id, and
// whether the client cancelled each.
type stdioRequests struct {
	mu        sync.Mutex
	cancelled map[string]bool
}

func (t *stdioRequests) seen(m message) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id := m.cancels(); id != "" {
		if _, ok := t.cancelled[id]; ok {
			t.cancelled[id] = true
		}
		return
	}
	if m.isRequest() && len(t.cancelled) < maxTracked {
		t.cancelled[idKey(m.ID)] = false
	}
}

// answered reports whether the response to id may be written, and stops
// following the request.
func (t *stdioRequests) answered(id string) (write bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	cancelled := t.cancelled[id]
	delete(t.cancelled, id)
	return !cancelled
}

// watchedInput passes what the client writes through, one line (one
// message) at a time to the watch.
type watchedInput struct {
	r       io.Reader
	t       *stdioRequests
	partial []byte // the start of a line not complete yet
}

func (in *watchedInput) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	data := p[:n]
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			in.partial = append(in.partial, data...)
			break
		}
		line := data[:i]
		if len(in.partial) > 0 {
			line = append(in.partial, line...)
			in.partial = in.partial[:0]
		}
		if m, ok := parse(line); ok {
			in.t.seen(m)
		}
		data = data[i+1:]
	}
	return n, err
}

// filteredOutput writes the server's messages, except the responses to
// cancelled requests.
type filteredOutput struct {
	w io.Writer
	t *stdioRequests
}

func (out *filteredOutput) Write(p []byte) (int, error) {
	if m, ok := parse(p); ok && m.isResponse() && !out.t.answered(idKey(m.ID)) {
		return len(p), nil // not sent: the request was cancelled
	}
	return out.w.Write(p)
}
