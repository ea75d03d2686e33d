package e2e_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"

	"github.com/aps-mcp/aps-mcp/defaults"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestTruncatedAnswersFailLoudly: an answer cut short with a matching
// Content-Length is retried, and when every attempt comes back cut the
// call says so: no listing ends early as if it were whole, and no single
// answer is read as something else.
func TestTruncatedAnswersFailLoudly(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	const attempts = 3
	c := httpClient(t, startServer(t, base, serverOptions{profilesDir: testProfiles(t,
		"retry: {max_attempts: 3, base_delay: 1ms, max_delay: 2ms, max_wait: 5s}\n")}))
	emu.SetFaults(apsemu.Faults{RateTruncated: 1})
	for _, call := range []struct {
		tool string
		args map[string]any
	}{
		{"list_objects", map[string]any{"bucket_key": demoBucket}},
		{"get_bucket_details", map[string]any{"bucket_key": demoBucket}},
	} {
		before := emu.AnswersCut()
		r := callTool(t, c, call.tool, call.args)
		if !r.isError || !strings.Contains(r.text, "cut short") {
			t.Errorf("%s: want an error saying APS's answer was cut short, got %.300q", call.tool, r.text)
		}
		if n := emu.AnswersCut() - before; n != attempts {
			t.Errorf("%s: %d answers cut, want %d: each attempt retried", call.tool, n, attempts)
		}
	}
}

// listingRun is what 100 listings under faults came to.
type listingRun struct {
	calls, truncated, failed, lost, silentShort, duplicates int
}

// faultBucket is a bucket of 45 objects that small pages list in five.
const faultBucket = "fault-test-bucket"

// smallPages is a server whose list_objects asks for pages of 10 objects,
// with faultBucket added to the emulator.
func smallPages(t *testing.T, emu *apsemu.Emulator, base, profiles string) *client.Client {
	t.Helper()
	emu.AddBucket(apsemu.Bucket{Key: faultBucket, Owner: apsemu.DemoClientID, Region: "US", PolicyKey: "transient", CreatedDate: 1704153601000})
	for i := range 45 {
		emu.AddObject(apsemu.Object{BucketKey: faultBucket, Key: sprintf("part-%02d.ipt", i), SHA1: strings.Repeat("a", 40), ContentType: "application/octet-stream", Size: int64(i)})
	}
	shipped, err := os.ReadFile(filepath.Join(repoRoot, "tools.yaml"))
	must(t, err)
	small := strings.Replace(string(shipped), "page_size_param: limit, page_size: 100}\n    result: '{object_key", "page_size_param: limit, page_size: 10}\n    result: '{object_key", 1)
	toolsFile := filepath.Join(t.TempDir(), "tools.yaml")
	must(t, os.WriteFile(toolsFile, []byte(small), 0o600))
	return httpClient(t, startServer(t, base, serverOptions{toolsFile: toolsFile, profilesDir: profiles}))
}

// runListings lists faultBucket n times, 10 at a time, resuming every
// truncated result from its cursor, and counts what came back.
func runListings(t *testing.T, c *client.Client, emu *apsemu.Emulator, n int) listingRun {
	t.Helper()
	want := objectKeys(emu, faultBucket)
	var run listingRun
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, 10)
	for range n {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			seen := map[string]int{}
			args := map[string]any{"bucket_key": faultBucket}
			var truncated, failed, calls int
			ended := false // a result without truncated came back
			for !ended && calls < 50 {
				calls++
				r, err := callToolErr(c, "list_objects", args)
				if err != nil || r.isError {
					// Only a call's first page fails the call (later ones
					// end it with a cursor): nothing was fetched, and the
					// call is made again as it was, cursor and all.
					failed++
					continue
				}
				for _, it := range r.structured["items"].([]any) {
					k, _ := it.(map[string]any)["object_key"].(string)
					seen[k]++ // "" for an item read from a page cut short
				}
				if r.structured["truncated"] != true {
					ended = true
					continue
				}
				truncated++
				if !strings.Contains(r.text, "APS") {
					t.Errorf("a truncated listing does not say what APS answered: %.300s", r.text)
				}
				args = map[string]any{"bucket_key": faultBucket, "cursor": r.structured["cursor"]}
			}
			mu.Lock()
			defer mu.Unlock()
			run.calls += calls
			run.truncated += truncated
			run.failed += failed
			for _, k := range want {
				switch seen[k] {
				case 0:
					run.lost++
				case 1:
				default:
					run.duplicates++
				}
			}
			if ended && (len(seen) != len(want) || seen[""] > 0) {
				run.silentShort++ // it ended as if whole, items missing
			}
		}()
	}
	wg.Wait()
	return run
}

// TestListingsLoseNothingUnderFaults: listings of five pages with 30% of
// requests answered 429, 10% 503 and 10% cut short. With the retries of
// the resilience tests none of 25 fails and every one is whole; of 100
// with the default five attempts (waits shortened), pages that run out of them end
// their listing with truncated, a cursor and APS's message, and resuming
// from the cursors completes every listing. No item is lost and no short
// listing looks whole; a call whose first page runs out of attempts fails
// loudly, with nothing fetched to lose, and is made again.
func TestListingsLoseNothingUnderFaults(t *testing.T) {
	for _, tc := range []struct {
		name, retry  string
		listings     int
		wantComplete bool // no listing needs its cursor
	}{
		{"ample retries", fastRetries, 25, true},
		{"default attempts", "retry: {max_attempts: 5, base_delay: 1ms, max_delay: 2ms, max_wait: 5s}\n", 100, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emu, base := emulator(t, apsemu.Options{})
			c := smallPages(t, emu, base, unsharedProfiles(t, tc.retry+"limits: {call_timeout: 20s}\n"))
			emu.SetFaults(apsemu.Faults{Rate429: 0.3, Rate503: 0.1, RateTruncated: 0.1, Seed: 11})
			run := runListings(t, c, emu, tc.listings)
			n429, n503 := emu.FaultsInjected()
			t.Logf("%d listings, %d calls: %d truncated with a cursor (all resumed to the end), %d failed on their first page (made again), %d items lost, %d duplicated, %d silently short; faults: %d 429, %d 503, %d cut",
				tc.listings, run.calls, run.truncated, run.failed, run.lost, run.duplicates, run.silentShort, n429, n503, emu.AnswersCut())
			if run.lost != 0 || run.duplicates != 0 || run.silentShort != 0 {
				t.Errorf("%d items lost, %d duplicated, %d listings silently short", run.lost, run.duplicates, run.silentShort)
			}
			if tc.wantComplete && (run.truncated != 0 || run.failed != 0) {
				t.Errorf("%d listings truncated and %d failed with ample retries", run.truncated, run.failed)
			}
			if !tc.wantComplete && run.truncated == 0 {
				t.Error("no listing ran out of retries part-way: the run did not exercise the cursor")
			}
			if emu.AnswersCut() == 0 || n429 == 0 || n503 == 0 {
				t.Error("the run met no fault of some kind")
			}
		})
	}
}

// TestHostileCompressedAnswer: a small gzip answer that inflates to 200
// MiB is refused at the cap on one answer, with an error naming it, and
// the server's heap stays within a few times the cap, far below the
// inflated size.
func TestHostileCompressedAnswer(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{}))
	const bomb = 200 << 20
	emu.SetFaults(apsemu.Faults{GzipBombBytes: bomb})
	// One call: single answers go through the same exchange (apshttp's
	// TestAnswersAreCapped), and inflating up to the cap takes a while
	// under the race detector.
	for _, call := range []struct {
		tool string
		args map[string]any
	}{
		{"list_objects", map[string]any{"bucket_key": demoBucket}},
	} {
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		peak := sampleHeap()
		r := callTool(t, c, call.tool, call.args)
		grew := peak() - base.HeapInuse
		t.Logf("%s: heap in use peaked %d MiB above its level before the call; the test process's peak RSS so far: %s", call.tool, grew>>20, peakRSS())
		if !r.isError || !strings.Contains(r.text, "bytes") || !strings.Contains(r.text, "most one answer may hold") {
			t.Errorf("%s: want an error naming the cap on one answer, got %.300q", call.tool, r.text)
		}
		// The answer is read up to the cap into a buffer that doubles as
		// it fills; the rest is garbage not yet collected.
		if grew > 4*defaults.MaxAnswerBytes {
			t.Errorf("%s: heap grew %d MiB for a hostile answer", call.tool, grew>>20)
		}
	}
}

// peakRSS is the process's peak resident set (VmHWM), where Linux tells.
func peakRSS() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// sampleHeap samples the heap in use every millisecond until the function
// it returns is called, which returns the highest sample.
func sampleHeap() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		return peak.Load()
	}
}
