package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// reserveScript books a slot in the sorted set KEYS[1], scores in microseconds
// of the Redis server's clock, so replicas with skewed clocks still agree, no
// earlier than the hold in KEYS[2] (holdScript's). ARGV: limit, window µs,
// maxWait µs, a unique member. It returns {booked (0 or 1), wait µs}. Redis 5
// and later replicate a script's effects, which lets it read TIME.
var reserveScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit, window, maxwait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
local at = now
if n >= limit then
  local e = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
  at = math.max(now, tonumber(e[2]) + window)
end
local held = redis.call('GET', KEYS[2])
if held then
  at = math.max(at, tonumber(held))
end
if at - now > maxwait then
  return {0, at - now}
end
redis.call('ZADD', KEYS[1], at, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil((at - now + window) / 1000) + 1)
return {1, at - now}`)

// errUnexpectedReply is a script reply of the wrong shape.
var errUnexpectedReply = errors.New("unexpected reply")

// Reserve implements Pacer with one script on a sorted set under the value key
// space (so it expires like any value once no booking is in its window).
func (r *redisStore) Reserve(ctx context.Context, key string, limit int, window, maxWait time.Duration) (time.Duration, bool, error) {
	if err := checkPace(limit, window); err != nil {
		return 0, false, err
	}
	member := make([]byte, 8)
	_, _ = rand.Read(member) // crypto/rand.Read never fails
	res, err := reserveScript.Run(ctx, r.c, []string{r.key(key), r.key(key + holdSuffix)},
		limit, window.Microseconds(), max(maxWait, 0).Microseconds(), hex.EncodeToString(member)).Int64Slice()
	if err != nil {
		return 0, false, r.fail("pace script", err)
	}
	if len(res) != 2 {
		return 0, false, r.fail("pace script", errUnexpectedReply)
	}
	return time.Duration(res[1]) * time.Microsecond, res[0] == 1, nil
}

// holdSuffix names the key beside a pace key that holds its bookings.
const holdSuffix = ":hold"

// holdScript sets the hold KEYS[1] to the Redis server's now plus ARGV[1] µs,
// unless it already ends later, expiring with it.
var holdScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local d = tonumber(ARGV[1])
local held = redis.call('GET', KEYS[1])
if held and tonumber(held) >= now + d then
  return 0
end
redis.call('SET', KEYS[1], string.format('%d', now + d), 'PX', math.ceil(d / 1000) + 1)
return 1`)

// Hold implements Pacer.
func (r *redisStore) Hold(ctx context.Context, key string, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	if err := holdScript.Run(ctx, r.c, []string{r.key(key + holdSuffix)}, d.Microseconds()).Err(); err != nil {
		return r.fail("pace hold script", err)
	}
	return nil
}
