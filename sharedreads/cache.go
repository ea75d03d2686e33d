package sharedreads

import (
	"context"
	"time"
)

// entryShare is the part of the byte bound one answer may take at most,
// so that one large answer cannot push every other out.
const entryShare = 8

// entryOverhead is what an entry costs besides its key and answer: the
// bookkeeping around it, counted so that many tiny answers stay bounded.
const entryOverhead = 128

// cache keeps answers of reads for their TTL, bounded by bytes. Its
// failures (a store that does not answer) are misses: a call never fails
// for want of a cached answer.
type cache interface {
	// lookup returns the answer cached for key in family, or the ticket
	// to store one under once it comes. The ticket remembers what the
	// family held at lookup, so an answer read before a write to the
	// family is never kept after it.
	lookup(ctx context.Context, key, family string) (body []byte, t ticket, hit bool)
	// keep stores a copy of body for ttl under the ticket (body is a
	// flight's buffer, not the cache's to retain); too large an answer is
	// not kept.
	keep(ctx context.Context, t ticket, body []byte, ttl time.Duration)
	// invalidate drops what family holds, for every identity.
	invalidate(ctx context.Context, family string) error
}

// ticket is where an answer looked up and not found is to be kept.
type ticket struct {
	key    string // in the store: the key under the family's generation
	family string
	epoch  uint64 // in memory: the count of invalidations at lookup
}
