package apshttp

import (
	"fmt"
	"net/http"
)

// TokenError is an exchange that never started: no access token.
type TokenError struct{ Err error }

// Error reads "access token: ...".
func (e *TokenError) Error() string { return "access token: " + e.Err.Error() }

// Unwrap returns the token source's error.
func (e *TokenError) Unwrap() error { return e.Err }

// TransportError is an exchange that got no complete answer from APS,
// after Retries retries.
type TransportError struct {
	Err     error
	Retries int
}

// Error reads "request: ...".
func (e *TransportError) Error() string { return "request: " + e.Err.Error() }

// Unwrap returns the transport's error.
func (e *TransportError) Unwrap() error { return e.Err }

// PendingError is APS saying "not ready yet" with the status the request
// named as its PendingStatus.
type PendingError struct{ Status int }

// Error reads "APS answered 202 Accepted: not ready yet".
func (e *PendingError) Error() string {
	return fmt.Sprintf("APS answered %d %s: not ready yet", e.Status, http.StatusText(e.Status))
}

// RedirectError is APS answering with a redirect, which is never
// followed: APS does not redirect its API or token calls, so the base URL
// is wrong or something between this server and APS answers for it, and
// following would carry the credentials off the configured origin.
type RedirectError struct {
	Status   int
	Location string // the redirect's target, resolved against the request's URL
}

// Error reads "APS answered 302 Found with a redirect to https://...".
func (e *RedirectError) Error() string {
	return fmt.Sprintf("APS answered %d %s with a redirect to %s, which was not followed: APS does not redirect, so check the base URL and what sits between this server and APS",
		e.Status, http.StatusText(e.Status), quoteBody([]byte(e.Location)))
}

// AnswerError is a successful answer that is not what the request
// expects (see Request.Check), after Retries retries.
type AnswerError struct {
	Status  int
	Err     error // what is wrong with it
	Retries int
}

// Error reads "APS answered 200 OK, but its answer is cut short: ...".
func (e *AnswerError) Error() string {
	return fmt.Sprintf("APS answered %d %s, but %v", e.Status, http.StatusText(e.Status), e.Err)
}

// Unwrap returns what is wrong with the answer.
func (e *AnswerError) Unwrap() error { return e.Err }

// TooLargeError is an answer over the most one answer may hold once
// decompressed (ClientOptions.MaxAnswerBytes). It is never retried.
type TooLargeError struct{ Limit int }

// Error reads "APS's answer is over 33554432 bytes once decompressed, ...".
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("APS's answer is over %d bytes once decompressed, the most one answer may hold; narrow the request", e.Limit)
}
