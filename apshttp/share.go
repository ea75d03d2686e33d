package apshttp

import (
	"bytes"
	"context"
	"time"
)

// Sharing says how the answer of a request may be shared with other
// callers. A request without one is always sent as it is.
type Sharing struct {
	// Read marks a request that changes nothing in APS: identical reads
	// of one identity in flight at once are sent once, and every caller
	// gets its own copy of the answer. A request without Read is a write,
	// never coalesced nor cached.
	Read bool
	// TTL keeps a read's successful answer that long for the same
	// identity and request; 0 only coalesces.
	TTL time.Duration
	// Keep, when set, says whether a successful answer may be cached at
	// all (a finished Model Derivative manifest, not one in progress).
	Keep func(body []byte) bool
	// Family names the resources the request touches: a cached read
	// belongs to it, and a write's success invalidates what it holds,
	// whoever read it.
	Family string
}

// Sharer shares the answers of reads between callers and forgets them
// after writes; package sharedreads implements it. Share answers req as
// Exchange does; it sends what it must through e.Exchange with a copy of
// req whose Sharing is nil.
type Sharer interface {
	Share(ctx context.Context, e *Exchanger, req *Request, into *bytes.Buffer, tally *Tally) ([]byte, error)
}

// shared reports whether Exchange hands req to the Sharer.
func (e *Exchanger) shared(req *Request) bool { return e.Sharer != nil && req.Sharing != nil }
