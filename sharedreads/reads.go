// Package sharedreads lets tool calls share what they read from APS.
// Identical reads of one identity in flight at once go to APS once, and
// every caller gets its own copy of the answer; the reads a tool declares
// cacheable (tools.yaml cache) are kept for a while, bounded by bytes, in
// process or, on a team server with a Redis store, in Redis for every
// replica; a write's success forgets what its family held.
//
// The identity is the subject of the APS token (subject.go): the
// application for 2lo, the person for 3lo and a team server's users, the
// service account for ssa, with the token's scopes. Keys are hashes of
// the identity and the whole request (key.go); no token, query or body
// is kept in clear. Reads implements apshttp.Sharer: the one place where
// answers are shared.
package sharedreads

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/store"
)

// MaxTTL is the longest a read's answer may be kept.
const MaxTTL = 24 * time.Hour

// Options configure Reads; the zero value coalesces and caches nothing.
type Options struct {
	// MaxBytes bounds what the cache holds; 0 or less turns the cache
	// off (identical reads in flight are still sent once).
	MaxBytes int
	// Store, when set, holds the cache instead of this process: a team
	// server's Redis store, shared by every replica. Sealer, when set,
	// seals each answer in it.
	Store  store.Store
	Sealer *store.Sealer
	Logger *slog.Logger
	Now    func() time.Time // the clock of TTLs; nil for time.Now
}

// Reads shares APS reads between calls. It is safe for concurrent use.
type Reads struct {
	flights  flights
	subjects subjects
	cache    cache // nil: no cache
	mem      *memoryCache
	log      *slog.Logger
	// epoch counts this process's invalidations: a read asked for after a
	// write never joins one sent before it.
	epoch atomic.Uint64
}

var _ apshttp.Sharer = (*Reads)(nil)

// New returns Reads as o says.
func New(o Options) *Reads {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	r := &Reads{log: o.Logger}
	switch {
	case o.MaxBytes <= 0:
	case o.Store != nil:
		r.cache = &storeCache{st: o.Store, seal: o.Sealer, max: o.MaxBytes, now: o.Now, log: o.Logger}
	default:
		r.mem = newMemoryCache(o.MaxBytes, o.Now)
		r.cache = r.mem
	}
	return r
}

// Share implements apshttp.Sharer. A write is sent as it is, and once it
// succeeds its family is invalidated. A read is answered from the cache
// when its tool keeps answers and one is there, else from the flight of
// the same read when one is in the air, else it starts that flight.
func (r *Reads) Share(ctx context.Context, e *apshttp.Exchanger, req *apshttp.Request, into *bytes.Buffer, tally *apshttp.Tally) ([]byte, error) {
	sh, inner := req.Sharing, *req
	inner.Sharing = nil
	if !sh.Read {
		body, err := e.Exchange(ctx, &inner, into, tally)
		req.Kept = inner.Kept
		if err == nil && sh.Family != "" {
			r.Invalidate(ctx, sh.Family)
		}
		return body, err
	}
	token, err := e.Auth.Token(ctx)
	if err != nil {
		return e.Exchange(ctx, &inner, into, tally) // which says why there is no token
	}
	key := requestKey(r.subjects.of(token), &inner)
	var t ticket
	cached := r.cache != nil && sh.TTL > 0
	if cached {
		var body []byte
		var hit bool
		if body, t, hit = r.cache.lookup(ctx, key, sh.Family); hit {
			tally.Shared++
			return deliver(req, body, into)
		}
	}
	flightKey := key + ":" + strconv.FormatUint(r.epoch.Load(), 10)
	f, started := r.flights.join(ctx, flightKey, func(fctx context.Context, f *flight) {
		f.tally.CallID = tally.CallID
		f.body, f.err = e.Exchange(fctx, &inner, r.flights.buffer(f), &f.tally)
		f.kept = inner.Kept
		switch {
		case f.err != nil:
			r.flights.keep(f)
		case cached && (sh.Keep == nil || sh.Keep(f.body)):
			r.cache.keep(fctx, t, f.body, sh.TTL) // keeps a copy: the buffer goes back to the pool
		}
	})
	if err := r.flights.wait(ctx, flightKey, f); err != nil {
		return nil, &apshttp.TransportError{Err: err}
	}
	defer r.flights.copied(f) // once the answer is in into
	if started {
		tally.Add(&f.tally)
	} else {
		tally.Shared++
	}
	if f.err != nil {
		return nil, f.err
	}
	req.Kept = f.kept // every caller's, read only
	if started {
		if !r.flights.take(f, into) {
			into.Reset()
			into.Write(f.body)
		}
		return into.Bytes(), nil // checked by the exchange itself
	}
	return deliver(req, f.body, into)
}

// deliver copies a shared answer into the caller's buffer, checked as
// the caller's own request would check it.
func deliver(req *apshttp.Request, body []byte, into *bytes.Buffer) ([]byte, error) {
	into.Reset()
	into.Write(body)
	if req.Check != nil {
		if bad := req.Check(into.Bytes()); bad != nil {
			return nil, &apshttp.AnswerError{Status: http.StatusOK, Err: bad}
		}
	}
	return into.Bytes(), nil
}

// Invalidate forgets what family holds for every identity, after a write
// to it succeeded. A store that fails to hear it is logged: its answers
// then live out their TTL.
func (r *Reads) Invalidate(ctx context.Context, family string) {
	r.epoch.Add(1)
	if r.cache == nil {
		return
	}
	if err := r.cache.invalidate(context.WithoutCancel(ctx), family); err != nil {
		r.log.Warn("read cache: a write's family could not be invalidated; its cached answers live out their TTL",
			"family", family, "error", err)
	}
}

// CachedBytes is what the in-process cache holds now, bookkeeping
// included; 0 for a cache in the store or none.
func (r *Reads) CachedBytes() int {
	if r.mem == nil {
		return 0
	}
	return r.mem.bytes()
}
