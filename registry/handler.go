package registry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/defaults"
	"github.com/aps-mcp/aps-mcp/identity"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
	"github.com/aps-mcp/aps-mcp/logging"
	"github.com/aps-mcp/aps-mcp/metrics"
)

// Defaults for limits neither the tool nor the profile sets: the profile's
// limits defaults, from the one table in package defaults.
const (
	DefaultMaxItems    = defaults.MaxItems
	DefaultMaxBytes    = defaults.MaxBytes
	DefaultCallTimeout = defaults.CallTimeout
)

// Runtime is what the generic handler needs to reach APS. BaseURL, HTTP
// and Auth are required (Handler panics without them); the other fields
// may be left zero.
type Runtime struct {
	BaseURL string // APS host, without a trailing slash
	HTTP    *resty.Client
	Auth    authproviders.Provider
	Retry   apshttp.RetryPolicy // zero: one attempt, no retries
	Limits  Limits
	// CursorKey signs listing cursors, so a cursor can only continue a
	// listing this server started (any replica with the same key).
	CursorKey []byte
	Profile   ProfileInfo      // for error hints
	Logger    *slog.Logger     // nil logs nothing
	Metrics   *metrics.Metrics // nil records nothing
	// Redactor keeps the secrets it knows out of every result, as it does
	// out of the logs: APS error bodies may echo the request's
	// credentials. Nil redacts credential shapes alone.
	Redactor *logging.Redactor
	// Pacing keeps requests within their endpoints' budgets (tools.yaml
	// budgets); nil sends every request at once. It outlives a Runtime, so
	// reloads keep the windows.
	Pacing *apshttp.Pacing
	// AllowUnconfirmedDestructive lets a destructive tool run for a client
	// that cannot ask the person to confirm (no elicitation); otherwise
	// such a call is refused.
	AllowUnconfirmedDestructive bool
	// Sharer shares the answers of reads between calls (coalescing and
	// the read cache, package sharedreads); nil shares nothing.
	Sharer apshttp.Sharer

	bodies apshttp.BufferPool // what APS answers are read into
}

// Limits bound one tool call; zero fields take the defaults.
type Limits struct {
	MaxItems    int           // items in one listing result
	MaxBytes    int           // bytes of projected JSON in one result: a listing's items, or a single answer
	CallTimeout time.Duration // one tool call, all its APS requests and waits included
}

// ProfileInfo names the active profile in error hints.
type ProfileInfo struct {
	Name, File string
	Scopes     []string
}

// editableFile names where the profile's settings can be changed, for a
// message that asks the person to change one: the file itself, or for a
// built-in one (which cannot change) a copy of it.
func (p ProfileInfo) editableFile() string {
	if name, builtin := strings.CutSuffix(p.File, strictyaml.BuiltinMark); builtin {
		return "a copy of " + name + " in the working directory (the built-in one cannot change)"
	}
	return p.File
}

// Handler returns the MCP handler that serves t. It panics when rt lacks
// what every call needs, so a wiring mistake shows at start-up rather than
// at the first call.
func (rt *Runtime) Handler(t *Tool) server.ToolHandlerFunc {
	if rt.BaseURL == "" || rt.HTTP == nil || rt.Auth == nil {
		panic("registry: Runtime needs BaseURL, HTTP and Auth")
	}
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		start := time.Now()
		c := rt.newCall(t)
		res, err := c.run(ctx, req)
		if res != nil {
			res = redacted(rt.redactor(), res)
		}
		outcome := "ok"
		switch {
		case err != nil:
			outcome = "cancelled"
		case res.IsError:
			outcome = "tool_error"
		case res.NeedsInput():
			outcome = "input_required" // the call goes on once the client answers
		}
		elapsed := time.Since(start)
		rt.Metrics.ToolCall(t.Name, outcome, elapsed)
		rt.Metrics.Shared(t.Name, c.tally.Shared, c.tally.Paced)
		attrs := []any{"call_id", c.tally.CallID, "tool", t.Name, "outcome", outcome, "duration_ms", elapsed.Milliseconds(),
			"aps_requests", c.tally.Requests, "retries", c.tally.Retries, "shared", c.tally.Shared, "items", c.items, "bytes", c.bytes}
		if c.tally.Paced > 0 {
			attrs = append(attrs, "paced_ms", c.tally.Paced.Milliseconds()) // waits for budgets' slots
		}
		if u, ok := identity.From(ctx); ok {
			attrs = append(attrs, "user", u.Email) // a team server's caller
		}
		rt.logger().Info("tool call", attrs...)
		return res, err
	}
}

// exchanger is the way to APS that rt's fields describe.
func (rt *Runtime) exchanger() apshttp.Exchanger {
	e := apshttp.Exchanger{BaseURL: rt.BaseURL, HTTP: rt.HTTP, Auth: rt.Auth, Retry: rt.Retry, Logger: rt.Logger, Pacing: rt.Pacing, Sharer: rt.Sharer}
	if rt.Metrics != nil { // a nil *Metrics in the interface would not be a nil Observer
		e.Observer = rt.Metrics
	}
	return e
}

// shapesOnly is the Redactor of a Runtime without one.
var shapesOnly = &logging.Redactor{}

func (rt *Runtime) redactor() *logging.Redactor {
	if rt.Redactor == nil {
		return shapesOnly
	}
	return rt.Redactor
}

// discard is the logger of a Runtime without one.
var discard = slog.New(slog.DiscardHandler)

func (rt *Runtime) logger() *slog.Logger {
	if rt.Logger == nil {
		return discard
	}
	return rt.Logger
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

// maxBytesSource says where the max_bytes limit of t is set.
func (rt *Runtime) maxBytesSource(t *Tool) string {
	switch {
	case t.MaxBytes > 0:
		return "max_bytes of tool " + t.Name + " in tools.yaml"
	case rt.Limits.MaxBytes > 0:
		return fmt.Sprintf("limits.max_bytes of profile %s, %s", rt.Profile.Name, rt.Profile.editableFile())
	}
	return "the default of limits.max_bytes"
}

// randomHex returns n random bytes as hex: call ids that tie a call's log
// lines together, elicitation ids.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
