package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisStore keeps the state in Redis so every replica shares it. Values and sets
// live at <prefix>k:<key> and locks at <prefix>lock:<name>, so the two spaces
// cannot collide whatever keys callers choose.
type redisStore struct {
	c      *redis.Client
	prefix string
	where  string
}

var _ Store = (*redisStore)(nil)

// setAddScript adds a member and lengthens, never shortens, the set's TTL; PEXPIRE
// GT would need Redis 7, the script works from 6.2 like GETDEL.
var setAddScript = redis.NewScript(`
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1`)

func openRedis(ctx context.Context, raw string) (Store, error) {
	u, err := parseRedisURL(raw)
	if err != nil {
		return nil, err
	}
	r := &redisStore{c: redis.NewClient(u.opts), prefix: u.prefix, where: u.where}
	if err := r.Ping(ctx); err != nil {
		_ = r.c.Close()
		return nil, err
	}
	// Take depends on GETDEL; find out now rather than at the first sign-in.
	if err := r.c.GetDel(ctx, r.prefix+"probe").Err(); err != nil && !errors.Is(err, redis.Nil) {
		_ = r.c.Close()
		return nil, fmt.Errorf("store: Redis at %s does not run GETDEL (Redis 6.2 or later is needed): %w", r.where, err)
	}
	return r, nil
}

func (r *redisStore) key(k string) string { return r.prefix + "k:" + k }

// fail gives a Redis error the store's meaning and the operation's context.
func (r *redisStore) fail(op string, err error) error {
	switch {
	case errors.Is(err, redis.Nil):
		return ErrNotFound
	case err != nil && strings.Contains(err.Error(), "WRONGTYPE"):
		return ErrWrongType
	case err != nil:
		return fmt.Errorf("store: Redis %s at %s: %w", op, r.where, err)
	}
	return nil
}

// Put implements Store with SET PX.
func (r *redisStore) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := checkTTL(ttl); err != nil {
		return err
	}
	return r.fail("SET", r.c.Set(ctx, r.key(key), value, ttl).Err())
}

// PutNew implements Store with SET NX PX.
func (r *redisStore) PutNew(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := checkTTL(ttl); err != nil {
		return false, err
	}
	ok, err := r.c.SetNX(ctx, r.key(key), value, ttl).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	return ok, r.fail("SET NX", err)
}

// Get implements Store.
func (r *redisStore) Get(ctx context.Context, key string) ([]byte, error) {
	v, err := r.c.Get(ctx, r.key(key)).Bytes()
	return v, r.fail("GET", err)
}

// Take implements Store with GETDEL, which Redis runs atomically.
func (r *redisStore) Take(ctx context.Context, key string) ([]byte, error) {
	v, err := r.c.GetDel(ctx, r.key(key)).Bytes()
	return v, r.fail("GETDEL", err)
}

// Delete implements Store.
func (r *redisStore) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.key(k)
	}
	return r.fail("DEL", r.c.Del(ctx, full...).Err())
}

// SetAdd implements Store.
func (r *redisStore) SetAdd(ctx context.Context, key, member string, ttl time.Duration) error {
	if err := checkTTL(ttl); err != nil {
		return err
	}
	err := setAddScript.Run(ctx, r.c, []string{r.key(key)}, member, ttl.Milliseconds()).Err()
	return r.fail("SADD", err)
}

// SetMembers implements Store.
func (r *redisStore) SetMembers(ctx context.Context, key string) ([]string, error) {
	members, err := r.c.SMembers(ctx, r.key(key)).Result()
	if err != nil {
		return nil, r.fail("SMEMBERS", err)
	}
	slices.Sort(members)
	return members, nil
}

// SetRemove implements Store; Redis deletes a set when its last member goes.
func (r *redisStore) SetRemove(ctx context.Context, key string, members ...string) error {
	if len(members) == 0 {
		return nil
	}
	args := make([]any, len(members))
	for i, m := range members {
		args[i] = m
	}
	return r.fail("SREM", r.c.SRem(ctx, r.key(key), args...).Err())
}

// Ping implements Store.
func (r *redisStore) Ping(ctx context.Context) error {
	return r.fail("PING", r.c.Ping(ctx).Err())
}

// Durable implements Store: Redis outlives every replica.
func (r *redisStore) Durable() bool { return true }

// Close implements Store.
func (r *redisStore) Close() error {
	return r.fail("close", r.c.Close())
}
