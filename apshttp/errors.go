package apshttp

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// maxMessage bounds how much of an unrecognised error body is quoted back.
const maxMessage = 300

// ErrorMessage extracts APS's own message from an error body, whichever of
// APS's shapes it uses: the gateway's developerMessage/errorCode (older:
// userMessage), OSS's reason, Data Management's JSON:API errors[].detail
// and meta.warnings,
// OAuth's error/error_description, and SSA's title/detail. It returns ""
// when the body holds none of them.
func ErrorMessage(body []byte) string {
	if len(body) == 0 || !gjson.ValidBytes(body) {
		return ""
	}
	r := gjson.ParseBytes(body)
	var parts []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" {
			parts = append(parts, s)
		}
	}
	switch {
	case r.Get("developerMessage").Exists() || r.Get("userMessage").Exists():
		msg := r.Get("developerMessage").String()
		if msg == "" {
			msg = r.Get("userMessage").String()
		}
		add(msg)
		if code := r.Get("errorCode").String(); code != "" {
			add("(" + code + ")")
		}
	case r.Get("errors").IsArray():
		// JSON:API errors (detail, title, code) or GraphQL's (message,
		// extensions.code).
		for _, e := range r.Get("errors").Array() {
			msg := e.Get("detail").String()
			if msg == "" {
				msg = e.Get("title").String()
			}
			if msg == "" {
				msg = e.Get("message").String()
			}
			code := e.Get("code").String()
			if code == "" {
				code = e.Get("extensions.code").String()
			}
			if code != "" && msg != "" {
				msg += " (" + code + ")"
			}
			add(msg)
		}
	case r.Get("error_description").Exists() || r.Get("error").Type == gjson.String:
		add(r.Get("error_description").String())
		if code := r.Get("error").String(); code != "" {
			add("(" + code + ")")
		}
	case r.Get("reason").Exists():
		add(r.Get("reason").String())
	case r.Get("detail").Exists() || r.Get("title").Exists():
		add(r.Get("detail").String())
		if t := r.Get("title").String(); t != "" {
			add("(" + t + ")")
		}
	case r.Get("meta.warnings").IsArray():
		// Data Management's partial-failure shape, keys capitalised.
		for _, w := range r.Get("meta.warnings").Array() {
			msg := strings.TrimSpace(w.Get("Title").String() + " " + w.Get("Detail").String())
			if code := w.Get("ErrorCode").String(); code != "" && msg != "" {
				msg += " (" + code + ")"
			}
			add(msg)
		}
	case r.Get("message").Type == gjson.String:
		add(r.Get("message").String())
	}
	return strings.Join(parts, " ")
}

// StatusError is an APS answer outside 2xx.
type StatusError struct {
	Status  int    // HTTP status code
	Message string // APS's own message, or a short quote of the body
	Code    string // APS's machine-readable code (errorCode, error, errors[0].code), if any
	// Retries and RetryAfter say how the call was retried before this
	// answer, and the wait APS last asked for.
	Retries    int
	RetryAfter time.Duration
}

// Error reads "APS returned 404 Not Found: Bucket not found".
func (e *StatusError) Error() string {
	s := fmt.Sprintf("APS returned %d %s", e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// NewStatusError builds a StatusError from a response status and body.
func NewStatusError(status int, body []byte) *StatusError {
	msg := ErrorMessage(body)
	if msg == "" {
		msg = quoteBody(body)
	}
	return &StatusError{Status: status, Message: msg, Code: errorCode(body)}
}

// errorCode picks the machine-readable code out of an error body.
func errorCode(body []byte) string {
	if !gjson.ValidBytes(body) {
		return ""
	}
	for _, path := range []string{"errorCode", "error", "errors.0.code", "errors.0.extensions.code", "title"} {
		if r := gjson.GetBytes(body, path); r.Type == gjson.String {
			return r.String()
		}
	}
	return ""
}

// GraphQLError is a GraphQL answer that reports errors: with status 200,
// as GraphQL servers answer a query they could not (wholly) run.
type GraphQLError struct {
	// Message is GraphQL's messages, each with its extensions.code.
	Message string
}

// Error reads "APS answered with GraphQL errors: Element group not found (NOT_FOUND)".
func (e *GraphQLError) Error() string {
	return "APS answered with GraphQL errors: " + e.Message
}

// GraphQLErrors returns the errors a GraphQL answer body reports, or nil
// when its "errors" is absent or empty.
func GraphQLErrors(body []byte) *GraphQLError {
	errs := gjson.GetBytes(body, "errors")
	if !hasErrors(errs) {
		return nil
	}
	msg := ErrorMessage(body)
	if msg == "" {
		msg = quoteBody([]byte(errs.Raw))
	}
	return &GraphQLError{Message: msg}
}

// HasGraphQLErrors reports whether a GraphQL answer body reports errors,
// without reading them.
func HasGraphQLErrors(body []byte) bool { return hasErrors(gjson.GetBytes(body, "errors")) }

func hasErrors(errs gjson.Result) bool { return errs.IsArray() && len(errs.Array()) > 0 }

// quoteBody returns a short, single-line excerpt of a body APS sent without
// a recognised message, so the caller still sees what came back.
func quoteBody(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > maxMessage {
		s = strings.ToValidUTF8(s[:maxMessage], "") + "…"
	}
	return s
}
