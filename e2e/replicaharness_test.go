package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"testing"
	"time"
)

// replica is one server process run by a test; Stop ends it like an
// orchestrator does (SIGTERM, then waiting for it to exit).
type replica struct {
	t    *testing.T
	URL  *url.URL // http://127.0.0.1:PORT, without /mcp
	cmd  *exec.Cmd
	once sync.Once
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done
	logs syncBuffer    // what it wrote to stderr, shown when the test fails
}

// startReplica runs the binary on a free loopback port with exactly env
// (plus PATH and HOME) and args after the tools and profiles flags.
func startReplica(t *testing.T, env map[string]string, args ...string) *replica {
	t.Helper()
	args = append([]string{"--addr", "127.0.0.1:0", "--no-reload", "--tools", repoRoot + "/tools.yaml", "--profiles", repoRoot + "/profiles"}, args...)
	cmd := exec.Command(binPath, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = binaryEnv(env)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{t: t, cmd: cmd, done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)/mcp`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			r.logs.Write([]byte(sc.Text() + "\n"))
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		r.err = cmd.Wait() // after the pipe is read to its end, as Wait requires
		close(r.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-r.done
		if t.Failed() {
			t.Logf("replica %v logs:\n%s", r.URL, r.logs.String())
		}
	})
	select {
	case u := <-found:
		r.URL, _ = url.Parse(u)
		return r
	case <-r.done:
		t.Fatalf("replica exited before serving: %v", r.err)
	case <-time.After(30 * time.Second):
		t.Fatal("replica did not report its URL")
	}
	return nil
}

// Stop sends SIGTERM and waits for the process to exit, failing the test
// unless it shuts down cleanly within the bound.
func (r *replica) Stop() {
	r.t.Helper()
	r.once.Do(func() {
		_ = r.cmd.Process.Signal(os.Interrupt)
		select {
		case <-r.done:
			if r.err != nil {
				r.t.Errorf("replica %s stopped with: %v", r.URL.Host, r.err)
			}
		case <-time.After(20 * time.Second):
			r.t.Errorf("replica %s did not stop within 20s of SIGTERM", r.URL.Host)
		}
	})
}

// balancer is a round-robin reverse proxy in front of replicas. Like a real
// load balancer it stops sending requests to a backend whose /healthz does
// not answer (checkHealth, which a test runs after stopping one), and it
// records which backend served each request.
type balancer struct {
	URL string

	mu       sync.Mutex
	backends []*backend
	next     int
	served   []servedRequest
}

type backend struct {
	url  *url.URL
	down bool
}

// servedRequest is one request the balancer passed on.
type servedRequest struct {
	Method, Path string
	Backend      int // index in the order backends were added
}

// newBalancer starts the proxy on a loopback port; backends come later,
// as replicas need its URL (their public URL) before they start.
func newBalancer(t *testing.T) *balancer {
	t.Helper()
	lb := &balancer{}
	proxy := &httputil.ReverseProxy{
		Rewrite:       lb.rewrite,
		FlushInterval: -1, // stream SSE as it comes
		// Pooled keep-alive connections to the backends, as real
		// balancers keep them.
		Transport: http.DefaultTransport.(*http.Transport).Clone(),
		// The calls that fail while a replica stops are counted by the
		// tests; the proxy's own account of each would only be noise.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	front := httptest.NewServer(bufferRequestBody(proxy))
	t.Cleanup(front.Close)
	lb.URL = front.URL
	return lb
}

// bufferRequestBody reads each request body into memory before h sees
// it, as nginx does by default (proxy_request_buffering). Streaming the
// client's body straight through httputil.ReverseProxy races in net/http
// (golang/go#40747): writing the response headers makes the proxy's server
// drain and close the inbound body, and when that happens before the
// backend transport's final read of it (the check that the body is no
// longer than its Content-Length), the transport fails the request write
// and tears down the backend connection, cutting the response already on
// its way. Under -race and load it cut about one session-based call in
// twenty ("unexpected EOF"); the replicas answered every one in full.
func bufferRequestBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		h.ServeHTTP(w, r)
	})
}

// add puts a backend into the rotation and returns its index.
func (lb *balancer) add(u *url.URL) int {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	lb.backends = append(lb.backends, &backend{url: u})
	return len(lb.backends) - 1
}

// rewrite sends the request to the next backend in turn that is not down,
// keeping the Host the client used, as a balancer in front of a public
// name does.
func (lb *balancer) rewrite(r *httputil.ProxyRequest) {
	lb.mu.Lock()
	i := lb.pick()
	lb.served = append(lb.served, servedRequest{Method: r.In.Method, Path: r.In.URL.Path, Backend: i})
	target := lb.backends[i].url
	lb.mu.Unlock()
	r.SetURL(target)
	r.Out.Host = r.In.Host
}

// pick returns the next live backend's index (any backend when all are
// down, so the client sees the failure); lb.mu is held.
func (lb *balancer) pick() int {
	for range len(lb.backends) {
		i := lb.next % len(lb.backends)
		lb.next++
		if !lb.backends[i].down {
			return i
		}
	}
	return lb.next % len(lb.backends)
}

// checkHealth probes every backend's /healthz once and takes out of the
// rotation those that do not answer 200 (and back in those that do). It
// returns how many are up.
func (lb *balancer) checkHealth() int {
	lb.mu.Lock()
	backends := append([]*backend(nil), lb.backends...)
	lb.mu.Unlock()
	hc := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	up := 0
	for _, b := range backends {
		ok := probe(hc, b.url.String()+"/healthz")
		lb.mu.Lock()
		b.down = !ok
		lb.mu.Unlock()
		if ok {
			up++
		}
	}
	return up
}

func probe(hc *http.Client, u string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// log returns the requests passed on so far.
func (lb *balancer) log() []servedRequest {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return append([]servedRequest(nil), lb.served...)
}

// hits counts the requests each backend served.
func (lb *balancer) hits() []int {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	n := make([]int, len(lb.backends))
	for _, s := range lb.served {
		n[s.Backend]++
	}
	return n
}
