package store

import (
	"context"
	"fmt"
	"time"
)

// Pacer books request slots in sliding windows, so that callers sharing a key
// (across replicas, with Redis) together keep at most limit events in any span of
// window. Both backends implement it: the memory store for one process, Redis for
// every replica on it, on the Redis server's clock.
//
// Slots are booked in order, each at the later of now and the slot limit places
// earlier plus window: so the booked times never decrease, and any limit+1 of them
// in a row span at least window, which is the promise. Times at or before
// now-window can no longer push a booking back and are dropped.
type Pacer interface {
	// Reserve books the earliest moment from now at which one more event under key
	// keeps at most limit events in every span of window, and returns how long
	// until then. When that moment is more than maxWait away nothing is booked and
	// ok is false; wait still says how far away it is. A booked slot is spent
	// whether or not the caller goes on to use it.
	Reserve(ctx context.Context, key string, limit int, window, maxWait time.Duration) (wait time.Duration, ok bool, err error)
	// Hold books no slot of key before d from now: a Reserve made meanwhile
	// gets its slot at the end of the hold or later. It is how a 429 with
	// Retry-After reaches every caller sharing the key, not only the one it
	// answered. A hold ending sooner than one in place changes nothing.
	Hold(ctx context.Context, key string, d time.Duration) error
}

var (
	_ Pacer = (*Memory)(nil)
	_ Pacer = (*redisStore)(nil)
)

// checkPace rejects bookings neither backend can honour.
func checkPace(limit int, window time.Duration) error {
	if limit < 1 {
		return fmt.Errorf("store: pace limit %d is below 1", limit)
	}
	if window < time.Millisecond {
		return fmt.Errorf("store: pace window %v is below the 1ms minimum", window)
	}
	return nil
}
