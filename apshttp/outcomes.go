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
