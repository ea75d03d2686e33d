package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// report is everything one run measured.
type report struct {
	opts          options
	command       string
	buildTime     time.Duration
	startup       startupResult
	load          *loadResult
	oauth         *oauthResult
	large         *largeResult
	tokens        *tokenResult
	latency       *latencyResult
	tokenRequests int64
	serverProcs   int // HTTP server processes that called APS
	ownTokens     int // tokens this program fetched itself (the floor's)
	total         time.Duration
}

// table is one block of the report, printed as text or Markdown.
type table struct {
	part   string // the part of the run it reports (benchParts), or "summary"
	title  string
	header []string
	right  []bool // right-align the column (numbers)
	rows   [][]string
	notes  []string
}

func (r *report) tables() []table {
	var out []table
	if l := r.load; l != nil {
		t, floor := cellTable(fmt.Sprintf("tools/call %s (one APS page of %d buckets): %v measured per cell after %v warm-up, one client per worker",
			benchTool, l.listed, r.opts.duration, r.opts.warmup), l.cells, floorName, "÷ floor calls/s", "%.2f×")
		lowest := slices.Min(r.opts.concurrency)
		for _, c := range l.cells {
			if c.path == floorName || strings.HasPrefix(c.path, stubName) || c.concurrency != lowest {
				continue
			}
			if f, ok := floor[c.concurrency]; ok {
				t.notes = append(t.notes, fmt.Sprintf("Added latency at concurrency %d, %s (%s): server p50 − floor p50 = %s.",
					c.concurrency, c.path, c.protocol, ms(c.p50-f.p50)))
			}
		}
		t.notes = append(t.notes, "CPU/call is CPU time inside the measured window divided by the calls completed in it, "+
			"per process (/proc/PID/stat, 10 ms ticks): server = aps-mcp (on the "+stubName+" rows, the stub); "+
			"emulator = the APS emulator process; client = this process, the load generator.")
		t.notes = append(t.notes, "The "+stubName+" rows are an mcp-go server configured as aps-mcp's, whose "+benchTool+
			" answers with the result aps-mcp returned, making no APS request: the MCP layer's own cost for this result, "+
			"loaded by the same raw client. Their ratio is to the same floor, for scale.")
		for _, c := range l.cells {
			if c.firstErr != "" {
				t.notes = append(t.notes, fmt.Sprintf("First error, %s at concurrency %d: %s", c.path, c.concurrency, firstLine(c.firstErr)))
			}
		}
		if l.listed != l.wantListed {
			t.notes = append(t.notes, fmt.Sprintf("The first call listed %d buckets; the emulator holds %d US buckets.", l.listed, l.wantListed))
		}
		t.part = "load"
		out = append(out, t)
		if st, ok := r.stubTable(); ok {
			out = append(out, st)
		}
	}
	if r.oauth != nil {
		out = append(out, r.oauthTable())
	}
	if r.latency != nil {
		out = append(out, r.latencyTables()...)
	}
	out = append(out, r.tokenTables()...)
	if r.load == nil && r.large == nil && len(r.startup.runs) == 0 {
		return out // nothing for the summary
	}

	m := table{part: summaryPart, title: "Start-up, memory, large listing, tokens", header: []string{"measure", "value"}, right: []bool{false, false}}
	add := func(k, v string) { m.rows = append(m.rows, []string{k, v}) }
	if s := r.startup; len(s.runs) > 0 {
		add(fmt.Sprintf("stdio: process start → tools/list answered, median of %d", len(s.runs)),
			fmt.Sprintf("%s (min %s, max %s; %d tools)", ms1(s.median), ms1(s.runs[0]), ms1(s.worst), s.tools))
	}
	if l := r.load; l != nil {
		add("server RSS idle (VmRSS after start and one call)", mib(l.idleRSS))
		top := slices.Max(r.opts.concurrency)
		what := "during"
		if !l.peakReset {
			what = "since start, through"
		}
		for _, c := range l.cells {
			if _, ok := l.peakRSS[c.path]; ok && c.concurrency == top {
				add(fmt.Sprintf("server peak RSS %s the %d-way load, %s (VmHWM)", what, top, c.path), mib(l.peakRSS[c.path]))
			}
		}
	}
	if g := r.large; g != nil {
		add(fmt.Sprintf("large listing: list_objects over %d objects, one call (raw client)", g.objects),
			fmt.Sprintf("%s wall, %d items, %d APS pages, answer %.1f MB", secs(g.wall), g.listed, g.pages, float64(g.answerBytes)/1e6))
		add("large listing: projection throughput (server metrics: APS JSON shaped ÷ time shaping)",
			fmt.Sprintf("%.0f MB/s (%.1f MB in %s)", g.shapedBytes/1e6/g.shapingTime.Seconds(), g.shapedBytes/1e6, secs(g.shapingTime)))
		add("large listing: APS JSON over the wall time (page bodies the emulator sent)", fmt.Sprintf("%.1f MB: %.1f MB/s; %.1f MB/s over the time outside the emulator",
			float64(g.apsBytes)/1e6, g.mbPerSecond(), float64(g.apsBytes)/1e6/(g.wall-g.inEmulator).Seconds()))
		add("large listing: of the wall time, inside the emulator answering the pages",
			fmt.Sprintf("%s; the rest (server, loopback HTTP, reading the answer): %s", secs(g.inEmulator), secs(g.wall-g.inEmulator)))
		add("large listing: server CPU time during the call", secs(g.serverCPU))
		add("large listing: server RSS before the call / peak (VmHWM)", fmt.Sprintf("%s / %s", mib(g.idleRSS), mib(g.peakRSS)))
		add("large listing: the same call with mcp-go's client (decodes the answer): wall / server peak RSS",
			fmt.Sprintf("%s / %s", secs(g.sdkWall), mib(g.sdkPeakRSS)))
	}
	signIns := ""
	if r.oauth != nil {
		signIns = fmt.Sprintf(", %d sign-ins (APS code exchanges) for the OAuth rows", r.oauth.signIns)
	}
	add("token requests the emulator received (whole run)",
		fmt.Sprintf("%d (%d HTTP server processes that called APS with the app's token, %d for the floor%s; the stdio start-up runs call no tool)",
			r.tokenRequests, r.serverProcs, r.ownTokens, signIns))
	add("building the binary / whole run", fmt.Sprintf("%s / %s", secs(r.buildTime), secs(r.total)))
	out = append(out, m)
	return out
}

const floorName = "direct APS request (floor)"

// cellTable lays out cells one row each, with each row's calls/s divided
// by those of the base path at the same concurrency (the ratio column,
// in ratioFormat); it also returns the base path's cells by concurrency.
// The floor has no server, so no server CPU.
func cellTable(title string, cells []cell, base, ratioHeader, ratioFormat string) (table, map[int]cell) {
	t := table{
		title: title,
		header: []string{"path", "protocol", "concurrency", "calls/s", "p50", "p99", ratioHeader,
			"server CPU/call", "emulator CPU/call", "client CPU/call", "errors"},
		right: []bool{false, false, true, true, true, true, true, true, true, true, true},
	}
	bases := map[int]cell{}
	for _, c := range cells {
		if c.path == base {
			bases[c.concurrency] = c
		}
	}
	for _, c := range cells {
		ratio := ""
		if b, ok := bases[c.concurrency]; ok && c.path != base && b.calls > 0 {
			ratio = fmt.Sprintf(ratioFormat, c.perSecond()/b.perSecond())
		}
		serverCPU := ""
		if c.path != floorName {
			serverCPU = ms(c.serverCPU)
		}
		t.rows = append(t.rows, []string{c.path, c.protocol, fmt.Sprint(c.concurrency),
			fmt.Sprintf("%.0f", c.perSecond()), ms(c.p50), ms(c.p99), ratio, serverCPU, ms(c.emulatorCPU), ms(c.benchCPU), fmt.Sprint(c.errors)})
	}
	return t, bases
}

// oauthTable is the OAuth rows: the team server against the 3lo server
// signed in, at each concurrency, and what OAuth costs of calls/s.
func (r *report) oauthTable() table {
	o := r.oauth
	t, plain := cellTable(fmt.Sprintf("OAuth in front of /mcp: tools/call %s (one APS page of %d hubs, as the signed-in person), raw client: %v measured per cell in two halves (without, with, with, without), each after %v warm-up, one client per worker",
		oauthTool, o.hubs, r.opts.duration, r.opts.warmup), o.cells, plainOAuthName, "÷ no-OAuth calls/s", "%.3f×")
	for _, c := range o.cells {
		p, ok := plain[c.concurrency]
		if c.path != teamOAuthName || !ok || p.calls == 0 {
			continue
		}
		t.notes = append(t.notes, fmt.Sprintf("OAuth costs %.1f%% of calls/s at concurrency %d: %.0f calls/s with it, %.0f without; server CPU/call %s against %s.",
			100*(1-c.perSecond()/p.perSecond()), c.concurrency, c.perSecond(), p.perSecond(), ms(c.serverCPU), ms(p.serverCPU)))
	}
	t.notes = append(t.notes, fmt.Sprintf("APS requests per call, counted by the emulator over %d calls on each path before the load: %.2f without OAuth, %.2f with it.",
		apsCheckCalls, o.apsPerCall[plainOAuthName], o.apsPerCall[teamOAuthName]))
	t.notes = append(t.notes, "Without OAuth is aps-mcp --profile 3lo, signed in once before the load: the same auth kind, scopes, toolsets "+
		"and read-only setting as --profile team, the same person (the emulator's demo user) and the same APS request per call "+
		"with a user-context token, so the two rows differ only in the team server's front: the OAuth check of every request's bearer "+
		"token (verified tokens are cached in process for 10 s) and the per-person APS token behind it. Each team worker's client "+
		"registered and signed in on its own (register, consent, APS sign-in, code for token with PKCE) and keeps its access token "+
		"across cells; every request carries it. A negative cost means the OAuth row came out faster in this run.")
	for _, c := range o.cells {
		if c.firstErr != "" {
			t.notes = append(t.notes, fmt.Sprintf("First error, %s at concurrency %d: %s", c.path, c.concurrency, firstLine(c.firstErr)))
		}
	}
	t.part = "oauth"
	return t
}

// failedCalls counts the calls that failed under load.
func (r *report) failedCalls() int {
	n := 0
	if r.load != nil {
		for _, c := range r.load.cells {
			n += c.errors
		}
	}
	if r.oauth != nil {
		for _, c := range r.oauth.cells {
			n += c.errors
		}
	}
	return n
}

func (r *report) writeText(w io.Writer) {
	for i, t := range r.tables() {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, t.title)
		width := make([]int, len(t.header))
		for _, row := range append([][]string{t.header}, t.rows...) {
			for j, c := range row {
				width[j] = max(width[j], len([]rune(c)))
			}
		}
		line := func(row []string) {
			var sb strings.Builder
			for j, c := range row {
				pad := strings.Repeat(" ", width[j]-len([]rune(c)))
				if j > 0 {
					sb.WriteString("  ")
				}
				if t.right[j] {
					sb.WriteString(pad + c)
				} else {
					sb.WriteString(c + pad)
				}
			}
			fmt.Fprintln(w, strings.TrimRight(sb.String(), " "))
		}
		line(t.header)
		rule := make([]string, len(width))
		for j := range width {
			rule[j] = strings.Repeat("-", width[j])
		}
		line(rule)
		for _, row := range t.rows {
			line(row)
		}
		for _, n := range t.notes {
			fmt.Fprintln(w, n)
		}
	}
}

func (r *report) writeMarkdownFile(name string) error {
	if len(r.opts.only) > 0 {
		if old, err := os.ReadFile(name); err == nil {
			return os.WriteFile(name, r.mergeMarkdown(old), 0o644)
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# aps-mcp benchmarks\n\n")
	fmt.Fprintf(&b, "Measured by `bench/` (one run, numbers as printed). Command:\n\n```sh\n%s\n```\n\n", r.command)
	fmt.Fprintf(&b, "Machine: %s\n\n", machine())
	b.WriteString("How: three processes share the machine's cores over loopback HTTP: the aps-mcp binary " +
		"(profile 2lo, streamable HTTP on 127.0.0.1, `--no-reload --log-level warn`); the APS emulator, which this " +
		"program starts as a process of its own, as APS is elsewhere; and this program, the load generator. " +
		"The floor is the APS request `list_buckets` makes (`GET /oss/v2/buckets?limit=100` with a bearer token) " +
		"sent directly from this program with the server's HTTP client settings (`apshttp.NewClient`), so it crosses " +
		"the same process boundary as the server's own APS requests. Through the server, each worker has its own " +
		"client and connection. The raw JSON-RPC rows are the load generator proper: pre-encoded requests, exactly " +
		"as the SDK clients put them on the wire, over a minimal keep-alive HTTP/1.1 connection, each answer checked " +
		"(id, no error, every bucket) without decoding, as wrk would load a server; stateless sends the 2026-07-28 " +
		"headers and `_meta` on every call, session does initialize and carries the session id. The SDK rows use " +
		"real clients, which cost more CPU than the server and share its cores: mcp-go's negotiates 2026-07-28, " +
		"the official go-sdk's is pinned to 2025-11-25. Calls per second count the calls that completed inside " +
		"the measured window; latencies are per call, nearest rank. The large listing's APS bytes and emulator " +
		"time are counted inside the emulator process, for the pages the server fetched during the call. " +
		"The OAuth rows load two more aps-mcp processes the same way with the raw stateless client: --profile team, whose " +
		"OAuth 2.1 authorization server stands in front of /mcp and whose every request carries an MCP access token it issued, " +
		"and --profile 3lo signed in once, with nothing in front.\n\n")
	for _, t := range r.tables() {
		b.WriteString(markdownSection(t, ""))
	}
	return os.WriteFile(name, b.Bytes(), 0o644)
}

// machine describes where the numbers come from.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel := ""
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = ", Linux " + strings.TrimSpace(string(b))
	}
	rev := ""
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		rev = "; commit " + strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "status", "--porcelain").Output(); err == nil && len(st) > 0 {
			rev += " with uncommitted changes"
		}
	}
	return fmt.Sprintf("nproc %s, %s%s; %s %s/%s; %s%s", nproc(), model, kernel,
		runtime.Version(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02 15:04 MST"), rev)
}

func ms(d time.Duration) string  { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
func ms1(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
func secs(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// nproc is how many cores this process may use.
func nproc() string {
	if out, err := exec.Command("nproc").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	return fmt.Sprint(runtime.NumCPU())
}
