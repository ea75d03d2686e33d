package registry

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// truncating passes every request to h but cuts every third answer short:
// it promises the whole body in Content-Length, sends half and drops the
// connection, as a failing proxy or a reset does.
func truncating(h http.Handler, cut *atomic.Int32) http.Handler {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if n.Add(1)%3 != 0 {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
			return
		}
		cut.Add(1)
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
		_, _ = buf.Write(body[:len(body)/2])
		_ = buf.Flush()
	})
}

// TestTruncatedAnswersAreRetried: an answer cut short is a failed
// exchange, never a page: with retries the listing still holds every
// item exactly once, without them the call fails and says why.
func TestTruncatedAnswersAreRetried(t *testing.T) {
	const n = 50
	var cut atomic.Int32
	srv := httptest.NewServer(truncating(pagedAPS(t, n).Config.Handler, &cut))
	defer srv.Close()

	rt, c := pagedRuntimeB(t, srv.URL)
	rt.Retry = apshttp.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxWait: time.Second}
	for _, name := range []string{"list_next", "list_offset"} {
		l, res := callList(t, rt, c.Tools[name], nil)
		if res.IsError || l.Count != n || len(l.Items) != n {
			t.Fatalf("%s: %d items (count %d), error %v", name, len(l.Items), l.Count, res.IsError)
		}
		for i, it := range l.Items {
			if want := fmt.Sprintf("key-%03d", i); it.K != want {
				t.Fatalf("%s: item %d is %q, want %q", name, i, it.K, want)
			}
		}
	}
	if cut.Load() == 0 {
		t.Fatal("no answer was cut short: the test tested nothing")
	}

	rt.Retry = apshttp.RetryPolicy{MaxAttempts: 1}
	var failed bool
	for range 3 { // one call in three meets a cut answer on its first page at the latest
		_, res := callList(t, rt, c.Tools["list_next"], nil)
		if res.IsError {
			failed = true
			if text := res.Content[0].(mcp.TextContent).Text; !strings.Contains(text, "EOF") {
				t.Errorf("the failure does not say the answer was cut short: %s", text)
			}
			break
		}
	}
	if !failed {
		t.Error("without retries, cut answers still made complete listings")
	}
}
