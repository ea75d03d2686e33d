package sharedreads

import (
	"bytes"
	"context"
	"net/http"
	"sync"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// flights are the reads in the air, by key: a caller asking for one
// already sent waits for its answer instead of sending it again.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
	// bodies are what flights read answers into. A listing's pages are
	// each a flight, and a buffer grown afresh for every page cost more
	// than the copy each caller takes of it.
	bodies apshttp.BufferPool
}

// flight is one read sent on behalf of every caller waiting for it. It
// runs on a context of its own, so the caller that started it may go
// away without failing the others; it is cancelled once nobody waits.
type flight struct {
	done  chan struct{}
	body  []byte // the answer, read only once done
	err   error
	tally apshttp.Tally // what the exchange did, for the caller that started it
	kept  http.Header   // the answer's headers its request asked to keep (Request.Kept)
	// buf holds body. It goes back to the pool once the exchange is over
	// (landed) and every caller waiting has copied body or left (waiters
	// is 0); nil when it never does: the cache keeps body, or an error
	// might quote it.
	buf     *bytes.Buffer
	landed  bool
	waiters int
	cancel  context.CancelFunc
}

// join returns the flight for key, starting it with send when none is in
// the air, and whether this caller started it. send runs on a context
// that keeps ctx's values (who the call acts for) and its deadline, but
// not its cancellation: the starter leaving does not fail the others, and
// a budget's wait is still bounded by the call's time (apshttp.Pacing). A
// caller that joins with a later deadline shares the starter's.
func (fs *flights) join(ctx context.Context, key string, send func(context.Context, *flight)) (*flight, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f, ok := fs.m[key]; ok {
		f.waiters++
		return f, false
	}
	if fs.m == nil {
		fs.m = make(map[string]*flight)
	}
	fctx, cancel := flightContext(ctx)
	f := &flight{done: make(chan struct{}), waiters: 1, cancel: cancel}
	fs.m[key] = f
	go func() {
		defer cancel()
		send(fctx, f)
		fs.mu.Lock()
		if fs.m[key] == f {
			delete(fs.m, key)
		}
		f.landed = true
		fs.recycleLocked(f)
		fs.mu.Unlock()
		close(f.done)
	}()
	return f, true
}

// buffer is what f's exchange reads its answer into, from the pool.
func (fs *flights) buffer(f *flight) *bytes.Buffer {
	f.buf = fs.bodies.Get()
	return f.buf
}

// keep marks f's answer as kept beyond the flight (an error may quote
// it): its buffer never goes back to the pool.
func (fs *flights) keep(f *flight) { f.buf = nil }

// take hands f's answer to into, the buffer of the caller that started f,
// when nobody else will read it (no other caller waits, and it is not
// kept): the two buffers trade places, and the pool gets into's. It
// reports false when the answer is to be copied instead.
func (fs *flights) take(f *flight, into *bytes.Buffer) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if !f.landed || f.waiters != 1 || f.buf == nil {
		return false
	}
	*into, *f.buf = *f.buf, *into
	f.buf.Reset()
	fs.bodies.Put(f.buf)
	f.buf, f.body = nil, nil
	return true
}

// copied tells f that a caller whose wait succeeded is done with its
// body.
func (fs *flights) copied(f *flight) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f.waiters--
	fs.recycleLocked(f)
}

// recycleLocked gives f's buffer back once nobody can read it any more.
// fs.mu must be held.
func (fs *flights) recycleLocked(f *flight) {
	if f.landed && f.waiters == 0 && f.buf != nil {
		f.buf.Reset()
		fs.bodies.Put(f.buf)
		f.buf, f.body = nil, nil
	}
}

// wait waits for f or for ctx to end; a caller that leaves cancels the
// flight only when it was the last one waiting, and a later caller then
// starts a new one.
func (fs *flights) wait(ctx context.Context, key string, f *flight) error {
	select {
	case <-f.done:
		return nil
	case <-ctx.Done():
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f.waiters--; f.waiters == 0 {
		if fs.m[key] == f {
			delete(fs.m, key)
		}
		f.cancel()
		fs.recycleLocked(f)
	}
	return ctx.Err()
}

// flightContext is ctx's values and deadline, cancelled by its cancel
// alone.
func flightContext(ctx context.Context) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(base, deadline)
	}
	return context.WithCancel(base)
}
