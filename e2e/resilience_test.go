package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// testProfiles writes profiles into a fresh directory: the shipped ones
// with extra settings appended (fast retries, small caps), so fault tests
// wait milliseconds, not seconds.
func testProfiles(t *testing.T, extra string) string {
	t.Helper()
	return editedProfiles(t, func(body []byte) []byte { return append(body, "\n"+extra...) })
}

// unsharedProfiles is testProfiles whose servers share no reads
// (server.share_reads: false): every call sends its own requests, so a
// run's faults meet every call's pages rather than one shared flight.
func unsharedProfiles(t *testing.T, extra string) string {
	t.Helper()
	return editedProfiles(t, func(body []byte) []byte {
		return append(bytes.Replace(body, []byte("\nserver:\n"), []byte("\nserver:\n  share_reads: false\n"), 1), "\n"+extra...)
	})
}

// editedProfiles copies the shipped profiles names (the 2lo, ssa and 3lo
// ones when it names none), each through edit, into a directory of their
// own.
func editedProfiles(t *testing.T, edit func([]byte) []byte, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	if len(names) == 0 {
		names = []string{"2lo", "ssa", "3lo"}
	}
	for _, name := range names {
		body, err := os.ReadFile(filepath.Join(repoRoot, "profiles", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		must(t, os.WriteFile(filepath.Join(dir, name+".yaml"), edit(body), 0o600))
	}
	return dir
}

// unpaced is APS_MCP_PACE for tests that send more requests a minute than
// APS's published limits allow (tools.yaml budgets), against an emulator
// that does not enforce them, to test something else.
const unpaced = "false"

const fastRetries = `retry: {max_attempts: 25, base_delay: 1ms, max_delay: 5ms, max_wait: 10s}
`

// TestListingsSurviveFaults: with 30% of API requests answered 429 and 10%
// answered 503, every listing in a 50-call run is complete and correct,
// and no call runs past its budget.
func TestListingsSurviveFaults(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	// Unpaced: the faults' retries send more list_projects a minute than
	// APS's budget allows; surviving the faults is the point.
	profiles := unsharedProfiles(t, fastRetries+"limits: {call_timeout: 20s, pace: false}\n")
	objects := httpClient(t, startServer(t, base, serverOptions{profilesDir: profiles}))
	projects := httpClient(t, startServer(t, base, serverOptions{profilesDir: profiles, profile: "ssa", emu: emu}))
	hub := bigHub(t, emu)
	wantObjects, wantProjects := len(emu.Objects(demoBucket)), len(emu.Projects(hub))
	emu.SetFaults(apsemu.Faults{Rate429: 0.3, Rate503: 0.1, RetryAfter: 0, Seed: 7})

	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, strings.TrimSpace(sprintf(format, args...)))
		mu.Unlock()
	}
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			var r toolResult
			var err error
			want := wantObjects
			if i%2 == 0 {
				r, err = callToolErr(objects, "list_objects", map[string]any{"bucket_key": demoBucket})
			} else {
				want = wantProjects
				r, err = callToolErr(projects, "list_projects", map[string]any{"hub_id": hub})
			}
			switch {
			case err != nil:
				fail("call %d: %v", i, err)
			case r.isError:
				fail("call %d: %s", i, r.text)
			case int(r.structured["count"].(float64)) != want || r.structured["truncated"] != nil:
				fail("call %d: %v items, want %d", i, r.structured["count"], want)
			}
			if d := time.Since(start); d > 20*time.Second {
				fail("call %d took %v, over its 20s budget", i, d)
			}
		}()
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	n429, n503 := emu.FaultsInjected()
	if n429 < 20 || n503 < 5 {
		t.Errorf("faults injected: %d 429s and %d 503s; the run did not exercise retries", n429, n503)
	}
}

// TestCancelStopsPagination: a call cancelled mid-listing stops sending
// APS requests within a second.
func TestCancelStopsPagination(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	shipped, err := os.ReadFile(filepath.Join(repoRoot, "tools.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// Five objects a page: the demo bucket takes over fifty pages.
	small := strings.Replace(string(shipped), "page_size_param: limit, page_size: 100}\n    result: '{object_key", "page_size_param: limit, page_size: 5}\n    result: '{object_key", 1)
	toolsFile := filepath.Join(t.TempDir(), "tools.yaml")
	must(t, os.WriteFile(toolsFile, []byte(small), 0o600))
	c := httpClient(t, startServer(t, base, serverOptions{toolsFile: toolsFile}))
	emu.SetFaults(apsemu.Faults{Latency: 25 * time.Millisecond})

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = "list_objects", map[string]any{"bucket_key": demoBucket}
		_, _ = c.CallTool(ctx, req)
	}()
	time.Sleep(300 * time.Millisecond)
	cancelled := time.Now()
	cancel()
	<-done
	time.Sleep(1200 * time.Millisecond)

	pages, late := 0, 0
	for _, r := range emu.Requests() {
		if r.Path == "/oss/v2/buckets/"+demoBucket+"/objects" {
			pages++
			if r.Time.After(cancelled.Add(time.Second)) {
				late++
			}
		}
	}
	if late > 0 {
		t.Errorf("%d page requests arrived more than a second after the cancel", late)
	}
	if pages == 0 || pages >= 53 {
		t.Errorf("%d page requests: want the listing interrupted midway", pages)
	}
}

// TestCapsAndCursorsEndToEnd: through a real client, a listing larger than
// the cap returns exactly the cap with a cursor, and the cursors walk every
// object exactly once.
func TestCapsAndCursorsEndToEnd(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profilesDir: testProfiles(t, "limits: {max_items: 100}\n")}))
	seen := map[string]int{}
	args := map[string]any{"bucket_key": demoBucket}
	for calls := 1; calls < 10; calls++ {
		r := callTool(t, c, "list_objects", args)
		got := items(t, r)
		for _, k := range field(got, "object_key") {
			seen[k]++
		}
		if r.structured["truncated"] != true {
			break
		}
		if len(got) != 100 {
			t.Errorf("truncated call %d returned %d items, want exactly the cap of 100", calls, len(got))
		}
		args = map[string]any{"bucket_key": demoBucket, "cursor": r.structured["cursor"]}
	}
	checkSeenOnce(t, seen, len(objectKeys(emu, demoBucket)), "across cursors")
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	return -1
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
