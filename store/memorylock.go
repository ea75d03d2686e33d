package store

import (
	"context"
	"fmt"
	"time"
)

// Lock implements Store. A waiter sleeps until the holder's lease leaves the table
// (unlock, or takeover after expiry) or its expiry passes, never polling.
func (m *Memory) Lock(ctx context.Context, name string, ttl time.Duration) (func(context.Context) error, error) {
	if err := checkTTL(ttl); err != nil {
		return nil, err
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("store: waiting for lock %q: %w", name, err)
		}
		l, held, err := m.tryLock(name, ttl)
		if err != nil {
			return nil, err
		}
		if l != nil {
			return func(context.Context) error { return m.unlock(name, l) }, nil
		}
		wait := time.NewTimer(time.Until(held.expires))
		select {
		case <-held.freed:
		case <-wait.C:
		case <-ctx.Done():
		}
		wait.Stop()
	}
}

// tryLock takes the lock if it is free or its lease has expired; otherwise it
// returns the live lease to wait on.
func (m *Memory) tryLock(name string, ttl time.Duration) (mine, held *lease, err error) {
	if err := m.begin(); err != nil {
		return nil, nil, err
	}
	defer m.mu.Unlock()
	now := time.Now()
	if cur := m.locks[name]; cur != nil {
		if now.Before(cur.expires) {
			return nil, cur, nil
		}
		m.free(name, cur)
	}
	l := &lease{expires: now.Add(ttl), freed: make(chan struct{})}
	m.locks[name] = l
	return l, nil, nil
}

// unlock releases l if it is still the lock's lease and has not expired.
func (m *Memory) unlock(name string, l *lease) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.locks[name] != l {
		return ErrLockLost
	}
	m.free(name, l)
	if !time.Now().Before(l.expires) {
		return ErrLockLost
	}
	return nil
}

// free removes lease l from the lock table and wakes its waiters. m.mu is held.
func (m *Memory) free(name string, l *lease) {
	delete(m.locks, name)
	close(l.freed)
}
