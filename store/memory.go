package store

import (
	"context"
	"slices"
	"sync"
	"time"
)

// sweepEvery is how often the memory store drops expired entries; between sweeps
// they are already invisible, so this only bounds memory, not correctness.
const sweepEvery = 30 * time.Second

// Memory is the embedded store for one process: maps behind a mutex. Nothing in it
// outlives the process.
type Memory struct {
	mu      sync.Mutex
	entries map[string]*entry
	locks   map[string]*lease
	paces   map[string]*paced    // Pacer's bookings per key
	holds   map[string]time.Time // Pacer's holds: no booking of the key before
	closed  bool
	stop    chan struct{}
	swept   chan struct{} // closed when the sweeper has exited
}

// entry is a value or a set (exactly one is non-nil) with its expiry.
type entry struct {
	value   []byte
	set     map[string]struct{}
	expires time.Time
}

// lease is one holder's hold on a lock. freed is closed when the lease leaves the
// lock table (released, taken over after expiry, or swept), which wakes waiters.
type lease struct {
	expires time.Time
	freed   chan struct{}
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty memory store whose expired entries are swept every 30
// seconds until Close.
func NewMemory() *Memory {
	return newMemory(sweepEvery)
}

func newMemory(every time.Duration) *Memory {
	m := &Memory{
		entries: map[string]*entry{},
		locks:   map[string]*lease{},
		stop:    make(chan struct{}),
		swept:   make(chan struct{}),
	}
	go m.sweepLoop(every)
	return m
}

func (m *Memory) sweepLoop(every time.Duration) {
	defer close(m.swept)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case now := <-t.C:
			m.sweep(now)
		}
	}
}

// sweep drops entries, leases, pace keys and holds that expired by now.
func (m *Memory) sweep(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, e := range m.entries {
		if !now.Before(e.expires) {
			delete(m.entries, k)
		}
	}
	for name, l := range m.locks {
		if !now.Before(l.expires) {
			m.free(name, l)
		}
	}
	for k, p := range m.paces {
		if !now.Before(p.until) {
			delete(m.paces, k)
		}
	}
	for k, h := range m.holds {
		if !now.Before(h) {
			delete(m.holds, k)
		}
	}
}

// live returns the unexpired entry at key, dropping an expired one. m.mu is held.
func (m *Memory) live(key string, now time.Time) *entry {
	e := m.entries[key]
	if e != nil && !now.Before(e.expires) {
		delete(m.entries, key)
		return nil
	}
	return e
}

// begin locks m.mu for one operation; it fails once the store is closed.
func (m *Memory) begin() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	return nil
}

// Put implements Store.
func (m *Memory) Put(_ context.Context, key string, value []byte, ttl time.Duration) error {
	if err := checkTTL(ttl); err != nil {
		return err
	}
	if err := m.begin(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	m.entries[key] = &entry{value: slices.Clone(value), expires: time.Now().Add(ttl)}
	return nil
}

// PutNew implements Store.
func (m *Memory) PutNew(_ context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := checkTTL(ttl); err != nil {
		return false, err
	}
	if err := m.begin(); err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	now := time.Now()
	if m.live(key, now) != nil {
		return false, nil
	}
	m.entries[key] = &entry{value: slices.Clone(value), expires: now.Add(ttl)}
	return true, nil
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, key string) ([]byte, error) {
	if err := m.begin(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	return valueOf(m.live(key, time.Now()))
}

// Take implements Store.
func (m *Memory) Take(_ context.Context, key string) ([]byte, error) {
	if err := m.begin(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	v, err := valueOf(m.live(key, time.Now()))
	if err == nil {
		delete(m.entries, key)
	}
	return v, err
}

// valueOf returns a copy of e's value, so callers cannot alter what is stored.
func valueOf(e *entry) ([]byte, error) {
	switch {
	case e == nil:
		return nil, ErrNotFound
	case e.set != nil:
		return nil, ErrWrongType
	}
	return slices.Clone(e.value), nil
}

// Delete implements Store.
func (m *Memory) Delete(_ context.Context, keys ...string) error {
	if err := m.begin(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.entries, k)
	}
	return nil
}

// SetAdd implements Store.
func (m *Memory) SetAdd(_ context.Context, key, member string, ttl time.Duration) error {
	if err := checkTTL(ttl); err != nil {
		return err
	}
	if err := m.begin(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	now := time.Now()
	e := m.live(key, now)
	switch {
	case e == nil:
		e = &entry{set: map[string]struct{}{}}
		m.entries[key] = e
	case e.set == nil:
		return ErrWrongType
	}
	e.set[member] = struct{}{}
	if until := now.Add(ttl); until.After(e.expires) {
		e.expires = until
	}
	return nil
}

// SetMembers implements Store.
func (m *Memory) SetMembers(_ context.Context, key string) ([]string, error) {
	if err := m.begin(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	e := m.live(key, time.Now())
	switch {
	case e == nil:
		return []string{}, nil
	case e.set == nil:
		return nil, ErrWrongType
	}
	members := make([]string, 0, len(e.set))
	for s := range e.set {
		members = append(members, s)
	}
	slices.Sort(members)
	return members, nil
}

// SetRemove implements Store.
func (m *Memory) SetRemove(_ context.Context, key string, members ...string) error {
	if err := m.begin(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	e := m.live(key, time.Now())
	switch {
	case e == nil:
		return nil
	case e.set == nil:
		return ErrWrongType
	}
	for _, s := range members {
		delete(e.set, s)
	}
	if len(e.set) == 0 {
		delete(m.entries, key)
	}
	return nil
}

// Ping implements Store; a memory store is reachable until it is closed.
func (m *Memory) Ping(context.Context) error {
	if err := m.begin(); err != nil {
		return err
	}
	m.mu.Unlock()
	return nil
}

// Durable implements Store: memory dies with the process.
func (m *Memory) Durable() bool { return false }

// Close stops the sweeper and empties the store. It is safe to call twice.
func (m *Memory) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.entries = nil
	for name, l := range m.locks {
		m.free(name, l)
	}
	m.mu.Unlock()
	close(m.stop)
	<-m.swept
	return nil
}
