package sharedreads

import (
	"container/list"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/aps-mcp/aps-mcp/store"
)

// genTTL is how long a family's generation lives: longer than any answer
// kept under the generation before it, so that one coming back to the
// start can find nothing stale.
const genTTL = MaxTTL + time.Hour

// storeCache keeps answers in the team store (Redis), so that every
// replica shares them. Each answer lives under its family's generation,
// which a write replaces: what was kept before it is out of reach at once,
// on every replica, and expires by its TTL. Answers are sealed when the
// store seals, bound to their key.
//
// Redis's own memory bound is its operator's. What this cache bounds is
// what each replica writes: every answer at most an eighth of the bound,
// and the answers a replica wrote that are still alive at most the bound,
// the oldest deleted first to make room. So Redis holds at most the
// bound times the replicas.
type storeCache struct {
	st   store.Store
	seal *store.Sealer // nil keeps answers as they are
	max  int
	now  func() time.Time
	log  *slog.Logger

	mu      sync.Mutex
	used    int
	written list.List // of *writtenEntry, oldest first
}

// writtenEntry is an answer this replica wrote to the store.
type writtenEntry struct {
	key, family string
	size        int
	expires     time.Time
}

func (c *storeCache) lookup(ctx context.Context, key, family string) ([]byte, ticket, bool) {
	gen := "0"
	if family != "" {
		switch v, err := c.st.Get(ctx, genStoreKey(family)); {
		case err == nil:
			gen = string(v)
		case !errors.Is(err, store.ErrNotFound):
			c.log.Debug("read cache: the store did not answer", "error", err)
			return nil, ticket{}, false // nor would it keep an answer
		}
	}
	sum := sha256.Sum256([]byte(key + "\x00" + gen))
	t := ticket{key: "cache:" + hex.EncodeToString(sum[:]), family: family}
	v, err := c.st.Get(ctx, t.key)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			c.log.Debug("read cache: the store did not answer", "error", err)
		}
		return nil, t, false
	}
	if c.seal == nil {
		return v, t, true
	}
	plain, err := c.seal.Open(v, []byte(t.key))
	if err != nil {
		c.log.Warn("read cache: a cached answer does not open; APS is asked instead", "error", err)
		return nil, t, false
	}
	return plain, t, true
}

func (c *storeCache) keep(ctx context.Context, t ticket, body []byte, ttl time.Duration) {
	if t.key == "" {
		return
	}
	value := body
	if c.seal != nil {
		value = c.seal.Seal(body, []byte(t.key))
	}
	w := &writtenEntry{key: t.key, family: t.family, size: len(t.key) + len(value) + entryOverhead, expires: c.now().Add(ttl)}
	if w.size > c.max/entryShare {
		return
	}
	if err := c.st.Put(ctx, t.key, value, ttl); err != nil {
		c.log.Debug("read cache: the store did not keep an answer", "error", err)
		return
	}
	c.mu.Lock()
	c.written.PushBack(w)
	c.used += w.size
	var evict []string
	if c.used > c.max {
		c.forget(func(w *writtenEntry) bool { return !c.now().Before(w.expires) })
		for c.used > c.max {
			evict = append(evict, c.drop(c.written.Front()))
		}
	}
	c.mu.Unlock()
	if len(evict) > 0 {
		_ = c.st.Delete(ctx, evict...) // what fails to go expires by its TTL
	}
}

// invalidate starts the family's next generation, and deletes what this
// replica kept of it (the other replicas' answers expire unreachable).
func (c *storeCache) invalidate(ctx context.Context, family string) error {
	gen := make([]byte, 16)
	_, _ = rand.Read(gen) // crypto/rand.Read never fails
	if err := c.st.Put(ctx, genStoreKey(family), []byte(hex.EncodeToString(gen)), genTTL); err != nil {
		return err
	}
	c.mu.Lock()
	keys := c.forget(func(w *writtenEntry) bool { return w.family == family })
	c.mu.Unlock()
	if len(keys) > 0 {
		_ = c.st.Delete(ctx, keys...)
	}
	return nil
}

// forget drops the entries gone matches from the ledger and returns
// their keys; c.mu is held.
func (c *storeCache) forget(gone func(*writtenEntry) bool) []string {
	var keys []string
	for el := c.written.Front(); el != nil; {
		next := el.Next()
		if gone(el.Value.(*writtenEntry)) {
			keys = append(keys, c.drop(el))
		}
		el = next
	}
	return keys
}

// drop removes el from the ledger and returns its key; c.mu is held.
func (c *storeCache) drop(el *list.Element) string {
	w := c.written.Remove(el).(*writtenEntry)
	c.used -= w.size
	return w.key
}

func genStoreKey(family string) string { return "cache-gen:" + familyKey(family) }
