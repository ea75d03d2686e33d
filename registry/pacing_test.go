package registry

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/aps-mcp/aps-mcp/internal/redistest"
	"github.com/aps-mcp/aps-mcp/store"
)

// projectsEndpoint is the emulator's route of list_projects, whose shipped
// budget is APS's published 50 requests a minute.
const projectsEndpoint = "/project/v1/hubs/{hub_id}/projects"

// shortWindow stands in for APS's minute in the tests that spend whole
// budgets: the emulator enforces 50 per window, and the pacing keeps 50 per
// window. shortMargin is what the pacing adds to it for the delay between
// booking a slot and the request's arrival, which on two cores shared by
// parallel test runs under -race reaches hundreds of milliseconds (a
// minute's default margin is 1.2 s).
const (
	shortWindow = 2 * time.Second
	shortMargin = time.Second
)

// nearZero429s is how many 429s the emulator may answer a paced load: none
// on a machine that runs the requests when they are due, a few when one so
// overloaded delays a request past the margin. None of them ever reaches a
// tool result: the retries absorb them.
const nearZero429s = 3

// emulatorHost lets the ssa kind register its service account.
type emulatorHost struct{ emu *apsemu.Emulator }

func (h emulatorHost) DemoCredentials() (string, string) {
	return apsemu.DemoClientID, apsemu.DemoClientSecret
}

func (h emulatorHost) AddServiceAccount(id, keyID string, key *rsa.PublicKey) {
	h.emu.AddServiceAccount(apsemu.ServiceAccount{ID: id, KeyID: keyID, Key: key})
}

// limitedEmulator serves an emulator enforcing limit requests per window on
// list_projects' endpoint for each application.
func limitedEmulator(t *testing.T, limit int, window time.Duration) (*apsemu.Emulator, string) {
	t.Helper()
	emu := apsemu.New(apsemu.Options{RateLimits: []apsemu.RateLimit{
		{Method: http.MethodGet, Pattern: projectsEndpoint, Limit: limit, Window: window},
	}})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return emu, srv.URL
}

// memorySlots is a memory store for a test's pacing, closed when it ends.
func memorySlots(t *testing.T) *store.Memory {
	t.Helper()
	m := store.NewMemory()
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// ssaEnv registers a service account with emu, once per emulator: the
// variables the ssa kind reads.
func ssaEnv(t *testing.T, emu *apsemu.Emulator) map[string]string {
	t.Helper()
	kind, _ := authproviders.Lookup("ssa")
	env, err := kind.Emulate(emulatorHost{emu})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// shippedRuntime is the shipped catalogue served against the emulator at
// base as the service account of env (Data Management wants a user), paced
// by pacing (nil: not paced), retrying as the profiles' defaults do.
func shippedRuntime(t *testing.T, base string, env map[string]string, pacing *apshttp.Pacing) (*Runtime, *Catalog) {
	t.Helper()
	c, err := Load(filepath.Join("..", "tools.yaml"), LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope})
	if err != nil {
		t.Fatal(err)
	}
	httpc := apshttp.NewClient(apshttp.ClientOptions{})
	auth, err := authproviders.New("ssa", authproviders.Settings{
		BaseURL: base, Scopes: []string{"data:read"}, HTTP: httpc,
		Credentials: authproviders.Credentials{ClientID: apsemu.DemoClientID, ClientSecret: apsemu.DemoClientSecret},
		Env:         func(k string) string { return env[k] },
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Runtime{BaseURL: base, HTTP: httpc, Auth: auth, Retry: apshttp.DefaultRetryPolicy(),
		CursorKey: CursorKey("test"), Logger: discardLogger(), Pacing: pacing}, c
}

// smallestHub is the seeded hub with the fewest projects (one page).
func smallestHub(t *testing.T, emu *apsemu.Emulator) string {
	t.Helper()
	best, n := "", 0
	for _, h := range emu.Hubs() {
		if k := len(emu.Projects(h.ID)); k > 0 && (best == "" || k < n) {
			best, n = h.ID, k
		}
	}
	if best == "" || n > 200 {
		t.Fatalf("no hub with one page of projects (smallest has %d)", n)
	}
	return best
}

// callOutcomes counts what concurrent calls came back with.
type callOutcomes struct {
	mu          sync.Mutex
	ok, errors  int
	rateLimited int // tool results that speak of a 429
	texts       []string
}

// callAll makes n calls of list_projects on hub at once, spread over rts.
func callAll(t *testing.T, rts []*Runtime, tool *Tool, n int, hub string) *callOutcomes {
	t.Helper()
	var out callOutcomes
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := mcp.CallToolRequest{}
			req.Params.Name, req.Params.Arguments = tool.Name, map[string]any{"hub_id": hub}
			res, err := rts[i%len(rts)].Handler(tool)(context.Background(), req)
			out.mu.Lock()
			defer out.mu.Unlock()
			switch {
			case err != nil:
				t.Errorf("call %d: %v", i, err)
			case res.IsError:
				out.errors++
				out.texts = append(out.texts, resultText(res))
			default:
				out.ok++
			}
			if res != nil && strings.Contains(resultText(res), "429") {
				out.rateLimited++
			}
		}()
	}
	wg.Wait()
	return &out
}

// TestPacingKeepsConcurrentCallersWithinTheBudget: 100 concurrent calls of
// list_projects, one request each, against an emulator that allows 50 a
// window, all succeed, and (near) no request draws a 429: the pacing spreads
// them over two windows. Without pacing the same load meets the emulator's
// 429s.
func TestPacingKeepsConcurrentCallersWithinTheBudget(t *testing.T) {
	const calls = 100
	emu, base := limitedEmulator(t, 50, shortWindow)
	pacing := &apshttp.Pacing{Slots: memorySlots(t), App: apsemu.DemoClientID, Window: shortWindow, Margin: shortMargin}
	rt, c := shippedRuntime(t, base, ssaEnv(t, emu), pacing)
	hub := smallestHub(t, emu)
	start := time.Now()
	got := callAll(t, []*Runtime{rt}, c.Tools["list_projects"], calls, hub)
	t.Logf("paced: %d calls in %v: %d ok, %d errors, %d results naming a 429; the emulator refused %d",
		calls, time.Since(start).Round(time.Millisecond), got.ok, got.errors, got.rateLimited, emu.RateLimited())
	if got.ok != calls || got.rateLimited != 0 || emu.RateLimited() > nearZero429s {
		t.Errorf("paced: %d of %d calls ok, %d results with a 429, %d 429s from the emulator; want all ok, none in results, at most %d from the emulator: %q",
			got.ok, calls, got.rateLimited, emu.RateLimited(), nearZero429s, got.texts)
	}

	emu2, base2 := limitedEmulator(t, 50, shortWindow)
	unpaced, c2 := shippedRuntime(t, base2, ssaEnv(t, emu2), nil)
	unpaced.Retry = apshttp.RetryPolicy{MaxAttempts: 1} // count the 429s, not how retries hide them
	got = callAll(t, []*Runtime{unpaced}, c2.Tools["list_projects"], calls, smallestHub(t, emu2))
	t.Logf("unpaced: %d ok, %d results naming a 429; the emulator refused %d", got.ok, got.rateLimited, emu2.RateLimited())
	if emu2.RateLimited() == 0 || got.rateLimited == 0 {
		t.Errorf("unpaced, the emulator refused %d and %d results named a 429: the load does not test the pacing", emu2.RateLimited(), got.rateLimited)
	}
}

// TestPacingSharedAcrossReplicasOnRedis: two servers, each with its own
// connection to one Redis, book in the same windows: 100 calls spread
// over both draw (near) no 429. Two servers pacing in their own memory
// each spend the whole budget, and together draw 429s.
func TestPacingSharedAcrossReplicasOnRedis(t *testing.T) {
	const calls = 100
	redisURL := redistest.Start(t)
	replicas := func(t *testing.T, slots func() apshttp.SlotBooker, retry apshttp.RetryPolicy) (*apsemu.Emulator, []*Runtime, *Tool, string) {
		emu, base := limitedEmulator(t, 50, shortWindow)
		env := ssaEnv(t, emu)
		var rts []*Runtime
		var tool *Tool
		for range 2 {
			rt, c := shippedRuntime(t, base, env, &apshttp.Pacing{Slots: slots(), App: apsemu.DemoClientID, Window: shortWindow, Margin: shortMargin})
			rt.Retry = retry
			rts, tool = append(rts, rt), c.Tools["list_projects"]
		}
		return emu, rts, tool, smallestHub(t, emu)
	}
	openRedis := func() apshttp.SlotBooker {
		s, err := store.Open(context.Background(), redisURL+"?prefix="+strings.ReplaceAll(t.Name(), "/", "-")+":")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s.(store.Pacer)
	}

	emu, rts, tool, hub := replicas(t, openRedis, apshttp.DefaultRetryPolicy())
	start := time.Now()
	got := callAll(t, rts, tool, calls, hub)
	t.Logf("shared on Redis: %d calls over 2 replicas in %v: %d ok, %d results naming a 429; the emulator refused %d",
		calls, time.Since(start).Round(time.Millisecond), got.ok, got.rateLimited, emu.RateLimited())
	if got.ok != calls || got.rateLimited != 0 || emu.RateLimited() > nearZero429s {
		t.Errorf("shared budget: %d of %d ok, %d results with a 429, %d 429s from the emulator; want all ok, none in results, at most %d from the emulator: %q",
			got.ok, calls, got.rateLimited, emu.RateLimited(), nearZero429s, got.texts)
	}

	// Without retries, so that every 429 shows.
	emu, rts, tool, hub = replicas(t, func() apshttp.SlotBooker { return memorySlots(t) }, apshttp.RetryPolicy{MaxAttempts: 1})
	got = callAll(t, rts, tool, calls, hub)
	t.Logf("each in its own memory: %d ok, %d results naming a 429; the emulator refused %d", got.ok, got.rateLimited, emu.RateLimited())
	if emu.RateLimited() == 0 {
		t.Error("two replicas pacing apart drew no 429: the load does not test the sharing")
	}
}

// TestPacingBeyondTheTimeBudgetStopsWithACursor: when the next page's slot
// is further away than the call can wait, the listing returns the pages
// it has, truncated, with a cursor and the reason, and sends nothing APS
// would refuse; a call that cannot get even its first page says when to
// try again.
func TestPacingBeyondTheTimeBudgetStopsWithACursor(t *testing.T) {
	emu, base := limitedEmulator(t, 50, time.Minute)
	slots := memorySlots(t)
	rt, c := shippedRuntime(t, base, ssaEnv(t, emu), &apshttp.Pacing{Slots: slots, App: apsemu.DemoClientID})
	rt.Limits.CallTimeout = 3 * time.Second
	tool := c.Tools["list_projects"]
	big := ""
	for _, h := range emu.Hubs() {
		if len(emu.Projects(h.ID)) > 200 {
			big = h.ID
		}
	}
	if big == "" {
		t.Fatal("no seeded hub with over 200 projects")
	}
	// Other callers have spent 49 of the minute's 50 requests.
	for range 49 {
		if _, ok, err := slots.Reserve(context.Background(), "pace:"+apsemu.DemoClientID+":GET "+"/project/v1/hubs/{hub_id}/projects", 50, time.Minute+1200*time.Millisecond, 0); !ok || err != nil {
			t.Fatalf("spending the budget: %v %v", ok, err)
		}
	}
	l, res := callList(t, rt, tool, map[string]any{"hub_id": big})
	if res.IsError || l.Count != 200 || !l.Truncated || l.Cursor == "" ||
		!strings.Contains(l.Note, "before page 2, to stay within APS's rate limit") || !strings.Contains(l.Note, "50 requests a minute") {
		t.Fatalf("want the two pages the budget allowed, truncated, with a cursor and the reason; got %d items, truncated %v, note %q, %s",
			l.Count, l.Truncated, l.Note, resultText(res))
	}
	var doc map[string]any
	_ = json.Unmarshal(res.RawStructuredContent, &doc)
	if msg, _ := doc["error"].(string); !strings.Contains(msg, "next free slot") {
		t.Errorf("error %q, want the budget's reason", msg)
	}
	_, res = callList(t, rt, tool, map[string]any{"hub_id": big, CursorArg: l.Cursor})
	if text := resultText(res); !res.IsError || !strings.Contains(text, "try again in") {
		t.Errorf("resuming at once: want an error saying when to try again, got %s", text)
	}
	if emu.RateLimited() != 0 {
		t.Errorf("the emulator refused %d requests; the budget was to keep them unsent", emu.RateLimited())
	}
}

// TestA429HoldsTheNextCallers: when APS allows fewer requests than the
// budget in tools.yaml says (another process of the application spent
// them, or Autodesk's limit is lower), its 429's Retry-After holds the
// budget: the next call waits it out and succeeds instead of drawing a
// 429 of its own, as it does when nothing holds it.
func TestA429HoldsTheNextCallers(t *testing.T) {
	for _, held := range []bool{true, false} {
		emu, base := limitedEmulator(t, 1, shortWindow) // tools.yaml's budget is 50
		pacing := &apshttp.Pacing{Slots: memorySlots(t), App: apsemu.DemoClientID, Window: shortWindow, Margin: shortMargin}
		if !held {
			pacing = nil
		}
		rt, c := shippedRuntime(t, base, ssaEnv(t, emu), pacing)
		rt.Retry = apshttp.RetryPolicy{MaxAttempts: 1} // the 429 itself comes back
		hub := smallestHub(t, emu)
		one := []*Runtime{rt}
		if got := callAll(t, one, c.Tools["list_projects"], 1, hub); got.ok != 1 {
			t.Fatalf("held %v: the first call: %q", held, got.texts)
		}
		if got := callAll(t, one, c.Tools["list_projects"], 1, hub); got.rateLimited != 1 {
			t.Fatalf("held %v: the second call within the window: %d ok, %q; want APS's 429", held, got.ok, got.texts)
		}
		start := time.Now()
		got := callAll(t, one, c.Tools["list_projects"], 1, hub)
		took := time.Since(start)
		switch {
		case held && (got.ok != 1 || emu.RateLimited() != 1 || took < 500*time.Millisecond):
			t.Errorf("held: the third call took %v: %d ok, %q; the emulator refused %d; want it to wait out the Retry-After and succeed",
				took, got.ok, got.texts, emu.RateLimited())
		case !held && got.rateLimited != 1:
			t.Errorf("unheld: the third call at once: %d ok, %q; want a 429 of its own (else this test cannot tell)", got.ok, got.texts)
		}
	}
}
