package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/gjson"
)

// The team walk: each member, with an MCP client of their own, walks from
// their hubs down to a model's properties as a model browsing files
// would, each step's arguments taken from the step before's result:
// list_hubs, list_projects, list_top_folders, list_folder_contents,
// list_item_versions, get_manifest, get_properties.

// What the walk picks at each step: the demo's big hub (230 projects, two
// pages), its tower project, the project's files and in them the first
// file.
const (
	walkHub     = "Contoso Construction"
	walkProject = "Project 001 – Tower"
	walkFolder  = "Project Files"
)

// walkSteps is how many tool calls one walk makes.
const walkSteps = 7

// walkCallTimeout bounds one call of a walk: longer than the server's own
// call timeout (2 minutes), so a call waiting out APS's Retry-After ends
// with the server's answer, not the bench giving up.
const walkCallTimeout = 3 * time.Minute

// walker is one member's client walking.
type walker struct {
	c *rawCaller
	// Counted over the results the walks got: those that carry an APS
	// 429 (a tool error, or a listing stopped early by one), and
	// listings cut short (truncated, for any reason).
	with429, partial int
}

// rateLimitedText is how the server words an APS 429 in a result
// (apshttp.StatusError).
var rateLimitedText = []byte("429 Too Many Requests")

// step calls tool with args and returns its structured result.
func (w *walker) step(ctx context.Context, tool string, args map[string]string) (gjson.Result, error) {
	a, err := json.Marshal(args)
	if err != nil {
		return gjson.Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, walkCallTimeout)
	defer cancel()
	body, err := w.c.callTool(ctx, tool, string(a))
	if err != nil {
		return gjson.Result{}, fmt.Errorf("%s: %w", tool, err)
	}
	res := gjson.GetBytes(body, "result")
	if bytes.Contains(body, rateLimitedText) {
		w.with429++
	}
	if res.Get("isError").Bool() {
		return gjson.Result{}, fmt.Errorf("%s: tool error: %s", tool, firstLine(res.Get("content.0.text").String()))
	}
	sc := res.Get("structuredContent")
	if sc.Get("truncated").Bool() {
		w.partial++
	}
	return sc, nil
}

// pick is the value at path of a step's result, which must be there.
func pick(res gjson.Result, tool, path string) (string, error) {
	if v := res.Get(path).String(); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("%s: the result has nothing at %s: %s", tool, path, firstLine(res.Raw))
}

// walk is one walk, from the hubs to the properties.
func (w *walker) walk(ctx context.Context) error {
	var hub, project, folder, item, urn, guid string
	steps := []struct {
		tool string
		args func() map[string]string
		take func(gjson.Result) error
	}{
		{"list_hubs", func() map[string]string { return map[string]string{} }, func(r gjson.Result) (err error) {
			hub, err = pick(r, "list_hubs", `items.#(name=="`+walkHub+`").id`)
			return err
		}},
		{"list_projects", func() map[string]string { return map[string]string{"hub_id": hub} }, func(r gjson.Result) (err error) {
			project, err = pick(r, "list_projects", `items.#(name=="`+walkProject+`").id`)
			return err
		}},
		{"list_top_folders", func() map[string]string { return map[string]string{"hub_id": hub, "project_id": project} }, func(r gjson.Result) (err error) {
			folder, err = pick(r, "list_top_folders", `items.#(name=="`+walkFolder+`").id`)
			return err
		}},
		{"list_folder_contents", func() map[string]string { return map[string]string{"project_id": project, "folder_id": folder} }, func(r gjson.Result) (err error) {
			item, err = pick(r, "list_folder_contents", `items.#(type=="items").id`)
			return err
		}},
		{"list_item_versions", func() map[string]string { return map[string]string{"project_id": project, "item_id": item} }, func(r gjson.Result) (err error) {
			urn, err = pick(r, "list_item_versions", "items.0.derivative_urn")
			return err
		}},
		{"get_manifest", func() map[string]string { return map[string]string{"urn": urn} }, func(r gjson.Result) (err error) {
			guid, err = pick(r, "get_manifest", "views.0.guid")
			return err
		}},
		{"get_properties", func() map[string]string { return map[string]string{"urn": urn, "model_guid": guid} }, func(r gjson.Result) error {
			_, err := pick(r, "get_properties", "items.0.objectid")
			return err
		}},
	}
	for _, s := range steps {
		res, err := w.step(ctx, s.tool, s.args())
		if err == nil {
			err = s.take(res)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// walkPhase is what a set of members walking at once measured.
type walkPhase struct {
	members, walksEach int
	walks              []time.Duration // the walks that completed, sorted
	p50, p99           time.Duration
	failed             int // walks that ended in an error
	firstErr           string
	wall               time.Duration // from the start to the last walk's end
	// serverCPU is the CPU time the server process used over the phase
	// (0 when run in process).
	serverCPU time.Duration
	// load is the machine's 1-minute load average at the phase's start
	// and end: what else competed for the cores.
	load [2]string
	// Counted by the emulator over the phase: every APS request the
	// server sent (token requests included) and the 429s among the answers.
	apsRequests, received429 int64
	// Counted over the results: those carrying a 429, and listings cut short.
	with429, partial int
}

// runWalks connects one raw client per token to the MCP endpoint and has
// them all start at once, each walking walksEach times back to back. With
// serverPID > 0 it reads that process's CPU time at both ends.
func runWalks(ctx context.Context, emu *emulatorProc, endpoint string, serverPID int, tokens []string, walksEach int) (walkPhase, error) {
	ph := walkPhase{members: len(tokens), walksEach: walksEach}
	walkers := make([]*walker, len(tokens))
	for i, tok := range tokens {
		c, err := dialRawBearer(ctx, endpoint, modernProtocol, rawCall{}, tok)
		if err != nil {
			return ph, err
		}
		defer c.close()
		walkers[i] = &walker{c: c}
	}
	if err := emu.watch(ctx, "/"); err != nil {
		return ph, err
	}
	times := make([][]time.Duration, len(walkers))
	errs := make([]error, len(walkers))
	fails := make([]int, len(walkers))
	cpu0, err := serverCPUAt(serverPID)
	if err != nil {
		return ph, err
	}
	ph.load[0] = loadAverage()
	start := time.Now()
	var wg sync.WaitGroup
	for i, w := range walkers {
		wg.Go(func() {
			for range walksEach {
				t0 := time.Now()
				if err := w.walk(ctx); err != nil {
					fails[i]++
					if errs[i] == nil {
						errs[i] = err
					}
					continue
				}
				times[i] = append(times[i], time.Since(t0))
			}
		})
	}
	wg.Wait()
	ph.wall = time.Since(start)
	ph.load[1] = loadAverage()
	if err := ctx.Err(); err != nil {
		return ph, err
	}
	cpu1, err := serverCPUAt(serverPID)
	if err != nil {
		return ph, err
	}
	ph.serverCPU = cpu1 - cpu0
	st, err := emu.stats(ctx)
	if err != nil {
		return ph, err
	}
	if err := emu.watch(ctx, unwatched); err != nil {
		return ph, err
	}
	ph.apsRequests, ph.received429 = st.Requests, st.TooMany
	ph.walks = slices.Concat(times...)
	slices.Sort(ph.walks)
	ph.p50, ph.p99 = percentile(ph.walks, 50), percentile(ph.walks, 99)
	for i, w := range walkers {
		ph.failed += fails[i]
		ph.with429 += w.with429
		ph.partial += w.partial
		if errs[i] != nil && ph.firstErr == "" {
			ph.firstErr = errs[i].Error()
		}
	}
	return ph, nil
}

// serverCPUAt is processCPU for a server process, 0 for none (pid 0).
func serverCPUAt(pid int) (time.Duration, error) {
	if pid <= 0 {
		return 0, nil
	}
	return processCPU(pid)
}

// loadAverage is the machine's 1-minute load average, "?" where unknown.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}
