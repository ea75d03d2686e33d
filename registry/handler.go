package registry

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
	"unsafe"

	"github.com/go-resty/resty/v2"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/defaults"
	"github.com/aps-mcp/aps-mcp/metrics"
)

// Defaults for limits neither the tool nor the profile sets: the profile's
// limits defaults, from the one table in package defaults.
const (
	DefaultMaxItems    = defaults.MaxItems
	DefaultMaxBytes    = defaults.MaxBytes
	DefaultCallTimeout = defaults.CallTimeout
)

// maxPages stops a listing whose pages never end, whatever the caps.
const maxPages = 10000

// Runtime is what the generic handler needs to reach APS.
type Runtime struct {
	BaseURL string // APS host, without a trailing slash
	HTTP    *resty.Client
	Auth    authproviders.Provider
	Retry   apshttp.RetryPolicy
	Limits  Limits
	// CursorKey signs listing cursors, so a cursor can only continue a
	// listing this server started (any replica with the same key).
	CursorKey []byte
	Profile   ProfileInfo // for error hints
	Logger    *slog.Logger
	Metrics   *metrics.Metrics // nil records nothing

	bodies sync.Pool // *bytes.Buffer that listings read pages into
}

// Limits bound one tool call; zero fields take the defaults.
type Limits struct {
	MaxItems    int           // items in one listing result
	MaxBytes    int           // bytes of projected items in one listing result
	CallTimeout time.Duration // one tool call, all its APS requests and waits included
}

// ProfileInfo names the active profile in error hints.
type ProfileInfo struct {
	Name, File string
	Scopes     []string
}

// callStats is what one tool call did, for its log line.
type callStats struct {
	id       string // correlates the call's log lines
	requests int
	retries  int
	items    int
	bytes    int
}

// Handler returns the MCP handler that serves t.
func (rt *Runtime) Handler(t *Tool) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		start := time.Now()
		stats := callStats{id: randomHex(6)}
		res, err := rt.call(ctx, t, req, &stats)
		outcome := "ok"
		switch {
		case err != nil:
			outcome = "cancelled"
		case res.IsError:
			outcome = "tool_error"
		}
		elapsed := time.Since(start)
		rt.Metrics.ToolCall(t.Name, outcome, elapsed)
		rt.Logger.Info("tool call", "call_id", stats.id, "tool", t.Name, "outcome", outcome, "duration_ms", elapsed.Milliseconds(),
			"aps_requests", stats.requests, "retries", stats.retries, "items", stats.items, "bytes", stats.bytes)
		return res, err
	}
}

func (rt *Runtime) call(ctx context.Context, t *Tool, mreq mcp.CallToolRequest, stats *callStats) (*mcp.CallToolResult, error) {
	args, ok := mreq.Params.Arguments.(map[string]any)
	if !ok && mreq.Params.Arguments != nil {
		return errorResult("Invalid arguments for %s: arguments must be a JSON object.", t.Name), nil
	}
	var resume *cursor
	if t.Paginate != nil {
		var err error
		if args, resume, err = rt.takeCursor(t, args); err != nil {
			return errorResult("Invalid arguments for %s: %v", t.Name, err), nil
		}
	}
	req, err := t.buildRequest(args)
	if err != nil {
		return errorResult("Invalid arguments for %s: %v", t.Name, err), nil
	}
	callCtx, cancel := context.WithTimeout(ctx, rt.limits(t).CallTimeout)
	defer cancel()
	progress := newProgress(ctx, mreq)

	doc, err := rt.fetch(callCtx, t, req, args, resume, progress, stats)
	var login *authproviders.LoginRequiredError
	if errors.As(err, &login) {
		if !rt.signIn(ctx, t, login) {
			return loginResult(t, login), nil
		}
		// The person took their time to sign in; the call's budget starts now.
		cancel()
		callCtx, cancel = context.WithTimeout(ctx, rt.limits(t).CallTimeout)
		defer cancel()
		doc, err = rt.fetch(callCtx, t, req, args, resume, progress, stats)
	}
	var pending *pendingError
	switch {
	case err == nil:
	case errors.As(err, &pending):
		out, _ := json.Marshal(map[string]any{"pending": true, "message": pending.message})
		doc = out
	case ctx.Err() != nil:
		return nil, ctx.Err() // the client went away or cancelled: nobody reads a result
	case callCtx.Err() != nil:
		return errorResult("%s stopped after its time budget of %v (limits.call_timeout in %s); narrow the request or raise the limit.",
			t.Name, rt.limits(t).CallTimeout, rt.Profile.File), nil
	default:
		return rt.failure(t, req, err), nil
	}
	return toolResult(doc), nil
}

// toolResult is a successful call's result: doc as structured content
// and, as the MCP spec asks of tools that return structured content, the
// same JSON as text, sharing doc's bytes (doc is never written again).
func toolResult(doc []byte) *mcp.CallToolResult {
	return &mcp.CallToolResult{
		Content:              []mcp.Content{mcp.NewTextContent(view(doc))},
		RawStructuredContent: doc,
	}
}

// fetch makes the tool's request, following pagination when declared, and
// returns the shaped result.
func (rt *Runtime) fetch(ctx context.Context, t *Tool, req apiRequest, args map[string]any, resume *cursor, p *progress, stats *callStats) ([]byte, error) {
	if t.Paginate == nil {
		into := rt.bodyBuffer()
		defer rt.putBodyBuffer(into) // shape's result is a copy
		body, err := rt.do(ctx, t, req, stats, into)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		doc, err := shape(t, body)
		rt.Metrics.Shaped(t.Name, len(body), time.Since(start))
		return doc, err
	}
	return rt.list(ctx, t, req, args, resume, p, stats)
}

// limits resolves the tool's limits over the profile's over the defaults.
func (rt *Runtime) limits(t *Tool) Limits {
	l := rt.Limits
	if t.MaxItems > 0 {
		l.MaxItems = t.MaxItems
	}
	if t.MaxBytes > 0 {
		l.MaxBytes = t.MaxBytes
	}
	if l.MaxItems <= 0 {
		l.MaxItems = DefaultMaxItems
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.CallTimeout <= 0 {
		l.CallTimeout = DefaultCallTimeout
	}
	return l
}

// do sends one request with a token, retrying what the retry policy allows,
// and reads APS's answer into into (reset first), returning its bytes: the
// caller owns into, so a listing reads all its pages into one buffer. When
// APS rejects the token (401) the provider drops it and the request is
// sent once more with a fresh one.
func (rt *Runtime) do(ctx context.Context, t *Tool, req apiRequest, stats *callStats, into *bytes.Buffer) ([]byte, error) {
	retryable := apshttp.RetryTransient
	if !t.Idempotent() {
		retryable = apshttp.RetryRateLimited // APS did nothing on a 429; anything else may have run
	}
	for attempt := 0; ; attempt++ {
		token, err := rt.Auth.Token(ctx)
		if err != nil {
			return nil, &tokenError{err}
		}
		resp, rs, err := rt.Retry.Do(ctx, func() (*resty.Response, error) {
			stats.requests++
			r := rt.HTTP.R().
				SetContext(ctx).
				SetAuthToken(token).
				SetHeader("Accept", "application/json").
				SetHeaderMultiValues(req.Header).
				SetQueryParamsFromValues(req.Query).
				SetDoNotParseResponse(true) // read below, into the caller's buffer
			if req.Body != nil {
				r.SetHeader("Content-Type", "application/json").SetBody(req.Body)
			}
			resp, err := r.Execute(req.Method, rt.BaseURL+req.Path)
			if err == nil {
				err = readBody(resp, into)
			}
			status := 0
			if err == nil {
				status = resp.StatusCode()
			}
			rt.Metrics.APSRequest(req.Path, status)
			if status == 0 || apshttp.TransientStatus(status) {
				rt.Logger.Debug("APS request failed", "call_id", stats.id, "path", req.Path, "status", status, "error", err)
			}
			return resp, err
		}, retryable)
		stats.retries += rs.Retries
		rt.Metrics.Retry(req.Path, rs.Retries)
		if err != nil {
			return nil, &transportError{err: err, retries: rs.Retries}
		}
		if resp.StatusCode() == http.StatusUnauthorized && attempt == 0 {
			rt.Auth.Invalidate(token)
			continue
		}
		if t.Pending != nil && resp.StatusCode() == t.Pending.Status {
			return nil, &pendingError{message: t.Pending.Message}
		}
		if !resp.IsSuccess() {
			se := apshttp.NewStatusError(resp.StatusCode(), into.Bytes())
			se.Retries, se.RetryAfter = rs.Retries, rs.RetryAfter
			return nil, se
		}
		return into.Bytes(), nil
	}
}

// readBody reads and closes the body of a response resty left unread,
// sized up front from Content-Length when APS sends one.
func readBody(resp *resty.Response, into *bytes.Buffer) error {
	body := resp.RawBody()
	defer body.Close()
	into.Reset()
	if n := resp.RawResponse.ContentLength; n > 0 && n < 1<<30 {
		into.Grow(int(n) + bytes.MinRead) // ReadFrom wants MinRead free to try a read
	}
	if _, err := into.ReadFrom(body); err != nil {
		return fmt.Errorf("reading APS's answer: %w", err)
	}
	return nil
}

// bodyBuffer is a buffer to read APS answers into, from rt's pool; give it
// back with putBodyBuffer once nothing refers to its bytes.
func (rt *Runtime) bodyBuffer() *bytes.Buffer {
	if b, ok := rt.bodies.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

// maxPooledBody keeps one huge answer from pinning its memory in the pool.
const maxPooledBody = 1 << 20

func (rt *Runtime) putBodyBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBody {
		rt.bodies.Put(b)
	}
}

// pendingError is APS saying "not ready yet" (the tool's pending status).
type pendingError struct{ message string }

func (e *pendingError) Error() string { return e.message }

type tokenError struct{ err error }

func (e *tokenError) Error() string { return "access token: " + e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

type transportError struct {
	err     error
	retries int
}

func (e *transportError) Error() string { return "request: " + e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// randomHex returns n random bytes as hex: call ids that tie a call's log
// lines together, elicitation ids.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// view is b as a string without a copy, for bytes that are not written
// again while the string is in use.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func errorResult(format string, args ...any) *mcp.CallToolResult {
	return mcp.NewToolResultError(fmt.Sprintf(format, args...))
}
