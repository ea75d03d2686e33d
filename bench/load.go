package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
)

// callTimeout bounds one measured call, so every load cell ends at most
// this long after its duration.
const callTimeout = 30 * time.Second

// cell is one path at one concurrency.
type cell struct {
	path        string
	protocol    string // what the clients negotiated
	concurrency int
	calls       int           // completed without error inside the measured window
	elapsed     time.Duration // the measured window
	p50, p99    time.Duration
	errors      int // failed calls, warm-up included
	firstErr    string
	// CPU time per completed call inside the window: of the server
	// process (0 for the floor, which has none), of the emulator process
	// and of this process (the clients).
	serverCPU, emulatorCPU, benchCPU time.Duration
	// lats are the latencies of the calls counted, sorted, for merging
	// cells measured in parts (nil once no longer needed).
	lats []time.Duration
}

func (c cell) perSecond() float64 { return float64(c.calls) / c.elapsed.Seconds() }

// merged is c and o, the same path at the same concurrency measured in
// two windows, as one cell over both.
func (c cell) merged(o cell) cell {
	m := c
	m.lats = slices.Concat(c.lats, o.lats)
	slices.Sort(m.lats)
	m.calls, m.elapsed = len(m.lats), c.elapsed+o.elapsed
	m.p50, m.p99 = percentile(m.lats, 50), percentile(m.lats, 99)
	perCall := func(a, b time.Duration) time.Duration {
		if m.calls == 0 {
			return 0
		}
		return (a*time.Duration(c.calls) + b*time.Duration(o.calls)) / time.Duration(m.calls)
	}
	m.serverCPU, m.emulatorCPU, m.benchCPU = perCall(c.serverCPU, o.serverCPU), perCall(c.emulatorCPU, o.emulatorCPU), perCall(c.benchCPU, o.benchCPU)
	m.errors += o.errors
	if m.firstErr == "" {
		m.firstErr = o.firstErr
	}
	return m
}

// runCell connects n callers, lets them call back to back for warmup, then
// counts the calls that complete in the next d and their latencies. It
// reads the CPU time of the server (serverPID, if > 0), the emulator and
// this process at both ends of the window; with a profile file it also
// records the server's CPU profile over the window there.
func runCell(ctx context.Context, p path, n int, warmup, d time.Duration, procs cellProcs) (cell, error) {
	serverPID, emulatorPID := procs.serverPID, procs.emulatorPID
	c := cell{path: p.name, concurrency: n}
	callers := make([]caller, 0, n)
	defer func() {
		for _, cl := range callers {
			cl.close()
		}
	}()
	for range n {
		cl, proto, err := p.connect(ctx)
		if err != nil {
			return c, err
		}
		callers = append(callers, cl)
		c.protocol = proto
	}

	start := time.Now()
	measureFrom, measureTo := start.Add(warmup), start.Add(warmup+d)
	lat := make([][]time.Duration, n)
	errs := make([]int, n)
	firstErr := make([]error, n)
	// CPU times at the window's two ends, read on time by their own goroutine.
	var cpuAt [2]struct{ server, emulator, bench time.Duration }
	profiled := make(chan error, 1)
	if procs.profileFile != "" {
		go func() { profiled <- recordProfile(ctx, procs.pprofURL, procs.profileFile, measureFrom, d) }()
	} else {
		profiled <- nil
	}
	cpuRead := make(chan struct{})
	go func() {
		defer close(cpuRead)
		for i, at := range []time.Time{measureFrom, measureTo} {
			t := time.NewTimer(time.Until(at))
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
			if serverPID > 0 {
				cpuAt[i].server, _ = processCPU(serverPID)
			}
			cpuAt[i].emulator, _ = processCPU(emulatorPID)
			cpuAt[i].bench = selfCPU()
		}
	}()
	var wg sync.WaitGroup
	for i, cl := range callers {
		wg.Go(func() {
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(measureTo) {
					return
				}
				callCtx, cancel := context.WithTimeout(ctx, callTimeout)
				err := cl.call(callCtx)
				cancel()
				t1 := time.Now()
				if err != nil {
					errs[i]++
					if firstErr[i] == nil {
						firstErr[i] = err
					}
					continue
				}
				if !t1.Before(measureFrom) && t1.Before(measureTo) { // completed inside the window
					lat[i] = append(lat[i], t1.Sub(t0))
				}
			}
		})
	}
	wg.Wait()
	<-cpuRead
	if err := ctx.Err(); err != nil {
		return c, err
	}
	if err := <-profiled; err != nil {
		return c, err
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	c.calls, c.elapsed, c.lats = len(all), d, all
	c.p50, c.p99 = percentile(all, 50), percentile(all, 99)
	if c.calls > 0 {
		c.serverCPU = (cpuAt[1].server - cpuAt[0].server) / time.Duration(c.calls)
		c.emulatorCPU = (cpuAt[1].emulator - cpuAt[0].emulator) / time.Duration(c.calls)
		c.benchCPU = (cpuAt[1].bench - cpuAt[0].bench) / time.Duration(c.calls)
	}
	for i := range errs {
		c.errors += errs[i]
		if firstErr[i] != nil && c.firstErr == "" {
			c.firstErr = firstErr[i].Error()
		}
	}
	return c, nil
}

// cellProcs are the processes a cell reads the CPU time of, and where
// the server's CPU profile goes (none without profileFile).
type cellProcs struct {
	serverPID, emulatorPID int // serverPID 0: no server (the floor)
	pprofURL, profileFile  string
}

// recordProfile saves the CPU profile of the server at pprofURL for d
// from the time from to file.
func recordProfile(ctx context.Context, pprofURL, file string, from time.Time, d time.Duration) error {
	t := time.NewTimer(time.Until(from))
	select {
	case <-t.C:
	case <-ctx.Done():
		t.Stop()
		return ctx.Err()
	}
	seconds := max(1, int(d.Round(time.Second)/time.Second))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/profile?seconds=%d", pprofURL, seconds), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("server CPU profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("server CPU profile: HTTP %d", resp.StatusCode)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("server CPU profile: %w", err)
	}
	return f.Close()
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 · n)
	return sorted[max(rank, 1)-1]
}

// loadResult is part 1, 2 and 4 of the report.
type loadResult struct {
	cells      []cell
	listed     int   // items the idle call returned
	wantListed int   // US buckets the emulator holds
	idleRSS    int64 // after start and one call
	// peakRSS is VmHWM after the highest-concurrency cell of each server
	// path; peakReset says whether the mark was reset just before each
	// (else it is the peak since the process started).
	peakRSS   map[string]int64
	peakReset bool
}

// measureLoad runs one server process and loads it with each path at each
// concurrency, with the floor measured alongside.
func measureLoad(ctx context.Context, env serverEnv, emu *emulatorProc, o options, rc *resty.Client, token string) (*loadResult, error) {
	progressf("starting the server (HTTP)")
	srv, err := startServer(ctx, env, serverSpec{pprof: o.profileDir != ""})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	res := &loadResult{peakRSS: map[string]int64{}, peakReset: true}

	// Idle: one call, then the resident set.
	c, _, hc, err := dialMCPGo(ctx, srv.url)
	if err != nil {
		return nil, err
	}
	first, err := listCall(ctx, c, benchTool, nil, callTimeout)
	c.Close()
	hc.CloseIdleConnections()
	if err != nil {
		return nil, fmt.Errorf("first %s call: %w", benchTool, err)
	}
	res.listed = first.items
	st, err := emu.stats(ctx)
	if err != nil {
		return nil, err
	}
	res.wantListed = st.USBuckets
	if res.idleRSS, err = procStatus(srv.pid(), "VmRSS"); err != nil {
		return nil, err
	}

	progressf("starting the mcp-go stub (the MCP layer alone)")
	stub, err := startStubProcess(ctx, env.workDir, stubResult{Text: first.text, Structured: first.structured})
	if err != nil {
		return nil, err
	}
	defer stub.stop()
	stubStateless := rawPath(stub.url, modernProtocol, bucketsCall(res.listed))
	stubStateless.name = stubName + ", stateless"
	stubSession := rawPath(stub.url, legacyProtocol, bucketsCall(res.listed))
	stubSession.name = stubName + ", session"

	// What answers each path: 0 for the floor (no server), the stub's
	// process for the stub, aps-mcp for the rest.
	type target struct {
		p      path
		pid    int
		server bool // aps-mcp: peak memory and profiles are its
	}
	targets := []target{{p: floorPath(rc, env.baseURL, token)},
		{p: rawPath(srv.url, modernProtocol, bucketsCall(res.listed)), pid: srv.pid(), server: true},
		{p: rawPath(srv.url, legacyProtocol, bucketsCall(res.listed)), pid: srv.pid(), server: true},
		{p: mcpGoPath(srv.url), pid: srv.pid(), server: true},
		{p: goSDKPath(srv.url), pid: srv.pid(), server: true},
		{p: stubStateless, pid: stub.pid()},
		{p: stubSession, pid: stub.pid()},
	}
	top := slices.Max(o.concurrency)
	for _, n := range o.concurrency {
		for _, tg := range targets {
			p := tg.p
			progressf("load: %s at concurrency %d (%v + %v warm-up)", p.name, n, o.duration, o.warmup)
			if tg.server && n == top {
				if resetPeakRSS(srv.pid()) != nil {
					res.peakReset = false // then VmHWM is the peak since start
				}
			}
			procs := cellProcs{serverPID: tg.pid, emulatorPID: emu.pid()}
			if tg.server && o.profileDir != "" {
				procs.pprofURL = srv.pprofURL
				procs.profileFile = filepath.Join(o.profileDir, fmt.Sprintf("%s-c%d.pprof", slug(p.name), n))
			}
			got, err := runCell(ctx, p, n, o.warmup, o.duration, procs)
			if err != nil {
				return nil, fmt.Errorf("%s at concurrency %d: %w", p.name, n, err)
			}
			got.lats = nil
			res.cells = append(res.cells, got)
			if tg.server && n == top {
				if res.peakRSS[p.name], err = procStatus(srv.pid(), "VmHWM"); err != nil {
					return nil, err
				}
			}
		}
	}
	select {
	case <-srv.exited:
		return nil, fmt.Errorf("aps-mcp exited during the load (%v):\n%s", srv.err, srv.stderr)
	default:
	}
	return res, nil
}

// slug is a path's name as a file name: "raw JSON-RPC, stateless" becomes
// "raw-json-rpc-stateless".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
