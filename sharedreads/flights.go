package sharedreads

import (
	"context"
	"sync"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// flights are the reads in the air, by key: a caller asking for one
// already sent waits for its answer instead of sending it again.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

// flight is one read sent on behalf of every caller waiting for it. It
// runs on a context of its own, so the caller that started it may go
// away without failing the others; it is cancelled once nobody waits.
type flight struct {
	done    chan struct{}
	body    []byte // the answer, read only once done
	err     error
	tally   apshttp.Tally // what the exchange did, for the caller that started it
	waiters int
	cancel  context.CancelFunc
}

// join returns the flight for key, starting it with send when none is in
// the air, and whether this caller started it. send runs on a context
// that keeps ctx's values (who the call acts for) but not its end.
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
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f := &flight{done: make(chan struct{}), waiters: 1, cancel: cancel}
	fs.m[key] = f
	go func() {
		defer cancel()
		send(fctx, f)
		fs.mu.Lock()
		if fs.m[key] == f {
			delete(fs.m, key)
		}
		fs.mu.Unlock()
		close(f.done)
	}()
	return f, true
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
	}
	return ctx.Err()
}
