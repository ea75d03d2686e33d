package httpguard

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/internal/tcpbuf"
)

// serveBig serves an answer of n bytes in one Write and reports what the
// write returned.
func serveBig(t *testing.T, n int, timeout time.Duration) (addr string, result <-chan error) {
	t.Helper()
	done := make(chan error, 1)
	h := BoundWrites(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := w.Write(make([]byte, n))
		done <- err
	}), func() time.Duration { return timeout })
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = tcpbuf.SmallWrites(srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), done
}

// TestAStalledReaderIsCutOff: a client that sends a request and never
// reads the answer holds the server's write (and the answer) for the
// timeout, not for ever.
func TestAStalledReaderIsCutOff(t *testing.T) {
	addr, result := serveBig(t, 16<<20, 200*time.Millisecond)
	c := tcpbuf.DialSmallReads(t, addr)
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-result:
		if !errors.Is(err, syscall.ETIMEDOUT) && !isTimeout(err) {
			t.Errorf("the write to a client that reads nothing ended with %v, want a timeout", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the write to a client that reads nothing still blocks after 10s (timeout 200ms)")
	}
}

// TestASlowReaderKeepsItsAnswer: a client that reads steadily gets the
// whole answer although that takes several times the timeout.
func TestASlowReaderKeepsItsAnswer(t *testing.T) {
	const size = 512 << 10
	timeout := 300 * time.Millisecond
	addr, result := serveBig(t, size, timeout)
	c := tcpbuf.DialSmallReads(t, addr)
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReaderSize(c, 4096), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	buf := make([]byte, 8<<10)
	for {
		n, err := resp.Body.Read(buf)
		got += n
		if err != nil {
			if err != io.EOF {
				t.Fatalf("after %d of %d bytes: %v", got, size, err)
			}
			break
		}
		// At most 4 KiB a read (the reader's buffer): 128 reads of 10ms
		// each make the answer take over four times the timeout.
		time.Sleep(10 * time.Millisecond)
	}
	if got != size {
		t.Errorf("read %d bytes, want %d", got, size)
	}
	if err := <-result; err != nil {
		t.Errorf("the server's write failed for a client that read: %v", err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
