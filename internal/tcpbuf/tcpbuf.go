// Package tcpbuf shrinks the kernel's socket buffers for tests of slow
// readers: with a few KiB of buffering on either side, a client that does
// not read stalls the server's writes after a few KiB rather than several
// MiB, so a test sees the stall with a small answer.
package tcpbuf

import (
	"context"
	"net"
	"syscall"
	"testing"
)

// Size is the buffer asked for on each side (the kernel may round it up).
const Size = 4096

// SmallWrites wraps ln so that accepted connections have a small send
// buffer.
func SmallWrites(ln net.Listener) net.Listener { return smallWrites{ln} }

type smallWrites struct{ net.Listener }

func (l smallWrites) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(Size)
	}
	return c, err
}

// DialSmallReads connects to addr with a small receive buffer, set before
// the connection is made so the window it advertises is small from the
// start; the connection closes when the test ends.
func DialSmallReads(t testing.TB, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, Size) })
	}}
	c, err := d.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
