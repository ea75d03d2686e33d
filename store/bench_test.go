package store_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/internal/redistest"
)

// BenchmarkStore measures one Put, Get or Take of a 256-byte value (about the size
// of a sealed APS token record) on each backend; Redis runs on loopback.
func BenchmarkStore(b *testing.B) {
	value := make([]byte, 256)
	for _, be := range []struct {
		name string
		url  func(b *testing.B) string
	}{
		{"memory", func(*testing.B) string { return "memory" }},
		{"redis", func(b *testing.B) string { return redistest.Start(b) }},
	} {
		b.Run(be.name, func(b *testing.B) {
			s := open(b, be.url(b))
			b.Run("Put", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := s.Put(ctx, "put:"+strconv.Itoa(i%1024), value, time.Minute); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Get", func(b *testing.B) {
				if err := s.Put(ctx, "get", value, time.Hour); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := s.Get(ctx, "get"); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Take", func(b *testing.B) {
				// Keys are refilled in batches outside the timer, so the store stays
				// small whatever b.N is.
				const batch = 1024
				keys := make([]string, batch)
				for i := range keys {
					keys[i] = "take:" + strconv.Itoa(i)
				}
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if i%batch == 0 {
						b.StopTimer()
						for _, k := range keys {
							if err := s.Put(ctx, k, value, time.Hour); err != nil {
								b.Fatal(err)
							}
						}
						b.StartTimer()
					}
					if _, err := s.Take(ctx, keys[i%batch]); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
