package notify

import (
	"context"
	"io"
	"sync"
)

// StdioOutput is the stdout of a stdio MCP server, shared by mcp-go's
// writes and Send's. Each Write must be one whole message, as mcp-go's
// are.
type StdioOutput struct {
	mu sync.Mutex
	w  io.Writer
}

// Stdio wraps out, the stream a stdio MCP server writes to. Pass the
// result to the server as its output and its WithContext to
// StdioServer.SetContextFunc, so that Send reaches it.
func Stdio(out io.Writer) *StdioOutput { return &StdioOutput{w: out} }

// Write writes one message; writes never interleave.
func (o *StdioOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.w.Write(p)
}

// WithContext makes o the output of the requests served under ctx: over
// stdio every request shares the one stream.
func (o *StdioOutput) WithContext(ctx context.Context) context.Context {
	return withOutput(ctx, o)
}

func (o *StdioOutput) notify(_ context.Context, msg []byte) (bool, error) {
	line := append(msg, '\n')
	if _, err := o.Write(line); err != nil {
		return true, err
	}
	return true, nil
}
