package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/tidwall/gjson"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/authproviders"
)

// DefaultMaxItems caps a listing when neither the tool nor the profile says.
const DefaultMaxItems = 2000

// maxPages stops a listing whose pages never end, whatever the item cap.
const maxPages = 10000

// Runtime is what the generic handler needs to reach APS.
type Runtime struct {
	BaseURL  string // APS host, without a trailing slash
	HTTP     *resty.Client
	Auth     authproviders.Provider
	MaxItems int // listing cap for tools that set none; 0 = DefaultMaxItems
	Logger   *slog.Logger
}

// callStats is what one tool call did, for its log line.
type callStats struct {
	requests int
	items    int
}

// Handler returns the MCP handler that serves t.
func (rt *Runtime) Handler(t *Tool) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		start := time.Now()
		var stats callStats
		res, err := rt.call(ctx, t, req.Params.Arguments, &stats)
		outcome := "ok"
		switch {
		case err != nil:
			outcome = "fault"
		case res.IsError:
			outcome = "tool_error"
		}
		rt.Logger.Info("tool call", "tool", t.Name, "outcome", outcome,
			"duration_ms", time.Since(start).Milliseconds(), "aps_requests", stats.requests, "items", stats.items)
		return res, err
	}
}

func (rt *Runtime) call(ctx context.Context, t *Tool, rawArgs any, stats *callStats) (*mcp.CallToolResult, error) {
	args, ok := rawArgs.(map[string]any)
	if !ok && rawArgs != nil {
		return errorResult("Invalid arguments for %s: arguments must be a JSON object.", t.Name), nil
	}
	req, err := t.buildRequest(args)
	if err != nil {
		return errorResult("Invalid arguments for %s: %v", t.Name, err), nil
	}
	doc, listing, err := rt.fetch(ctx, t, req, stats)
	var login *authproviders.LoginRequiredError
	if errors.As(err, &login) {
		if !rt.signIn(ctx, t, login) {
			return loginResult(t, login), nil
		}
		doc, listing, err = rt.fetch(ctx, t, req, stats)
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr // the caller went away; nobody reads a result
		}
		return rt.failure(t, err), nil
	}
	out, err := shape(t, doc, listing)
	if err != nil {
		return errorResult("%s: %v", t.Name, err), nil
	}
	if listing != nil {
		stats.items = listing.count
	}
	return &mcp.CallToolResult{
		Content:              []mcp.Content{mcp.NewTextContent(string(out))},
		RawStructuredContent: out,
	}, nil
}

// fetch makes the tool's request, following pagination when declared.
func (rt *Runtime) fetch(ctx context.Context, t *Tool, req apiRequest, stats *callStats) ([]byte, *listingInfo, error) {
	if t.Paginate == nil {
		doc, err := rt.do(ctx, req, stats)
		return doc, nil, err
	}
	return rt.list(ctx, t, req, stats)
}

// do sends one request with a token. When APS rejects the token (401) the
// provider drops it and the request is sent once more with a fresh one.
func (rt *Runtime) do(ctx context.Context, req apiRequest, stats *callStats) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		token, err := rt.Auth.Token(ctx)
		if err != nil {
			return nil, &tokenError{err}
		}
		stats.requests++
		resp, err := rt.HTTP.R().
			SetContext(ctx).
			SetAuthToken(token).
			SetHeader("Accept", "application/json").
			SetHeaderMultiValues(req.Header).
			SetQueryParamsFromValues(req.Query).
			Execute(req.Method, rt.BaseURL+req.Path)
		if err != nil {
			return nil, &transportError{err}
		}
		if resp.StatusCode() == http.StatusUnauthorized && attempt == 0 {
			rt.Auth.Invalidate(token)
			continue
		}
		if !resp.IsSuccess() {
			return nil, apshttp.NewStatusError(resp.StatusCode(), resp.Body())
		}
		return resp.Body(), nil
	}
}

// listingInfo describes a merged listing.
type listingInfo struct {
	count     int
	truncated bool
	max       int
	warnings  []byte // JSON array of the pages' warnings, or nil
}

// list follows the tool's pagination, merging every page's items into
// {"items":[...]} until the last page or the item cap.
func (rt *Runtime) list(ctx context.Context, t *Tool, req apiRequest, stats *callStats) ([]byte, *listingInfo, error) {
	pg := t.Paginate
	info := &listingInfo{max: t.MaxItems}
	if info.max == 0 {
		info.max = rt.MaxItems
	}
	if info.max == 0 {
		info.max = DefaultMaxItems
	}
	if pg.PageSizeParam != "" {
		req.Query.Set(pg.PageSizeParam, strconv.Itoa(pg.PageSize))
	}
	var buf bytes.Buffer
	buf.WriteString(`{"items":[`)
	for page := 1; ; page++ {
		body, err := rt.do(ctx, req, stats)
		if err != nil {
			return nil, nil, err
		}
		items := gjson.GetBytes(body, pg.Items)
		if !items.IsArray() {
			return nil, nil, fmt.Errorf("APS answered without the %q array this tool lists", pg.Items)
		}
		if pg.Warnings != "" {
			info.addWarnings(gjson.GetBytes(body, pg.Warnings))
		}
		items.ForEach(func(_, item gjson.Result) bool {
			if info.count == info.max {
				info.truncated = true
				return false
			}
			if info.count > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(item.Raw)
			info.count++
			return true
		})
		if info.truncated {
			break
		}
		next, err := paginators[pg.Style].next(pg, body, req.Query)
		if err != nil {
			return nil, nil, err
		}
		if next == nil {
			break
		}
		if info.count == info.max || page == maxPages {
			info.truncated = true
			break
		}
		req.Query = next
	}
	buf.WriteString(`]}`)
	return buf.Bytes(), info, nil
}

// addWarnings appends a page's warnings to the listing's.
func (info *listingInfo) addWarnings(w gjson.Result) {
	w.ForEach(func(_, one gjson.Result) bool {
		if info.warnings == nil {
			info.warnings = []byte{'['}
		} else {
			info.warnings = append(info.warnings, ',')
		}
		info.warnings = append(info.warnings, one.Raw...)
		return true
	})
}

// failure turns an error from APS or the way there into a result the model
// can act on.
func (rt *Runtime) failure(t *Tool, err error) *mcp.CallToolResult {
	var se *apshttp.StatusError
	var te *tokenError
	var tr *transportError
	switch {
	case errors.As(err, &se):
		return errorResult("%s failed: %v", t.Name, se)
	case errors.As(err, &te):
		return errorResult("%s failed: could not get an APS access token: %v", t.Name, te.err)
	case errors.As(err, &tr):
		return errorResult("%s failed: could not reach APS at %s: %v", t.Name, rt.BaseURL, tr.err)
	}
	return errorResult("%s failed: %v", t.Name, err)
}

type tokenError struct{ err error }

func (e *tokenError) Error() string { return "access token: " + e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

type transportError struct{ err error }

func (e *transportError) Error() string { return "request: " + e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

func errorResult(format string, args ...any) *mcp.CallToolResult {
	return mcp.NewToolResultError(fmt.Sprintf(format, args...))
}
