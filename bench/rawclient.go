package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/tidwall/gjson"
)

// The SDK clients cost more CPU per call than the server under test (they
// decode every result into typed structs, and go-sdk keeps a GET stream
// per session), and on a small machine they share its cores. The raw
// clients below are the load generator for measuring the server itself,
// as wrk would be: each worker keeps one connection (wireConn), sends
// JSON-RPC pre-encoded exactly as the SDK clients put it on the wire, and
// checks each answer without decoding it.

// modernProtocol is the stateless protocol revision.
const modernProtocol = "2026-07-28"

// rawCall is the tool call a raw client repeats and what its answers must
// hold: want items, each found by marker (the start of a projected item,
// which the text content, naming keys once, does not match).
type rawCall struct {
	tool, args string // args: a JSON object
	marker     string
	want       int
}

// bucketsCall is benchTool's call, listing want buckets.
func bucketsCall(want int) rawCall {
	return rawCall{tool: benchTool, args: `{}`, marker: `{"bucket_key":`, want: want}
}

// rawPath calls through the server with pre-encoded JSON-RPC in the given
// protocol generation: modernProtocol (no initialize, the version in
// every request's headers and _meta) or legacyProtocol (initialize, a
// session id, then calls carrying it).
func rawPath(endpoint, protocol string, call rawCall) path {
	name := "raw JSON-RPC, stateless"
	if protocol == legacyProtocol {
		name = "raw JSON-RPC, session"
	}
	return path{name: name, connect: func(ctx context.Context) (caller, string, error) {
		c, err := dialRaw(ctx, endpoint, protocol, call)
		if err != nil {
			return nil, "", err
		}
		return c, protocol, nil
	}}
}

// dialRaw connects one raw client to the MCP endpoint and, for the
// session protocol, initializes its session.
func dialRaw(ctx context.Context, endpoint, protocol string, call rawCall) (*rawCaller, error) {
	return dialRawBearer(ctx, endpoint, protocol, call, "")
}

// dialRawBearer is dialRaw for an endpoint behind OAuth: every request
// carries the access token (none when empty) in its Authorization header.
func dialRawBearer(ctx context.Context, endpoint, protocol string, call rawCall, accessToken string) (*rawCaller, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	conn, err := dialWire(ctx, u.Host)
	if err != nil {
		return nil, err
	}
	c := &rawCaller{conn: conn, path: u.RequestURI(), protocol: protocol, rc: call}
	if accessToken != "" {
		c.auth = []string{"Authorization", "Bearer " + accessToken}
	}
	if protocol == legacyProtocol {
		if err := c.initialize(ctx); err != nil {
			c.close()
			return nil, err
		}
	}
	return c, nil
}

type rawCaller struct {
	conn      *wireConn
	path      string
	protocol  string
	session   string // Mcp-Session-Id, legacy protocol only
	rc        rawCall
	id        int
	lastBytes int // size of the last answer's body
	// auth is the Authorization header (name, value) every request
	// carries behind OAuth, else empty; headers is the header list of the
	// request being sent, reused from call to call.
	auth, headers []string
}

// postHeaders are the headers of every POST, as the SDK clients send them.
var postHeaders = []string{"Content-Type", "application/json", "Accept", "application/json, text/event-stream"}

// initialize opens a legacy session as go-sdk's client does.
func (c *rawCaller) initialize(ctx context.Context) error {
	body := `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"clientInfo":{"name":"aps-mcp-bench","version":"1"},"protocolVersion":"` +
		legacyProtocol + `","capabilities":{}}}`
	a, err := c.post(ctx, "initialize", "", body)
	if err != nil {
		return err
	}
	if v := gjson.GetBytes(a.body, "result.protocolVersion").String(); v != legacyProtocol {
		return fmt.Errorf("initialize negotiated %q, want %s: %s", v, legacyProtocol, firstLine(string(a.body)))
	}
	if a.sessionID == "" {
		return fmt.Errorf("initialize answered without an Mcp-Session-Id")
	}
	c.session = a.sessionID
	_, err = c.post(ctx, "notifications/initialized", "", `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return err
}

func (c *rawCaller) call(ctx context.Context) error {
	resp, err := c.callTool(ctx, c.rc.tool, c.rc.args)
	if err != nil {
		return err
	}
	if bytes.Contains(resp, []byte(`"isError":true`)) {
		return fmt.Errorf("tool error: %s", firstLine(string(resp)))
	}
	// Each listed item appears once as JSON in structuredContent (the
	// text names the keys once, in its header, so it does not match).
	if n := bytes.Count(resp, []byte(c.rc.marker)); n != c.rc.want {
		return fmt.Errorf("result lists %d items, want %d", n, c.rc.want)
	}
	return nil
}

// callTool calls tool with args (a JSON object) and returns the answer,
// checked without decoding, so the checking costs little next to the
// server: the answer to this id (gjson stops at it), no JSON-RPC error. A
// tool error is the caller's to find. The answer is valid until the next
// request.
func (c *rawCaller) callTool(ctx context.Context, tool, args string) ([]byte, error) {
	c.id++
	meta := ""
	if c.protocol == modernProtocol {
		meta = `"_meta":{"io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/protocolVersion":"` + modernProtocol + `"},`
	}
	body := `{"jsonrpc":"2.0","id":` + strconv.Itoa(c.id) + `,"method":"tools/call","params":{` + meta +
		`"name":"` + tool + `","arguments":` + args + `}}`
	a, err := c.post(ctx, "tools/call", tool, body)
	if err != nil {
		return nil, err
	}
	resp := a.body
	c.lastBytes = len(resp)
	if id := gjson.GetBytes(resp, "id"); id.Int() != int64(c.id) {
		return nil, fmt.Errorf("answer has id %s, want %d", id.Raw, c.id)
	}
	if msg := gjson.GetBytes(resp, "error.message"); msg.Exists() {
		return nil, fmt.Errorf("JSON-RPC error: %s", msg.String())
	}
	return resp, nil
}

// post sends one message with the headers the SDK clients send and
// returns the answer (with an empty body for a notification's 202).
func (c *rawCaller) post(ctx context.Context, method, name, body string) (wireAnswer, error) {
	h := append(append(c.headers[:0], postHeaders...), c.auth...)
	if c.protocol == modernProtocol {
		h = append(h, "Mcp-Protocol-Version", modernProtocol, "Mcp-Method", method)
		if name != "" {
			h = append(h, "Mcp-Name", name)
		}
	} else if c.session != "" {
		h = append(h, "Mcp-Protocol-Version", legacyProtocol, "Mcp-Session-Id", c.session)
	}
	c.headers = h
	a, err := c.conn.exchange(ctx, "POST", c.path, h, []byte(body))
	switch {
	case err != nil:
		return a, fmt.Errorf("%s: %w", method, err)
	case a.status == 202 && len(a.body) == 0:
		return a, nil
	case a.status != 200:
		return a, fmt.Errorf("%s: HTTP %d: %s", method, a.status, firstLine(string(a.body)))
	case a.contentType != "application/json":
		// Our server answers single requests with plain JSON; an SSE
		// stream here would mean notifications the benchmark did not ask for.
		return a, fmt.Errorf("%s: answer is %s, not application/json", method, a.contentType)
	}
	return a, nil
}

func (c *rawCaller) close() {
	if c.session != "" {
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		h := append(append(c.headers[:0], c.auth...), "Mcp-Session-Id", c.session, "Mcp-Protocol-Version", legacyProtocol)
		_, _ = c.conn.exchange(ctx, "DELETE", c.path, h, nil)
		cancel()
	}
	c.conn.close()
}
