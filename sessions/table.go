// Package sessions bounds the MCP sessions a server keeps state for.
// mcp-go keeps about 12 KiB per session it issued until the client sends
// DELETE, which many clients never do; a Table is the session id manager
// mcp-go asks about every session, and it ends sessions that have been
// idle too long and, past a cap, the longest idle first, so memory stays
// bounded whatever clients do.
//
// A Table accepts any well-formed session id, also one it never issued:
// behind a round-robin balancer another replica issued it, and mcp-go
// serves it with a session that lives for one request. Only the ids it
// issued and ended are refused (404, as the MCP spec asks of a terminated
// session, so the client starts a new one), as far as it remembers them.
package sessions

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// Limits bound the sessions of one MCP endpoint.
type Limits struct {
	// Idle ends a session no request has used for this long; 0 never does.
	Idle time.Duration
	// Max is how many sessions are kept at most; past it the longest idle
	// is ended. 0 means no cap.
	Max int
}

// Table is an mcp-go SessionIdManager that tracks the sessions it issued.
// It is safe for concurrent use.
type Table struct {
	now func() time.Time
	ids server.StatelessGeneratingSessionIdManager

	mu     sync.Mutex
	end    func(id string) // releases what the transport holds for id
	limits Limits
	byID   map[string]*list.Element // of *entry
	lru    *list.List               // front: most recently used
	ended  tombstones
}

type entry struct {
	id    string
	last  time.Time
	holds int // open streams: a held session is not idle
}

var _ server.SessionIdManager = (*Table)(nil)

// New returns a table with limits. Until Attach, ending a session only
// forgets it.
func New(limits Limits) *Table {
	return &Table{end: func(string) {}, now: time.Now, limits: limits, byID: map[string]*list.Element{}, lru: list.New()}
}

// Generate implements server.SessionIdManager: a new session, which may
// push the longest idle one out.
func (t *Table) Generate() string {
	id := t.ids.Generate()
	t.mu.Lock()
	t.byID[id] = t.lru.PushFront(&entry{id: id, last: t.now()})
	over := t.overCapLocked()
	t.mu.Unlock()
	t.endAll(over)
	return id
}

// Validate implements server.SessionIdManager: a well-formed id is valid
// unless this table ended it; using a session keeps it alive.
func (t *Table) Validate(id string) (isTerminated bool, err error) {
	if _, err := t.ids.Validate(id); err != nil {
		return false, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended.has(id) {
		return true, nil
	}
	if el, ok := t.byID[id]; ok {
		el.Value.(*entry).last = t.now()
		t.lru.MoveToFront(el)
	}
	return false, nil
}

// Terminate implements server.SessionIdManager: the client (or mcp-go)
// ended the session; mcp-go drops its state itself.
func (t *Table) Terminate(id string) (isNotAllowed bool, err error) {
	t.mu.Lock()
	t.removeLocked(id)
	t.mu.Unlock()
	return false, nil
}

// Hold marks the session as in use until release is called: an open
// stream (a GET listening for notifications) is activity even when no
// request comes. Unknown ids are ignored.
func (t *Table) Hold(id string) (release func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	el, ok := t.byID[id]
	if !ok {
		return func() {}
	}
	e := el.Value.(*entry)
	e.holds++
	return sync.OnceFunc(func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		e.holds--
		if el, ok := t.byID[e.id]; ok && el.Value == e {
			e.last = t.now()
			t.lru.MoveToFront(el)
		}
	})
}

// SetLimits changes the limits (a reload); a lower cap ends sessions at
// once.
func (t *Table) SetLimits(l Limits) {
	t.mu.Lock()
	t.limits = l
	over := t.overCapLocked()
	t.mu.Unlock()
	t.endAll(over)
}

// Len is how many sessions the table keeps.
func (t *Table) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.byID)
}

// Sweep ends every session idle for longer than the idle limit, except
// those held by an open stream.
func (t *Table) Sweep() {
	t.mu.Lock()
	var idle []string
	if t.limits.Idle > 0 {
		cutoff := t.now().Add(-t.limits.Idle)
		for el := t.lru.Back(); el != nil; {
			e := el.Value.(*entry)
			if !e.last.Before(cutoff) {
				break // the rest were used more recently
			}
			el = el.Prev()
			if e.holds == 0 {
				idle = append(idle, e.id)
				t.removeLocked(e.id)
			}
		}
	}
	t.mu.Unlock()
	t.endAll(idle)
}

// Run sweeps until ctx ends, often enough that a session outlives its
// idle limit by a tenth of it at most (and by a minute at most).
func (t *Table) Run(ctx context.Context) {
	for {
		t.mu.Lock()
		every := min(max(t.limits.Idle/10, 10*time.Millisecond), time.Minute)
		t.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
			t.Sweep()
		}
	}
}

// overCapLocked removes sessions past the cap, the longest idle first and
// those held by a stream last, and returns their ids.
func (t *Table) overCapLocked() []string {
	if t.limits.Max <= 0 {
		return nil
	}
	var over []string
	for pass := 0; pass < 2 && len(t.byID) > t.limits.Max; pass++ {
		for el := t.lru.Back(); el != nil && len(t.byID) > t.limits.Max; {
			e := el.Value.(*entry)
			el = el.Prev()
			if e.holds == 0 || pass == 1 {
				over = append(over, e.id)
				t.removeLocked(e.id)
			}
		}
	}
	return over
}

// removeLocked forgets a session and remembers that it ended.
func (t *Table) removeLocked(id string) {
	if el, ok := t.byID[id]; ok {
		t.lru.Remove(el)
		delete(t.byID, id)
	}
	t.ended.add(id, max(t.limits.Max, minRemembered))
}

// endAll tells the transport, outside the lock: ending a session goes back
// through mcp-go, which calls Terminate.
func (t *Table) endAll(ids []string) {
	if len(ids) == 0 {
		return
	}
	t.mu.Lock()
	end := t.end
	t.mu.Unlock()
	for _, id := range ids {
		end(id)
	}
}
