package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestOAuthTableReportsTheCost: the OAuth table divides each team row by
// the 3lo row at the same concurrency and says what OAuth costs of
// calls/s, in the text output too.
func TestOAuthTableReportsTheCost(t *testing.T) {
	at := func(path string, n, calls int) cell {
		return cell{path: path, protocol: modernProtocol, concurrency: n, calls: calls, elapsed: time.Second}
	}
	r := &report{opts: options{duration: time.Second, concurrency: []int{1, 16}}, startup: startupResult{runs: []time.Duration{time.Millisecond}}, oauth: &oauthResult{
		hubs: 4, apsPerCall: map[string]float64{plainOAuthName: 1, teamOAuthName: 1},
		cells: []cell{at(plainOAuthName, 1, 1000), at(teamOAuthName, 1, 1010), at(plainOAuthName, 16, 2000), at(teamOAuthName, 16, 1800)},
	}}
	tb := r.oauthTable()
	if got := tb.rows[3][6]; got != "0.900×" {
		t.Errorf("team at 16 ÷ no-OAuth = %q, want 0.900×", got)
	}
	if got := tb.rows[2][6]; got != "" {
		t.Errorf("the 3lo row has a ratio %q to itself", got)
	}
	var out bytes.Buffer
	r.writeText(&out)
	for _, want := range []string{
		"OAuth costs -1.0% of calls/s at concurrency 1: 1010 calls/s with it, 1000 without",
		"OAuth costs 10.0% of calls/s at concurrency 16: 1800 calls/s with it, 2000 without",
		"1.00 without OAuth, 1.00 with it",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the text output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestMergeMarkdownReplacesItsParts: a run of some parts puts its
// sections where that part's were, keeps the other parts' and unmarked
// ones, and appends a part the report did not have.
func TestMergeMarkdownReplacesItsParts(t *testing.T) {
	r := &report{opts: options{only: map[string]bool{"latency": true}}, command: "go run ./bench -only latency",
		latency: &latencyResult{latency: 50 * time.Millisecond,
			solo:     walkPhase{members: 1, walksEach: 5, p50: time.Second},
			team:     walkPhase{members: 20, walksEach: 2, p50: 1500 * time.Millisecond},
			listings: []listingRow{{name: "450 projects of a hub", tool: "list_projects", items: 450, first: 150 * time.Millisecond, firstAPS: 3, latency: 50 * time.Millisecond}}}}
	old := "# aps-mcp benchmarks\n\nintro\n\n## Unmarked\n\nold unmarked\n\n" +
		partMarker + "latency -->\n## Team walk, old\n\nstale\n\n" + partMarker + "load -->\n## Load\n\nload rows\n\n"
	got := string(r.mergeMarkdown([]byte(old)))
	for _, want := range []string{"# aps-mcp benchmarks\n\nintro\n\n## Unmarked\n\nold unmarked\n\n" + partMarker + "latency -->\n## Team walk at 50.0 ms",
		"| 20 members at once | 20 × 2 | 1.500 s |", "Team p50 ÷ one member's p50: 1.50×", "| 450 projects of a hub | list_projects | 450 | 0.150 s | 3.0 | 3 |",
		"Measured by a run of these parts alone: `go run ./bench -only latency`", partMarker + "load -->\n## Load\n\nload rows\n\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("merged report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "stale") || strings.Count(got, "## Single-user listings") != 1 {
		t.Errorf("the old latency section stayed, or the new one is there twice:\n%s", got)
	}
	appended := string(r.mergeMarkdown([]byte("# aps-mcp benchmarks\n\n## Unmarked\n\nkept\n")))
	if !strings.HasPrefix(appended, "# aps-mcp benchmarks\n\n## Unmarked\n\nkept\n"+partMarker+"latency -->\n## Team walk") {
		t.Errorf("the latency sections were not appended:\n%s", appended)
	}
}

// TestMergeMarkdownKeepsTheSummaryOfOtherParts: a run of the load part
// alone leaves the summary, whose start-up and large-listing rows it
// does not measure, as it was, and replaces the load sections.
func TestMergeMarkdownKeepsTheSummaryOfOtherParts(t *testing.T) {
	r := &report{opts: options{only: map[string]bool{"load": true}, concurrency: []int{1}}, command: "go run ./bench -only load",
		load: &loadResult{idleRSS: 30 << 20}}
	if !slices.ContainsFunc(r.tables(), func(t table) bool { return t.part == summaryPart }) {
		t.Fatal("a load run makes no summary table: the test tests nothing")
	}
	old := "# aps-mcp benchmarks\n\n" + partMarker + "summary -->\n## Start-up, memory, large listing, tokens\n\n| stdio | 80 ms |\n\n" +
		partMarker + "load -->\n## Load\n\nstale load rows\n\n"
	got := string(r.mergeMarkdown([]byte(old)))
	if !strings.Contains(got, "| stdio | 80 ms |") || strings.Count(got, "## Start-up, memory") != 1 || strings.Contains(got, "stale load rows") {
		t.Errorf("merged report:\n%s", got)
	}
}

// TestStubTableDividesByTheStub: each raw row is set against the stub's
// row of the same protocol and concurrency, and our layer's own CPU is
// the difference.
func TestStubTableDividesByTheStub(t *testing.T) {
	at := func(path, protocol string, n, calls int, cpu time.Duration) cell {
		return cell{path: path, protocol: protocol, concurrency: n, calls: calls, elapsed: time.Second, serverCPU: cpu}
	}
	r := &report{load: &loadResult{cells: []cell{
		at(floorName, "HTTP/1.1", 16, 9000, 0),
		at("raw JSON-RPC, stateless", modernProtocol, 16, 3000, 400*time.Microsecond),
		at("mcp-go client", modernProtocol, 16, 1800, 450*time.Microsecond),
		at(stubName+", stateless", modernProtocol, 16, 7500, 200*time.Microsecond),
	}}}
	tb, ok := r.stubTable()
	if !ok || len(tb.rows) != 1 {
		t.Fatalf("stub table: %v, %d rows, want the raw row alone", ok, len(tb.rows))
	}
	want := []string{modernProtocol, "16", "3000", "7500", "0.40×", "0.40 ms", "0.20 ms", "0.20 ms", "50%"}
	if got := tb.rows[0]; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("row = %q, want %q", got, want)
	}
}
