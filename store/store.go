// Package store holds the team server's shared state behind one small byte-level
// interface with two backends: an embedded memory store, the default for a single
// process, and Redis (through go-redis/v9) for several replicas.
//
// Callers build typed records on top of it; the store only knows keys, opaque
// values, small string sets and named locks, each with a TTL, and (Pacer, pace.go)
// request slots booked in sliding windows. Values that must stay secret at rest are
// sealed first with a Sealer.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Store is the team server's shared state: client registrations, pending
// authorizations, codes, MCP tokens, per-user APS tokens and consents, as the
// caller encodes them. Every key carries a TTL. Values and sets share one key
// space; locks have a space of their own. All methods are safe for concurrent use,
// and with Redis any replica sees what any other wrote.
type Store interface {
	// Put stores value under key for ttl (at least a millisecond), replacing any value.
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// PutNew stores value only if key is absent; it reports whether it stored it.
	PutNew(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// Get returns the value or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Take returns the value and deletes it in one atomic step: of concurrent Takes
	// of one key (across replicas too) exactly one gets the value, the others
	// ErrNotFound. Single-use codes are consumed with it.
	Take(ctx context.Context, key string) ([]byte, error)
	// Delete removes keys, values or sets; missing keys are not an error.
	Delete(ctx context.Context, keys ...string) error
	// SetAdd adds member to the string set at key and extends the set's ttl to at
	// least ttl; it never shortens it. Sets are for small indexes such as a user's
	// grants.
	SetAdd(ctx context.Context, key, member string, ttl time.Duration) error
	// SetMembers returns the set's members in sorted order; a missing set is empty.
	SetMembers(ctx context.Context, key string) ([]string, error)
	// SetRemove removes members from the set; a set left empty disappears.
	SetRemove(ctx context.Context, key string, members ...string) error
	// Lock takes the named lock, waiting until it is free or ctx ends; an ended ctx
	// fails even for a free lock, so a caller never goes on past its deadline. The
	// lease lasts at most ttl, so a holder that dies cannot block others for longer.
	// unlock releases it only if this holder still owns it; it returns ErrLockLost
	// when the lease ran out first (another holder may have run meanwhile).
	Lock(ctx context.Context, name string, ttl time.Duration) (unlock func(context.Context) error, err error)
	// Ping checks the backend is reachable (for /readyz).
	Ping(ctx context.Context) error
	// Durable reports whether values outlive this process (Redis: true, memory: false).
	Durable() bool
	// Close releases the store's resources; the store is unusable afterwards.
	Close() error
}

var (
	// ErrNotFound is returned for a key that is absent or has expired.
	ErrNotFound = errors.New("store: not found")
	// ErrWrongType is returned when a value operation meets a set or the reverse.
	ErrWrongType = errors.New("store: key holds the other kind of entry (value or set)")
	// ErrLockLost is returned by unlock when the lease expired before it was called.
	ErrLockLost = errors.New("store: lock lease expired before unlock")
	// ErrClosed is returned by a closed memory store.
	ErrClosed = errors.New("store: closed")
)

// Open returns the store a URL names:
//
//   - "" or "memory": a new, empty memory store for this process;
//   - redis://[user:pass@]host:port/db and rediss:// (TLS): a Redis store through
//     go-redis/v9. Query parameters are go-redis's (redis.ParseURL), plus prefix,
//     the namespace every key is put under (default "aps-mcp:"), so that one Redis
//     can serve several deployments, e.g. redis://redis:6379/0?prefix=team-a:.
//
// For Redis, Open checks within ctx that the server answers and supports GETDEL
// (Redis 6.2 or later). Errors say what is wrong and never echo a password.
func Open(ctx context.Context, url string) (Store, error) {
	switch url {
	case "", "memory":
		return NewMemory(), nil
	}
	scheme, _, found := strings.Cut(url, "://")
	if !found {
		return nil, errors.New(`store: URL has no scheme: want "memory", redis:// or rediss://`)
	}
	switch scheme {
	case "redis", "rediss":
		return openRedis(ctx, url)
	}
	return nil, fmt.Errorf(`store: unsupported URL scheme %q: want "memory", redis:// or rediss://`, scheme)
}

// checkTTL rejects a TTL that Redis could not honour (it counts in milliseconds)
// so that both backends refuse the same calls.
func checkTTL(ttl time.Duration) error {
	if ttl < time.Millisecond {
		return fmt.Errorf("store: ttl %v is below the 1ms minimum", ttl)
	}
	return nil
}
