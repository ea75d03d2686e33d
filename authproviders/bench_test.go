package authproviders

import (
	"context"
	"testing"
	"time"
)

// BenchmarkTokenCacheHit: the cost of Token when a valid token is cached,
// paid by every APS request.
func BenchmarkTokenCacheHit(b *testing.B) {
	c := newTokenCache(func(context.Context) (Token, error) { return Token{Value: "t", ExpiresIn: time.Hour}, nil })
	ctx := context.Background()
	if _, err := c.Get(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Get(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
