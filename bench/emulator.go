package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// The APS emulator runs in a process of its own (this program started
// again with -serve-emulator), as APS is elsewhere: the server's APS
// requests and the floor's cross the same process boundary, and the
// emulator's CPU time is read apart from the load generator's. The parent
// steers it over a few /_bench/ paths next to the APS API, which the
// server under test never calls.

// serveEmulatorFlag makes this program the emulator process.
const serveEmulatorFlag = "serve-emulator"

// emulatorStats is what /_bench/stats reports.
type emulatorStats struct {
	TokenRequests int64 `json:"token_requests"`
	USBuckets     int   `json:"us_buckets"` // the demo client's buckets in the US region
	// The watched requests (see /_bench/watch): how many, their response
	// body bytes, and the time the emulator took to answer them.
	Requests int64 `json:"requests"`
	Bytes    int64 `json:"bytes"`
	Nanos    int64 `json:"nanos"`
	// TooMany is how many of the watched requests were answered 429.
	TooMany int64 `json:"too_many"`
}

// serveEmulator is the emulator process, configured by cfg.
func serveEmulator(cfg emuConfig) error {
	return serveChild(emulatorHandler(newEmulator(cfg)))
}

// emulatorHandler serves emu, metered, with the /_bench/ paths beside it.
func emulatorHandler(emu *apsemu.Emulator) http.Handler {
	m := &meter{emu: emu}
	mux := http.NewServeMux()
	mux.Handle("/", m)
	mux.HandleFunc("GET /_bench/stats", func(w http.ResponseWriter, _ *http.Request) {
		s := emulatorStats{TokenRequests: emu.TokenRequests(),
			Requests: m.requests.Load(), Bytes: m.bytes.Load(), Nanos: m.nanos.Load(), TooMany: m.tooMany.Load()}
		for _, b := range emu.Buckets(apsemu.DemoClientID) {
			if b.Region == "US" {
				s.USBuckets++
			}
		}
		_ = json.NewEncoder(w).Encode(s)
	})
	mux.HandleFunc("POST /_bench/watch", func(w http.ResponseWriter, r *http.Request) {
		m.watch(r.FormValue("prefix"))
	})
	mux.HandleFunc("POST /_bench/fill", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.FormValue("n"))
		if err != nil || n < 1 {
			http.Error(w, "n must be a positive integer", http.StatusBadRequest)
			return
		}
		fillBucket(emu, r.FormValue("bucket"), n)
	})
	return mux
}

// serveChild is the serving side of a child process (see startChild): it
// serves h on a loopback port, prints its URL on stdout and serves until
// stdin closes (the parent went away) or a signal comes. The emulator's
// own serving loop serves any handler.
func serveChild(h http.Handler) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { // the parent holds stdin open for as long as it wants us
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	return apsemu.ListenAndServe(ctx, "127.0.0.1:0", h, func(url string) { fmt.Println(url) })
}

// fillBucket creates bucket with n objects of plausible names and sizes.
func fillBucket(emu *apsemu.Emulator, bucket string, n int) {
	emu.AddBucket(apsemu.Bucket{Key: bucket})
	for i := range n {
		emu.AddObject(apsemu.Object{
			BucketKey: bucket, Key: fmt.Sprintf("models/level-%02d/part-%06d.ipt", i%20, i),
			ContentType: "application/octet-stream", Size: int64(i)*37 + 1024,
		})
	}
}

// child is a process of this program serving HTTP on loopback (see
// serveChild), started with one of its internal flags.
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	url    string
	exited chan struct{}
}

// startChild starts this program with args and waits for its URL.
func startChild(ctx context.Context, args ...string) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, args...)
	cmd.Stderr = os.Stderr
	stdin, stdout, err := stdioPipes(cmd)
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, stdin: stdin, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.exited) }()
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case c.url = <-lines:
	case <-ctx.Done():
	case <-time.After(30 * time.Second):
	}
	if !strings.HasPrefix(c.url, "http://127.0.0.1:") {
		c.stop()
		return nil, fmt.Errorf("%s did not say where it listens (%q)", strings.Join(args, " "), c.url)
	}
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// stop closes the child's stdin, which ends it, and waits a bounded time.
func (c *child) stop() {
	_ = c.stdin.Close()
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// emulatorProc is the parent's handle on the emulator process.
type emulatorProc struct {
	*child
	client *http.Client
}

// startEmulatorProcess starts this program as the emulator, configured by cfg.
func startEmulatorProcess(ctx context.Context, cfg emuConfig) (*emulatorProc, error) {
	c, err := startChild(ctx, append([]string{"-" + serveEmulatorFlag}, cfg.args()...)...)
	if err != nil {
		return nil, err
	}
	return &emulatorProc{child: c, client: &http.Client{Timeout: 5 * time.Minute}}, nil
}

func (e *emulatorProc) stats(ctx context.Context) (emulatorStats, error) {
	var s emulatorStats
	body, err := e.control(ctx, http.MethodGet, "/_bench/stats", nil)
	if err == nil {
		err = json.Unmarshal(body, &s)
	}
	return s, err
}

// watch counts the requests under prefix from zero.
func (e *emulatorProc) watch(ctx context.Context, prefix string) error {
	_, err := e.control(ctx, http.MethodPost, "/_bench/watch", map[string]string{"prefix": prefix})
	return err
}

func (e *emulatorProc) fill(ctx context.Context, bucket string, n int) error {
	_, err := e.control(ctx, http.MethodPost, "/_bench/fill", map[string]string{"bucket": bucket, "n": strconv.Itoa(n)})
	return err
}

func (e *emulatorProc) control(ctx context.Context, method, path string, form map[string]string) ([]byte, error) {
	q := url.Values{}
	for k, v := range form {
		q.Set(k, v)
	}
	u := e.url + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("emulator %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("emulator %s: HTTP %d: %s", path, resp.StatusCode, body)
	}
	return body, err
}

// meter passes every request to the emulator and, for paths under
// prefix, adds up the requests, the response body bytes, the time the
// emulator took to answer them and the 429s among the answers.
type meter struct {
	emu                             http.Handler
	prefix                          atomic.Pointer[string]
	requests, bytes, nanos, tooMany atomic.Int64
}

// watch starts counting the requests under prefix from zero.
func (m *meter) watch(prefix string) {
	m.prefix.Store(&prefix)
	m.requests.Store(0)
	m.bytes.Store(0)
	m.nanos.Store(0)
	m.tooMany.Store(0)
}

func (m *meter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := m.prefix.Load()
	if p == nil || !strings.HasPrefix(r.URL.EscapedPath(), *p) {
		m.emu.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	cw := &countingWriter{ResponseWriter: w}
	m.emu.ServeHTTP(cw, r)
	m.nanos.Add(int64(time.Since(start)))
	m.bytes.Add(cw.n)
	m.requests.Add(1)
	if cw.status == http.StatusTooManyRequests {
		m.tooMany.Add(1)
	}
}

type countingWriter struct {
	http.ResponseWriter
	n      int64
	status int // the first status written
}

func (c *countingWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}
