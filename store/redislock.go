package store

import (
	"context"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"
)

// Waiting for a Redis lock polls with jittered exponential backoff between these
// bounds: the first retry is quick for short critical sections, and the cap keeps a
// waiter from oversleeping a release by much while sparing Redis.
const (
	lockFirstWait = 5 * time.Millisecond
	lockMaxWait   = 100 * time.Millisecond
)

// acquireScript is SET NX PX that also succeeds when the lock already holds this
// caller's token, so a retried command whose first reply was lost does not leave
// the caller waiting on its own lease.
var acquireScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then return 1 end
if v then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`)

// releaseScript deletes the lock only if it still holds the caller's token, so a
// holder whose lease ran out cannot release its successor's lock.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

// Lock implements Store with a token-owned key and a compare-and-delete release.
func (r *redisStore) Lock(ctx context.Context, name string, ttl time.Duration) (func(context.Context) error, error) {
	if err := checkTTL(ttl); err != nil {
		return nil, err
	}
	key := r.prefix + "lock:" + name
	token := rand.Text()
	wait := lockFirstWait
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("store: waiting for lock %q: %w", name, err)
		}
		got, err := acquireScript.Run(ctx, r.c, []string{key}, token, ttl.Milliseconds()).Bool()
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("store: waiting for lock %q: %w", name, ctx.Err())
			}
			return nil, r.fail("lock", err)
		}
		if got {
			return func(ctx context.Context) error { return r.unlock(ctx, key, token) }, nil
		}
		pause := time.NewTimer(wait/2 + mrand.N(wait/2+1))
		select {
		case <-ctx.Done():
		case <-pause.C:
		}
		pause.Stop()
		wait = min(2*wait, lockMaxWait)
	}
}

func (r *redisStore) unlock(ctx context.Context, key, token string) error {
	released, err := releaseScript.Run(ctx, r.c, []string{key}, token).Bool()
	if err != nil {
		return r.fail("unlock", err)
	}
	if !released {
		return ErrLockLost
	}
	return nil
}
