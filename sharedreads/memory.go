package sharedreads

import (
	"bytes"
	"container/list"
	"context"
	"sync"
	"time"
)

// memoryCache is the in-process cache: least recently used answers go
// first once the bytes they hold pass the bound.
type memoryCache struct {
	max int
	now func() time.Time

	mu      sync.Mutex
	used    int
	order   list.List // of *memoryEntry, most recently used first
	entries map[string]*list.Element
	epoch   uint64 // invalidations so far
}

type memoryEntry struct {
	key, family string
	body        []byte
	expires     time.Time
}

func (e *memoryEntry) size() int { return len(e.key) + len(e.family) + len(e.body) + entryOverhead }

func newMemoryCache(maxBytes int, now func() time.Time) *memoryCache {
	return &memoryCache{max: maxBytes, now: now, entries: make(map[string]*list.Element)}
}

func (c *memoryCache) lookup(_ context.Context, key, family string) ([]byte, ticket, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := ticket{key: key, family: family, epoch: c.epoch}
	el, ok := c.entries[key]
	if !ok {
		return nil, t, false
	}
	e := el.Value.(*memoryEntry)
	if !c.now().Before(e.expires) {
		c.remove(el)
		return nil, t, false
	}
	c.order.MoveToFront(el)
	return e.body, t, true
}

func (c *memoryCache) keep(_ context.Context, t ticket, body []byte, ttl time.Duration) {
	e := &memoryEntry{key: t.key, family: t.family, body: body, expires: c.now().Add(ttl)}
	if e.size() > c.max/entryShare {
		return
	}
	// A copy of its own: body is a flight's pooled buffer, whose capacity
	// the byte bound would not see and which goes back to the pool.
	e.body = bytes.Clone(body)
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.epoch != c.epoch {
		return // a write came between the lookup and the answer
	}
	if old, ok := c.entries[t.key]; ok {
		c.remove(old)
	}
	c.entries[t.key] = c.order.PushFront(e)
	c.used += e.size()
	for c.used > c.max {
		c.remove(c.order.Back())
	}
}

func (c *memoryCache) invalidate(_ context.Context, family string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	for el := c.order.Front(); el != nil; {
		next := el.Next()
		if el.Value.(*memoryEntry).family == family {
			c.remove(el)
		}
		el = next
	}
	return nil
}

func (c *memoryCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*memoryEntry)
	delete(c.entries, e.key)
	c.used -= e.size()
}

// bytes is what the cache holds now, its bookkeeping included.
func (c *memoryCache) bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}
