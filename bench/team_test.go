package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// testWorld is a world in process: the bench's emulator (metered, with
// its /_bench/ paths) and a team server, members signed in.
func testWorld(t *testing.T, cfg emuConfig) (*apsemu.Emulator, *emulatorProc, string, []string) {
	t.Helper()
	emu := newEmulator(cfg)
	es := httptest.NewServer(emulatorHandler(emu))
	t.Cleanup(es.Close)
	team := serveProfile(t, es.URL, "team", map[string]string{"APS_MCP_PUBLIC_URL": "http://ADDR"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tokens, err := signInMembers(ctx, strings.TrimSuffix(team, "/mcp"), es.URL, cfg.users)
	if err != nil {
		t.Fatal(err)
	}
	return emu, &emulatorProc{child: &child{url: es.URL}, client: &http.Client{}}, team, tokens
}

// TestTeamWalkCounts: a member walks alone, then two members of another
// team walk at once, each to the properties; the emulator counts each
// phase's requests, and two members, each with a token of their own,
// send twice what one does. With 429s injected, the phase counts as many as
// the emulator sent, results carry at most that many, and every walk
// either completes or is counted failed.
func TestTeamWalkCounts(t *testing.T) {
	cfg := emuConfig{latency: 2 * time.Millisecond, limits: true, users: 1, large: true}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	_, ctl, team, tokens := testWorld(t, cfg)
	solo, err := runWalks(ctx, ctl, team, 0, tokens, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(solo.walks) != 1 || solo.failed != 0 || solo.p50 != solo.walks[0] || solo.p99 != solo.walks[0] {
		t.Fatalf("solo: %d walks, %d failed (%s), p50 %v p99 %v", len(solo.walks), solo.failed, solo.firstErr, solo.p50, solo.p99)
	}
	if solo.apsRequests < walkSteps || solo.received429 != 0 || solo.with429 != 0 {
		t.Errorf("solo: %d APS requests for %d steps, %d 429s received, %d in results", solo.apsRequests, walkSteps, solo.received429, solo.with429)
	}
	cfg.users = 2
	_, ctl2, team2, tokens2 := testWorld(t, cfg)
	if tokens2[0] == tokens2[1] {
		t.Fatal("two members share an access token")
	}
	pair, err := runWalks(ctx, ctl2, team2, 0, tokens2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(pair.walks) != 2 || pair.failed != 0 || pair.members != 2 {
		t.Fatalf("pair: %d walks of %d members, %d failed (%s)", len(pair.walks), pair.members, pair.failed, pair.firstErr)
	}
	if pair.apsRequests != 2*solo.apsRequests {
		t.Errorf("two members sent %d APS requests, one sent %d", pair.apsRequests, solo.apsRequests)
	}

	emu3, ctl3, team3, tokens3 := testWorld(t, cfg)
	emu3.SetFaults(apsemu.Faults{Latency: 2 * time.Millisecond, Rate429: 0.15, Seed: 7})
	faulty, err := runWalks(ctx, ctl3, team3, 0, tokens3, 2)
	if err != nil {
		t.Fatal(err)
	}
	injected, _ := emu3.FaultsInjected()
	if faulty.received429 != injected || injected == 0 {
		t.Errorf("the phase counted %d 429s, the emulator injected %d (want some)", faulty.received429, injected)
	}
	if faulty.with429 > int(faulty.received429) || len(faulty.walks)+faulty.failed != 4 {
		t.Errorf("%d results with a 429 of %d received; %d walks + %d failed, want 4", faulty.with429, faulty.received429, len(faulty.walks), faulty.failed)
	}
}

// TestListingCounts: a listing's two calls each count their own APS
// requests, and the big listings hold what they say.
func TestListingCounts(t *testing.T) {
	cfg := emuConfig{latency: 2 * time.Millisecond, users: 1, large: true}
	emu, ctl, team, tokens := testWorld(t, cfg)
	if n := len(emu.Projects(largeHubID)); n != largeHubSize {
		t.Errorf("the large hub has %d projects, want %d", n, largeHubSize)
	}
	if n := len(emu.Issues(largeProjectID)); n != largeIssues {
		t.Errorf("the large project has %d issues, want %d", n, largeIssues)
	}
	if n := len(emu.Objects(objectsBucket)); n != objectsInRows {
		t.Errorf("the bucket has %d objects, want %d", n, objectsInRows)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	hubs := len(emu.Hubs())
	lc := listingCase{name: "hubs", call: rawCall{tool: "list_hubs", args: `{}`, marker: `{"id":`, want: hubs}, apsFor: "/project/v1/hubs"}
	row, err := measureListing(ctx, ctl, team, tokens[0], lc, cfg.latency)
	if err != nil {
		t.Fatal(err)
	}
	if row.firstAPS != 1 || row.againAPS > row.firstAPS || row.first < cfg.latency || row.roundTrips(row.first) < 1 {
		t.Errorf("%d hubs: first call %d APS requests in %v (%.1f round trips), again %d", hubs, row.firstAPS, row.first, row.roundTrips(row.first), row.againAPS)
	}
}
