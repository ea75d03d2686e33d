// Command bench measures the aps-mcp server end to end: it builds the
// binary, runs it as a separate process against the APS emulator (this
// program again, as a third process, on loopback) and reports, in one
// run, tools/call throughput and latency for both MCP protocol
// generations next to the same APS request made directly (the floor),
// a call through a team server's OAuth against the same call without it,
// stdio start-up time, the server's memory, one very large listing, and
// how many tokens the emulator issued, and what a model reads: tokens of
// tools/list per profile and per listed item (-tokens measures only that).
//
//	go run ./bench                       # about 3 minutes with the defaults
//	go run ./bench -duration 1s -large=false
//	go run ./bench -markdown BENCHMARKS.md
//	go run ./bench -tokens               # the context cost alone, in seconds
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
	profileDir  string // server CPU profiles, one per load cell through it
	tokensOnly  bool   // measure the context cost alone
}

func main() {
	var o options
	var conc string
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured `time` per load cell (path × concurrency)")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured warm-up `time` per load cell")
	flag.StringVar(&conc, "concurrency", "1,16,64", "comma-separated `list` of concurrencies (workers, one client each)")
	flag.BoolVar(&o.large, "large", true, "run the large listing (list_objects over -objects objects)")
	flag.IntVar(&o.objects, "objects", 100000, "objects in the large listing's bucket (`N`, pages of 100)")
	flag.IntVar(&o.startupRuns, "startup-runs", 10, "how many times to time stdio start-up (`N`)")
	flag.BoolVar(&o.tokensOnly, "tokens", false, "measure only the context cost (tools/list per profile, tokens per listed item; a few seconds) and report it")
	flag.StringVar(&o.markdown, "markdown", "", "also write the report as Markdown to `FILE`")
	flag.StringVar(&o.profileDir, "cpuprofile", "", "also save the server's CPU profile during each load cell through it in `DIR` (go tool pprof DIR/raw-json-rpc-stateless-c16.pprof; the OAuth rows' cells are measured in two halves, one profile each); profiling costs the server some CPU, so take the figures from a run without it")
	serveEmu := flag.Bool(serveEmulatorFlag, false, "internal: be the APS emulator process the benchmark starts")
	serveStub := flag.String(serveStubFlag, "", "internal: be the mcp-go stub process, answering with the JSON in `FILE`")
	flag.Parse()
	// This program is the load generator, the emulator and the mcp-go
	// stub. The first two are not what is measured: collecting less often
	// leaves more of the shared cores to the server, as a load generator
	// written in C would. The stub so runs at the GOGC aps-mcp defaults to.
	debug.SetGCPercent(400)
	if *serveEmu {
		if err := serveEmulator(); err != nil {
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
	if o.tokensOnly && o.markdown != "" {
		fatalf("-markdown writes the whole report; -tokens only prints the context cost")
	}
	if o.duration <= 0 || o.warmup < 0 || o.objects < 1 || o.startupRuns < 1 {
		fatalf("-duration must be positive, -warmup not negative, -objects and -startup-runs at least 1")
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
	emu, err := startEmulatorProcess(ctx)
	if err != nil {
		return err
	}
	defer emu.stop()
	base := emu.url
	env := serverEnv{bin: bin, root: root, baseURL: base, workDir: tmp}
	if o.tokensOnly {
		if rep.tokens, err = measureTokens(ctx, env); err != nil {
			return err
		}
		return rep.write(o)
	}

	progressf("timing stdio start-up (%d runs)", o.startupRuns)
	if rep.startup, err = measureStartup(ctx, env, o.startupRuns); err != nil {
		return err
	}

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

	if rep.oauth, err = measureOAuth(ctx, env, emu, o); err != nil {
		return err
	}

	if o.large {
		if rep.large, err = measureLarge(ctx, env, emu, o.objects); err != nil {
			return err
		}
		rep.serverProcs++
	}
	stats, err := emu.stats(ctx)
	if err != nil {
		return err
	}
	rep.tokenRequests = stats.TokenRequests
	if rep.tokens, err = measureTokens(ctx, env); err != nil {
		return err
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
