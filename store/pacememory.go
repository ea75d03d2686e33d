package store

import (
	"context"
	"time"
)

// Reserve implements Pacer. The booked times of a key live beside the values;
// they are pruned on each booking of the key, so a key takes at most limit
// times' room.
func (m *Memory) Reserve(_ context.Context, key string, limit int, window, maxWait time.Duration) (time.Duration, bool, error) {
	if err := checkPace(limit, window); err != nil {
		return 0, false, err
	}
	if err := m.begin(); err != nil {
		return 0, false, err
	}
	defer m.mu.Unlock()
	if m.paces == nil {
		m.paces = map[string][]time.Time{}
	}
	now := time.Now()
	booked := m.paces[key]
	drop := 0
	for drop < len(booked) && !booked[drop].After(now.Add(-window)) {
		drop++
	}
	booked = booked[drop:]
	at := now
	if n := len(booked); n >= limit {
		at = later(now, booked[n-limit].Add(window))
	}
	if h, held := m.holds[key]; held && h.After(now) {
		at = later(at, h) // still in order: a hold only moves bookings later
	} else if held {
		delete(m.holds, key)
	}
	wait := at.Sub(now)
	if wait > max(maxWait, 0) {
		m.paces[key] = booked
		return wait, false, nil
	}
	m.paces[key] = append(booked, at)
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
