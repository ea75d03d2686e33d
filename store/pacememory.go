package store

import (
	"context"
	"time"
)

// paced is the booked times of one key, oldest first, and when the last of
// them stops counting: after that the sweep may drop the key.
type paced struct {
	booked []time.Time
	until  time.Time
}

// Reserve implements Pacer. The booked times of a key live beside the values;
// they are pruned on each booking of the key, so a key takes at most limit
// times' room, and the sweep drops a key whose bookings all stopped counting.
func (m *Memory) Reserve(_ context.Context, key string, limit int, window, maxWait time.Duration) (time.Duration, bool, error) {
	if err := checkPace(limit, window); err != nil {
		return 0, false, err
	}
	if err := m.begin(); err != nil {
		return 0, false, err
	}
	defer m.mu.Unlock()
	if m.paces == nil {
		m.paces = map[string]*paced{}
	}
	now := time.Now()
	p := m.paces[key]
	if p == nil {
		p = &paced{}
		m.paces[key] = p
	}
	drop := 0
	for drop < len(p.booked) && !p.booked[drop].After(now.Add(-window)) {
		drop++
	}
	p.booked = p.booked[drop:]
	at := now
	if n := len(p.booked); n >= limit {
		at = later(now, p.booked[n-limit].Add(window))
	}
	if h, held := m.holds[key]; held && h.After(now) {
		at = later(at, h) // still in order: a hold only moves bookings later
	}
	wait := at.Sub(now)
	if wait > max(maxWait, 0) {
		return wait, false, nil
	}
	p.booked = append(p.booked, at)
	p.until = at.Add(window)
	return wait, true, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Hold implements Pacer.
func (m *Memory) Hold(_ context.Context, key string, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	if err := m.begin(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if m.holds == nil {
		m.holds = map[string]time.Time{}
	}
	m.holds[key] = later(m.holds[key], time.Now().Add(d))
	return nil
}
