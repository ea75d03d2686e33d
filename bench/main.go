// Command bench measures the aps-mcp server end to end: it builds the
// binary, runs it as a separate process against the APS emulator (this
// program again, as a third process, on loopback) and reports, in one
// run, tools/call throughput and latency for both MCP protocol
// generations next to the same APS request made directly (the floor),
// a call through a team server's OAuth against the same call without it,
// stdio start-up time, the server's memory, one very large listing, how
// many tokens the emulator issued, at APS latency with APS's rate
// limits enforced (emulators of their own, see world.go) a team walking
// from hubs to properties at once and single-user listings of many items,
// and what a model reads: tokens of tools/list per profile and per listed
// item (-tokens, short for -only tokens, measures only that).
//
//	go run ./bench                       # about 5 minutes with the defaults
//	go run ./bench -duration 1s -large=false
//	go run ./bench -markdown BENCHMARKS.md
//	go run ./bench -tokens               # the context cost alone, in seconds
//	go run ./bench -only latency -markdown BENCHMARKS.md   # that part alone, its sections replaced
//
// It measures and reports; it does not judge the numbers. Everything binds
// 127.0.0.1 and every loop is bounded in time.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// options are the command line.
type options struct {
	duration    time.Duration // measured time per load cell
	warmup      time.Duration // unmeasured time per load cell before it
	concurrency []int
	large       bool
	objects     int
	startupRuns int
	markdown    string
	profileDir  string // server CPU profiles, one per load cell through it and one per listing row
	// The APS-latency scenarios: the emulator's added latency (0: not
	// run), the team's members and each one's walks.
	apsLatency           time.Duration
	teamUsers, teamWalks int
	// only are the parts to run (benchParts); empty runs them all.
	only map[string]bool
}

// benchParts are the parts of a run, in the order they run.
var benchParts = []string{"startup", "load", "oauth", "large", "latency", "tokens"}

// runs reports whether the run includes part.
func (o options) runs(part string) bool { return len(o.only) == 0 || o.only[part] }

func main() {
	var o options
	var conc, only string
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured `time` per load cell (path × concurrency)")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured warm-up `time` per load cell")
	flag.StringVar(&conc, "concurrency", "1,16,64", "comma-separated `list` of concurrencies (workers, one client each)")
	flag.BoolVar(&o.large, "large", true, "run the large listing (list_objects over -objects objects)")
	flag.IntVar(&o.objects, "objects", 100000, "objects in the large listing's bucket (`N`, pages of 100)")
	flag.IntVar(&o.startupRuns, "startup-runs", 10, "how many times to time stdio start-up (`N`)")
	tokensOnly := flag.Bool("tokens", false, "measure only the context cost (tools/list per profile, tokens per listed item; a few seconds): short for -only tokens")
	flag.StringVar(&o.markdown, "markdown", "", "also write the report as Markdown to `FILE`")
	flag.StringVar(&o.profileDir, "cpuprofile", "", "also save the server's CPU profile during each load cell through it in `DIR` (go tool pprof DIR/raw-json-rpc-stateless-c16.pprof; the OAuth rows' cells are measured in two halves, one profile each) and over each single-user listing row's two calls (DIR/listing-list-issues.pprof); profiling costs the server some CPU, so take the figures from a run without it")
	flag.DurationVar(&o.apsLatency, "aps-latency", 50*time.Millisecond, "APS round-trip `time` the emulator adds in the team walk and the single-user listings; 0 leaves them out")
	flag.IntVar(&o.teamUsers, "team-users", 20, "`members` of the team that walks at once")
	flag.IntVar(&o.teamWalks, "team-walks", 2, "`walks` each team member makes, back to back")
	flag.StringVar(&only, "only", "", "run only these parts, comma-separated (`LIST` of "+strings.Join(benchParts, ", ")+"); with -markdown, only their sections of FILE are replaced")
	serveEmu := flag.Bool(serveEmulatorFlag, false, "internal: be the APS emulator process the benchmark starts")
	var emu emuConfig
	emuFlags(flag.CommandLine, &emu)
	serveStub := flag.String(serveStubFlag, "", "internal: be the mcp-go stub process, answering with the JSON in `FILE`")
	flag.Parse()
	// This program is the load generator, the emulator and the mcp-go
	// stub. The first two are not what is measured: collecting less often
	// leaves more of the shared cores to the server, as a load generator
	// written in C would. The stub so runs at the GOGC aps-mcp defaults to.
	debug.SetGCPercent(400)
	if *serveEmu {
		if err := serveEmulator(emu); err != nil {
			fatalf("emulator: %v", err)
		}
		return
	}
	if *serveStub != "" {
		if err := serveMCPStub(*serveStub); err != nil {
			fatalf("mcp-go stub: %v", err)
		}
		return
	}
	if flag.NArg() > 0 {
		fatalf("unexpected argument %q", flag.Arg(0))
	}
	for f := range strings.SplitSeq(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fatalf("-concurrency: %q is not a positive integer", f)
		}
		o.concurrency = append(o.concurrency, n)
	}
	if *tokensOnly {
		only = "tokens"
	}
	if only != "" {
		o.only = map[string]bool{}
		for f := range strings.SplitSeq(only, ",") {
			f = strings.TrimSpace(f)
			if !slices.Contains(benchParts, f) {
				fatalf("-only: %q is not one of %s", f, strings.Join(benchParts, ", "))
			}
			o.only[f] = true
		}
	}
	if o.duration <= 0 || o.warmup < 0 || o.objects < 1 || o.startupRuns < 1 || o.apsLatency < 0 || o.teamUsers < 1 || o.teamWalks < 1 {
		fatalf("-duration must be positive, -warmup and -aps-latency not negative, -objects, -startup-runs, -team-users and -team-walks at least 1")
	}
	if o.profileDir != "" {
		if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
			fatalf("-cpuprofile: %v", err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o)
	stop()
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

// progressf tells the person waiting what is running; the report goes to stdout.
func progressf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func run(ctx context.Context, o options) error {
	began := time.Now()
	rep := &report{opts: o, command: commandLine()}

	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "aps-mcp-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	progressf("building aps-mcp")
	t0 := time.Now()
	bin, err := buildBinary(ctx, root, tmp)
	if err != nil {
		return err
	}
	rep.buildTime = time.Since(t0)

	progressf("starting the APS emulator process")
	emu, err := startEmulatorProcess(ctx, emuConfig{})
	if err != nil {
		return err
	}
	defer emu.stop()
	base := emu.url
	env := serverEnv{bin: bin, root: root, baseURL: base, workDir: tmp}
	if o.runs("startup") {
		progressf("timing stdio start-up (%d runs)", o.startupRuns)
		if rep.startup, err = measureStartup(ctx, env, o.startupRuns); err != nil {
			return err
		}
	}
	if o.runs("load") {
		// The floor's token.
		rc := newAPSClient()
		token, err := fetchToken(ctx, rc, base)
		if err != nil {
			return err
		}
		rep.ownTokens = 1
		if rep.load, err = measureLoad(ctx, env, emu, o, rc, token); err != nil {
			return err
		}
		rep.serverProcs = 1
	}
	if o.runs("oauth") {
		if rep.oauth, err = measureOAuth(ctx, env, emu, o); err != nil {
			return err
		}
	}
	if o.large && o.runs("large") {
		if rep.large, err = measureLarge(ctx, env, emu, o.objects); err != nil {
			return err
		}
		rep.serverProcs++
	}
	if o.apsLatency > 0 && o.runs("latency") {
		if rep.latency, err = measureLatency(ctx, env, o); err != nil {
			return err
		}
	}
	stats, err := emu.stats(ctx)
	if err != nil {
		return err
	}
	rep.tokenRequests = stats.TokenRequests
	if o.runs("tokens") {
		if rep.tokens, err = measureTokens(ctx, env); err != nil {
			return err
		}
	}
	rep.total = time.Since(began)
	if err := rep.write(o); err != nil {
		return err
	}
	if n := rep.failedCalls(); n > 0 {
		return fmt.Errorf("%d calls failed during the load (see the errors column); the numbers above are not clean", n)
	}
	return nil
}

// write prints the report and, when asked, writes it as Markdown.
func (r *report) write(o options) error {
	r.writeText(os.Stdout)
	if o.markdown == "" {
		return nil
	}
	if err := r.writeMarkdownFile(o.markdown); err != nil {
		return err
	}
	progressf("wrote %s", o.markdown)
	return nil
}

// commandLine is how this run was invoked, for the report.
func commandLine() string {
	args := []string{"go", "run", "./bench"}
	for _, a := range os.Args[1:] {
		if a == "" || strings.ContainsAny(a, " \t\"'$\\") {
			a = strconv.Quote(a)
		}
		args = append(args, a)
	}
	return strings.Join(args, " ")
}
