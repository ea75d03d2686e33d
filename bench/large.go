package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aps-mcp/aps-mcp/config"
)

const (
	largeBucket = "aps-mcp-bench-large"
	// largeLimits lets one list_objects call return the whole bucket.
	largeLimits = "\nlimits: {max_items: 200000, max_bytes: 200000000, call_timeout: 10m}\n"
	// largeTimeout bounds the call (the profile gives it 10 minutes).
	largeTimeout = 11 * time.Minute
	ossPageSize  = 100 // the OSS maximum
)

// largeResult is part 5 of the report.
type largeResult struct {
	objects int
	listed  int           // items the call returned
	wall    time.Duration // the list_objects call, as the raw client saw it
	pages   int           // APS pages behind it
	// apsBytes is the bytes of those pages' JSON; shapedBytes and
	// shapingTime are what the server's own metrics say its projection
	// went through and how long that took.
	apsBytes    int64
	shapedBytes float64
	shapingTime time.Duration
	answerBytes int   // the whole JSON-RPC answer
	idleRSS     int64 // before the call
	peakRSS     int64 // VmHWM after it
	// inEmulator is the time the emulator took to answer those pages,
	// summed: the part of the wall time that is not the server's.
	inEmulator time.Duration
	serverCPU  time.Duration // CPU time of the server process during the call
	// The same call with mcp-go's client, which decodes the answer into
	// Go values: its wall time and the server's peak RSS for it.
	sdkWall    time.Duration
	sdkPeakRSS int64
}

func (l *largeResult) mbPerSecond() float64 { return float64(l.apsBytes) / 1e6 / l.wall.Seconds() }

// measureLarge fills a bucket with n objects and lists it in one call
// through a server whose profile allows that many items: once with the
// raw client (the server's own figures), once with mcp-go's client.
func measureLarge(ctx context.Context, env serverEnv, emu *emulatorProc, n int) (*largeResult, error) {
	progressf("large listing: adding %d objects to %s", n, largeBucket)
	if err := emu.fill(ctx, largeBucket, n); err != nil {
		return nil, err
	}
	profiles, err := raisedProfiles(env)
	if err != nil {
		return nil, err
	}
	srv, err := startServer(ctx, env, serverSpec{profilesDir: profiles})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	r := &largeResult{objects: n}
	if r.idleRSS, err = procStatus(srv.pid(), "VmRSS"); err != nil {
		return nil, err
	}
	call := rawCall{tool: "list_objects", args: `{"bucket_key":"` + largeBucket + `"}`, marker: `{"object_key":`, want: n}
	raw, err := dialRaw(ctx, srv.url, modernProtocol, call)
	if err != nil {
		return nil, err
	}
	defer raw.close()

	progressf("large listing: list_objects through the server, raw client")
	if err := emu.watch(ctx, "/oss/v2/buckets/"+largeBucket+"/objects"); err != nil {
		return nil, err
	}
	shaped0, err := scrapeShaping(ctx, srv.url, "list_objects")
	if err != nil {
		return nil, err
	}
	cpu0, err := processCPU(srv.pid())
	if err != nil {
		return nil, err
	}
	callCtx, cancel := context.WithTimeout(ctx, largeTimeout)
	t0 := time.Now()
	err = raw.call(callCtx)
	r.wall = time.Since(t0)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("large list_objects: %w", err)
	}
	cpu1, err := processCPU(srv.pid())
	if err != nil {
		return nil, err
	}
	r.serverCPU = cpu1 - cpu0
	if r.peakRSS, err = procStatus(srv.pid(), "VmHWM"); err != nil {
		return nil, err
	}
	shaped1, err := scrapeShaping(ctx, srv.url, "list_objects")
	if err != nil {
		return nil, err
	}
	r.shapedBytes, r.shapingTime = shaped1.bytes-shaped0.bytes, time.Duration((shaped1.seconds-shaped0.seconds)*1e9)
	st, err := emu.stats(ctx)
	if err != nil {
		return nil, err
	}
	r.pages, r.apsBytes, r.inEmulator = int(st.Requests), st.Bytes, time.Duration(st.Nanos)
	r.listed, r.answerBytes = n, raw.lastBytes // the raw call checked all n are there
	if want := (n + ossPageSize - 1) / ossPageSize; r.pages != want {
		return nil, fmt.Errorf("large list_objects took %d APS pages, want %d", r.pages, want)
	}

	progressf("large listing: list_objects through the server, mcp-go client")
	c, _, hc, err := dialMCPGo(ctx, srv.url)
	if err != nil {
		return nil, err
	}
	defer hc.CloseIdleConnections()
	defer c.Close()
	if err := resetPeakRSS(srv.pid()); err != nil {
		return nil, err
	}
	t0 = time.Now()
	got, err := listCall(ctx, c, "list_objects", map[string]any{"bucket_key": largeBucket}, largeTimeout)
	r.sdkWall = time.Since(t0)
	if err != nil {
		return nil, fmt.Errorf("large list_objects (mcp-go client): %w", err)
	}
	if got.items != n || got.truncated {
		return nil, fmt.Errorf("large list_objects returned %d items (truncated=%v), want all %d", got.items, got.truncated, n)
	}
	if r.sdkPeakRSS, err = procStatus(srv.pid(), "VmHWM"); err != nil {
		return nil, err
	}
	return r, nil
}

// shaping is the server's projection counters for one tool.
type shaping struct{ bytes, seconds float64 }

// scrapeShaping reads tool's aps_mcp_shaped_bytes_total and
// aps_mcp_shaping_seconds_total from the server's /metrics.
func scrapeShaping(ctx context.Context, mcpURL, tool string) (shaping, error) {
	var s shaping
	u := strings.TrimSuffix(mcpURL, "/mcp") + "/metrics"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return s, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, fmt.Errorf("metrics: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("metrics: HTTP %d %v", resp.StatusCode, err)
	}
	for line := range strings.SplitSeq(string(body), "\n") {
		name, value, ok := strings.Cut(line, "{tool=\""+tool+"\"} ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return s, fmt.Errorf("metrics: %q: %w", line, err)
		}
		switch name {
		case "aps_mcp_shaped_bytes_total":
			s.bytes = v
		case "aps_mcp_shaping_seconds_total":
			s.seconds = v
		}
	}
	return s, nil
}

// raisedProfiles copies the shipped profiles into a directory of their
// own and raises the 2lo profile's limits; the result is loaded with the
// config package to be sure it says what is meant.
func raisedProfiles(env serverEnv) (string, error) {
	dir, err := raiseLimits(env, "profiles-large", largeLimits, "2lo")
	if err != nil {
		return "", err
	}
	p, err := config.LoadProfile(dir, "2lo", config.EnvFromMap(nil), config.Overrides{})
	if err != nil {
		return "", fmt.Errorf("the raised 2lo profile: %w", err)
	}
	if p.Limits.MaxItems != 200000 || p.Limits.MaxBytes != 200000000 || p.Limits.CallTimeout != 10*time.Minute {
		return "", fmt.Errorf("the raised 2lo profile has limits %+v", p.Limits)
	}
	return dir, nil
}

// raiseLimits copies the shipped profiles into the directory name under
// the work directory, appending limits (a YAML limits: line) to the
// profiles named, which must have no limits of their own.
func raiseLimits(env serverEnv, name, limits string, raise ...string) (string, error) {
	dir := filepath.Join(env.workDir, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	src := filepath.Join(env.root, "profiles")
	names, err := config.ProfileNames(src)
	if err != nil {
		return "", err
	}
	for _, name := range names {
		b, err := os.ReadFile(config.ProfilePath(src, name))
		if err != nil {
			return "", err
		}
		if slices.Contains(raise, name) {
			if strings.Contains("\n"+string(b), "\nlimits:") {
				return "", fmt.Errorf("%s already has limits; the benchmark would have to merge them", config.ProfilePath(src, name))
			}
			b = append(b, limits...)
		}
		if err := os.WriteFile(config.ProfilePath(dir, name), b, 0o600); err != nil {
			return "", err
		}
	}
	return dir, nil
}
