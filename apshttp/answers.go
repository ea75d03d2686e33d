package apshttp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/go-resty/resty/v2"
	"github.com/tidwall/gjson"

	"github.com/aps-mcp/aps-mcp/defaults"
)

// Errors CompleteJSON reports.
var (
	ErrCutShort = errors.New("its answer is cut short: it is not complete JSON")
	ErrNotJSON  = errors.New("its answer is not JSON")
)

// CompleteJSON checks that body is one whole JSON value, or empty (an
// answer without a body): a body cut short with a Content-Length that
// matches looks whole to the transport, and only its JSON tells. It
// returns ErrCutShort for what starts as an object or array and does not
// end as one, ErrNotJSON for anything else.
func CompleteJSON(body []byte) error {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0 || gjson.ValidBytes(trimmed):
		return nil
	case trimmed[0] == '{' || trimmed[0] == '[':
		return ErrCutShort
	}
	return ErrNotJSON
}

// Refusal is the error of an answer outside 2xx that resty read: a
// *RedirectError naming the redirect's target, or a *StatusError with
// APS's message.
func Refusal(resp *resty.Response) error { return refusal(resp, resp.Body()) }

func refusal(resp *resty.Response, body []byte) error {
	if status := resp.StatusCode(); isRedirect(status) {
		target := resp.Header().Get("Location")
		if u, err := resp.RawResponse.Location(); err == nil {
			target = u.String()
		}
		return &RedirectError{Status: status, Location: target}
	}
	return NewStatusError(resp.StatusCode(), body)
}

// answerLimit is the most one answer read for e may hold.
func (e *Exchanger) answerLimit() int {
	if n := e.HTTP.ResponseBodyLimit; n > 0 {
		return n
	}
	return defaults.MaxAnswerBytes
}

// readBody reads and closes the body of a response resty left unread,
// at most limit bytes of it once decompressed, sized up front from
// Content-Length when APS sends one, else from the size hint, if any.
// Beyond that (a gzip answer the transport inflates, a chunked one) the
// buffer doubles as it fills, but never past the limit: an answer that
// reaches it is probed for one more byte, not read into twice the room.
func readBody(resp *resty.Response, into *bytes.Buffer, limit, hint int) error {
	body := resp.RawBody()
	defer body.Close()
	into.Reset()
	switch n := resp.RawResponse.ContentLength; {
	case n > int64(limit):
		return &TooLargeError{Limit: limit}
	case n > 0:
		into.Grow(int(n) + bytes.MinRead) // room to read the EOF without growing
	case hint > 0:
		into.Grow(min(hint, limit) + bytes.MinRead)
	}
	for into.Len() < limit {
		if into.Available() == 0 {
			into.Grow(min(max(into.Cap(), bytes.MinRead), limit-into.Len()))
		}
		room := into.AvailableBuffer()
		n, err := body.Read(room[:min(cap(room), limit-into.Len())])
		into.Write(room[:n]) // in place: room is into's own free space
		switch {
		case err == io.EOF:
			return nil
		case err != nil:
			return fmt.Errorf("reading APS's answer: %w", err)
		}
	}
	var probe [1]byte
	if n, err := io.ReadFull(body, probe[:]); n > 0 {
		into.Reset()
		return &TooLargeError{Limit: limit}
	} else if err != io.EOF {
		return fmt.Errorf("reading APS's answer: %w", err)
	}
	return nil
}

// isRedirect reports a 3xx answer, which the client never follows.
func isRedirect(status int) bool {
	return status >= http.StatusMultipleChoices && status < http.StatusBadRequest
}
