package apshttp

import (
	"bytes"
	"sync"
)

// maxPooledBody keeps one huge answer from pinning its memory in the pool.
const maxPooledBody = 1 << 20

// BufferPool holds the buffers APS answers are read into, so a call reads
// into memory an earlier call grew. The zero value is ready to use; it
// must not be copied after first use.
type BufferPool struct{ pool sync.Pool }

// Get returns a buffer to read an answer into; give it back with Put once
// nothing refers to its bytes.
func (p *BufferPool) Get() *bytes.Buffer {
	if b, ok := p.pool.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

// Put returns b to the pool, unless it grew too large to keep.
func (p *BufferPool) Put(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBody {
		p.pool.Put(b)
	}
}
