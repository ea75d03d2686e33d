package apshttp

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/go-resty/resty/v2"
)

// TokenSource hands out APS access tokens and hears when APS rejects one.
// authproviders.Provider satisfies it, so this package needs nothing else
// of the auth kinds.
type TokenSource interface {
	// Token returns a valid access token.
	Token(ctx context.Context) (string, error)
	// Invalidate says APS rejected token, so the next Token fetches another.
	Invalidate(token string)
}

// Observer is told about every exchange, for metrics. *metrics.Metrics
// satisfies it.
type Observer interface {
	// APSRequest records one attempt; status is 0 when no answer came.
	APSRequest(path string, status int)
	// Retry records the retries one exchange took.
	Retry(path string, retries int)
}

// Request is one APS request before the token is added.
type Request struct {
	Method string
	Path   string // escaped, appended to the base URL as it is
	Query  url.Values
	Header http.Header
	Body   []byte // JSON; sent as application/json when not nil
	// URL, when set, is an absolute URL outside APS that an APS answer
	// handed out (a signed S3 URL): the request goes there instead of to
	// BaseURL+Path, and without the APS token, which S3 would refuse and
	// must never see. The URL itself grants access, so it appears in no
	// log line, metric or error.
	URL string
	// Content, when not nil, is sent as the raw body instead of Body, as
	// ContentType (application/octet-stream when empty).
	Content     []byte
	ContentType string
	// Idempotent requests are retried after transient 5xx and lost
	// connections; the others only after a 429, on which APS did nothing.
	Idempotent bool
	// PendingStatus is a 2xx status that means "not ready yet" (Model
	// Derivative's 202), answered with a *PendingError; 0 means none.
	PendingStatus int
	// SizeHint, when positive, is about how large the answer is expected
	// to be (a listing's later pages are like its first): an answer
	// without a Content-Length is read into room for that many bytes from
	// the start, rather than into a buffer doubling as it fills. Memory
	// touched the first time is slow to come by, and doubling touches
	// about four times the answer's size.
	SizeHint int
	// Check, when set, says what is wrong with a successful answer's body
	// (cut short, not JSON, not the shape asked for), or nil. An answer it
	// refuses is retried as a lost one is, and ends in an *AnswerError.
	Check func(body []byte) error
	// KeepHeaders name answer headers the caller reads (Webhooks' Location
	// of a created hook); Exchange puts those a successful answer carries
	// into Kept.
	KeepHeaders []string
	Kept        http.Header
	// Budget, when set, is the endpoint family's pace: each attempt waits
	// for a slot in it (Exchanger.Pacing) before it is sent.
	Budget *Budget
	// Sharing, when set, lets the Exchanger's Sharer share the answer
	// (share.go).
	Sharing *Sharing
}

// Exchanger is the way tool calls reach APS. Its zero Observer records
// nothing and its zero Logger logs nothing; BaseURL, HTTP and Auth are
// required.
type Exchanger struct {
	BaseURL  string // APS host, without a trailing slash
	HTTP     *resty.Client
	Auth     TokenSource
	Retry    RetryPolicy
	Observer Observer
	Logger   *slog.Logger
	// Pacing, when set, holds requests with a Budget within it; nil sends
	// them at once.
	Pacing *Pacing
	// Sharer, when set, answers the requests that carry a Sharing.
	Sharer Sharer
}

// Tally counts the exchanges of one tool call and names the call in their
// log lines.
type Tally struct {
	CallID   string // correlates the call's log lines
	Requests int    // HTTP attempts, retries included
	Retries  int
	// Paced is how long the attempts waited for their budgets' slots.
	Paced  time.Duration
	Shared int // answers another call's request or the read cache gave
}

// Add counts what the exchanges of o did into t (t keeps its CallID).
func (t *Tally) Add(o *Tally) {
	t.Requests += o.Requests
	t.Retries += o.Retries
	t.Paced += o.Paced
	t.Shared += o.Shared
}

// Exchange is the one entry point to APS: it gets a token, sends req,
// retries what the policy allows, reads the answer into into (reset
// first, at most the client's ResponseBodyLimit) and classifies it. A 2xx
// answer that passes req.Check comes back as into's bytes: the caller owns
// into, so a listing reads all its pages into one buffer. Anything else is
// an error: *TokenError, *TransportError, *PendingError, *AnswerError,
// *TooLargeError, *RedirectError, *StatusError or, when the request's
// budget could not fit it in the time the call has, *BudgetError. When APS rejects the
// token (401) the source drops it and req is sent once more with a fresh
// one. A request with a Sharing goes to the Exchanger's Sharer, when it
// has one, which answers it as Exchange would (share.go).
func (e *Exchanger) Exchange(ctx context.Context, req *Request, into *bytes.Buffer, tally *Tally) ([]byte, error) {
	if e.shared(req) {
		return e.Sharer.Share(ctx, e, req, into, tally)
	}
	retryable := RetryTransient
	if !req.Idempotent {
		retryable = RetryRateLimited
	}
	for attempt := 0; ; attempt++ {
		token := ""
		if req.URL == "" {
			var err error
			if token, err = e.Auth.Token(ctx); err != nil {
				return nil, &TokenError{Err: err}
			}
		}
		resp, rs, err := e.Retry.Do(ctx, func() (*resty.Response, error) {
			return e.send(ctx, req, token, into, tally)
		}, retryable)
		tally.Retries += rs.Retries
		if e.Observer != nil {
			e.Observer.Retry(req.label(), rs.Retries)
		}
		if err != nil {
			return nil, classifyFailure(err, rs)
		}
		status := resp.StatusCode()
		switch {
		case status == http.StatusUnauthorized && attempt == 0 && token != "":
			e.Auth.Invalidate(token)
			continue
		case req.PendingStatus != 0 && status == req.PendingStatus:
			return nil, &PendingError{Status: status}
		case !resp.IsSuccess():
			err := refusal(resp, into.Bytes())
			if se, ok := err.(*StatusError); ok {
				se.Retries, se.RetryAfter = rs.Retries, rs.RetryAfter
			}
			return nil, err
		}
		req.Kept = keep(resp.Header(), req.KeepHeaders)
		return into.Bytes(), nil
	}
}

// keep is the headers of h that names lists, or nil when it lists none.
func keep(h http.Header, names []string) http.Header {
	if len(names) == 0 {
		return nil
	}
	kept := http.Header{}
	for _, name := range names {
		if v := h.Get(name); v != "" {
			kept.Set(name, v)
		}
	}
	return kept
}

// send is one attempt: the request with token, its answer read into into.
func (e *Exchanger) send(ctx context.Context, req *Request, token string, into *bytes.Buffer, tally *Tally) (*resty.Response, error) {
	if err := e.pace(ctx, req, tally); err != nil {
		return nil, err
	}
	tally.Requests++
	r := e.HTTP.R().
		SetContext(ctx).
		SetHeader("Accept", "application/json").
		SetHeaderMultiValues(req.Header).
		SetQueryParamsFromValues(req.Query).
		SetDoNotParseResponse(true) // read below, into the caller's buffer
	if token != "" {
		r.SetAuthToken(token)
	}
	switch {
	case req.Content != nil:
		r.SetHeader("Content-Type", cmp.Or(req.ContentType, "application/octet-stream")).SetBody(req.Content)
	case req.Body != nil:
		r.SetHeader("Content-Type", "application/json").SetBody(req.Body)
	}
	target := e.BaseURL + req.Path
	if req.URL != "" {
		target = req.URL
	}
	resp, err := r.Execute(req.Method, target)
	var ue *url.Error
	if req.URL != "" && errors.As(err, &ue) {
		err = fmt.Errorf("%s %s: %w", req.Method, req.label(), ue.Err) // net/http's error quotes the URL, which grants access
	}
	if err == nil {
		err = readBody(resp, into, e.answerLimit(), req.SizeHint)
	}
	if err == nil && req.Check != nil && resp.IsSuccess() && resp.StatusCode() != req.PendingStatus {
		if bad := req.Check(into.Bytes()); bad != nil {
			err = &AnswerError{Status: resp.StatusCode(), Err: bad}
		}
	}
	status := 0
	if err == nil {
		status = resp.StatusCode()
	}
	if e.Observer != nil {
		e.Observer.APSRequest(req.label(), status)
	}
	e.heed(ctx, req, status, resp, tally)
	if (status == 0 || TransientStatus(status)) && e.Logger != nil {
		e.Logger.Debug("APS request failed", "call_id", tally.CallID, "path", req.label(), "status", status, "error", err)
	}
	return resp, err
}

// label names the request in logs and metrics: its APS path, or for a
// request to a URL an answer handed out, only that it is one.
func (req *Request) label() string {
	if req.URL != "" {
		return "signed URL"
	}
	return req.Path
}

// classifyFailure is the error of an exchange that ended without an
// answer to classify by status: an answer refused by the request's check
// or over the cap, or none at all.
func classifyFailure(err error, rs RetryStats) error {
	var bad *AnswerError
	var big *TooLargeError
	var over *BudgetError
	switch {
	case errors.As(err, &over):
		return over
	case errors.As(err, &bad):
		bad.Retries = rs.Retries
		return bad
	case errors.As(err, &big):
		return big
	}
	return &TransportError{Err: err, Retries: rs.Retries}
}
