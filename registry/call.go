package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/authproviders"
)

// toolCall is one call of a tool: from the MCP request through the APS
// exchanges to the MCP result.
type toolCall struct {
	rt       *Runtime
	tool     *Tool
	aps      apshttp.Exchanger
	args     map[string]any // the arguments without the cursor
	resume   *cursor        // where a listing continues; nil from its start
	limit    int            // items the call asked for at most; 0: the cap
	progress *progress
	checked  checkedArgs   // the arguments checked, for a tool with steps
	tally    apshttp.Tally // what the exchanges did, for the log line
	items    int           // items in the result, for the log line
	bytes    int           // bytes of its projected items
}

func (rt *Runtime) newCall(t *Tool) toolCall {
	return toolCall{rt: rt, tool: t, aps: rt.exchanger(), tally: apshttp.Tally{CallID: randomHex(6)}}
}

// run answers the MCP request: invalid arguments, APS's failures and its
// "not ready yet" are results the model reads; only a client that went
// away is an error.
func (c *toolCall) run(ctx context.Context, mreq mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	t := c.tool
	req, bad := c.request(mreq)
	if bad != nil {
		return bad, nil
	}
	if stop := c.confirm(ctx, mreq, req); stop != nil {
		return stop, nil
	}
	budget := c.rt.limits(t).CallTimeout
	callCtx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	c.progress = newProgress(ctx, mreq)

	doc, err := c.gather(callCtx, &req)
	var login *authproviders.LoginRequiredError
	if errors.As(err, &login) {
		if !c.rt.signIn(ctx, t, login) {
			return loginResult(t, login), nil
		}
		// The person took their time to sign in; the call's budget starts now.
		cancel()
		callCtx, cancel = context.WithTimeout(ctx, budget)
		defer cancel()
		doc, err = c.gather(callCtx, &req)
	}
	var pending *apshttp.PendingError
	switch {
	case err == nil:
	case errors.As(err, &pending):
		doc = pendingDocument(t.Pending.Message)
	case ctx.Err() != nil:
		return nil, ctx.Err() // the client went away or cancelled: nobody reads a result
	case callCtx.Err() != nil:
		return errorResult("%s stopped after its time budget of %v (limits.call_timeout in %s); narrow the request or raise the limit.",
			t.Name, budget, c.rt.Profile.editableFile()), nil
	default:
		return c.rt.failure(t, req, err), nil
	}
	return resultFor(t, doc), nil
}

// request reads the call's arguments, takes a listing's limit and cursor
// out of them, and builds the APS request; bad arguments give the result that
// says so instead.
func (c *toolCall) request(mreq mcp.CallToolRequest) (apiRequest, *mcp.CallToolResult) {
	t := c.tool
	args, ok := mreq.Params.Arguments.(map[string]any)
	if !ok && mreq.Params.Arguments != nil {
		return apiRequest{}, errorResult("Invalid arguments for %s: arguments must be a JSON object.", t.Name)
	}
	if t.Paginate != nil {
		var err error
		if args, c.limit, err = takeLimit(args); err != nil {
			return apiRequest{}, errorResult("Invalid arguments for %s: %v", t.Name, err)
		}
		if args, c.resume, err = c.rt.takeCursor(t, args); err != nil {
			return apiRequest{}, errorResult("Invalid arguments for %s: %v", t.Name, err)
		}
	}
	c.args = args
	var req apiRequest
	var err error
	if len(t.Steps) > 0 {
		if c.checked, err = t.argValues(args); err == nil {
			req, err = t.checkSteps(c.checked)
		}
	} else {
		req, err = t.buildRequest(args)
	}
	if err != nil {
		return apiRequest{}, errorResult("Invalid arguments for %s: %v", t.Name, err)
	}
	return req, nil
}

// gather exchanges the tool's request with APS, following the listing's
// pages or the tool's steps when it has them, and returns the projected
// document. For a tool with steps req ends as the step that failed.
func (c *toolCall) gather(ctx context.Context, req *apiRequest) ([]byte, error) {
	if c.tool.Paginate != nil {
		return c.list(ctx, *req)
	}
	into := c.rt.bodies.Get()
	defer c.rt.bodies.Put(into) // projectAnswer's result is a copy
	var body []byte
	var err error
	if len(c.tool.Steps) > 0 {
		body, err = c.runSteps(ctx, req, into)
	} else {
		req.Check = apshttp.CompleteJSON
		req.KeepHeaders = c.tool.keep
		body, err = c.aps.Exchange(ctx, &req.Request, into, &c.tally)
	}
	if err != nil {
		return nil, err
	}
	if err := c.tool.graphqlErrors(body); err != nil {
		return nil, err
	}
	start := time.Now()
	doc, err := projectAnswer(c.tool, body)
	if err == nil && len(c.tool.AnswerHeaders) > 0 {
		doc, err = withHeaders(doc, c.tool.AnswerHeaders, req.Kept)
	}
	c.rt.Metrics.Shaped(c.tool.Name, len(body), time.Since(start))
	if limit := c.rt.limits(c.tool).MaxBytes; err == nil && len(doc) > limit {
		return nil, &limitError{what: "its answer", size: len(doc), limit: limit, source: c.rt.maxBytesSource(c.tool)}
	}
	return doc, err
}

// withHeaders adds to a single answer's document the answer headers its
// tool names (key → header), those APS sent: the document is an object,
// as projectAnswer makes every one.
func withHeaders(doc []byte, names map[string]string, kept http.Header) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(doc, &obj); err != nil {
		return nil, fmt.Errorf("the answer is not an object to add headers to: %w", err)
	}
	for key, h := range names {
		if v := kept.Get(h); v != "" {
			obj[key], _ = json.Marshal(v) // a string always marshals
		}
	}
	return json.Marshal(obj)
}
