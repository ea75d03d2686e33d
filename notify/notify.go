// Package notify writes the notifications a request's handler sends on
// that request's own output, at once, so that they reach the client in
// the order they were sent and before the request's response.
//
// mcp-go queues notifications on a session channel that other goroutines
// drain: over stdio a writer of its own, which may write them after the
// response; over streamable HTTP the POST's forwarder, which drops the
// one it holds when the response goes out, and the session's GET stream,
// which competes for the same channel and so reorders them. A client
// keyed on the request (progress, for one) then misses some or gets them
// out of order. HTTP and Stdio wrap the transports; Send writes through
// the wrapper of the request at hand.
package notify

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
)

// output is where the messages of one request go, one whole message at a
// time.
type output interface {
	// notify writes one JSON-RPC message, or reports false when the
	// output can take no more (its request was answered).
	notify(ctx context.Context, msg []byte) (bool, error)
}

type outputKey struct{}

func withOutput(ctx context.Context, o output) context.Context {
	return context.WithValue(ctx, outputKey{}, o)
}

// Send writes the notification method with params on the output of the
// request ctx belongs to, before the request's response. It reports false,
// having written nothing, when ctx belongs to no output that HTTP or Stdio
// wrapped or that output has closed: the caller may then use mcp-go's own
// delivery. An error means the write failed (the client went away).
func Send(ctx context.Context, method string, params map[string]any) (bool, error) {
	o, ok := ctx.Value(outputKey{}).(output)
	if !ok {
		return false, nil
	}
	msg, err := json.Marshal(mcp.JSONRPCNotification{
		JSONRPC:      mcp.JSONRPC_VERSION,
		Notification: mcp.Notification{Method: method, Params: mcp.NotificationParams{AdditionalFields: params}},
	})
	if err != nil {
		return false, fmt.Errorf("notify: encoding %s: %w", method, err)
	}
	return o.notify(ctx, msg)
}
