package e2e_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/aps-mcp/aps-mcp/internal/redistest"
)

// teamDeployment is what every replica of one team server shares: one
// Redis, one sealing key, one public URL (the balancer's), one APS.
func teamDeployment(t *testing.T, apsBase, publicURL string) map[string]string {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	env := emulatorEnv(apsBase)
	env["APS_MCP_STORE"] = redistest.Start(t)
	env["APS_MCP_STORE_KEY"] = base64.StdEncoding.EncodeToString(key)
	env["APS_MCP_PUBLIC_URL"] = publicURL
	return env
}

func startTeamReplica(t *testing.T, env map[string]string) *replica {
	t.Helper()
	return startReplica(t, env, "--profile", "team")
}

// twoTeamReplicas starts two replicas of one team deployment on apsBase,
// both behind a round-robin balancer that is their public URL; env is the
// deployment's settings, for starting more.
func twoTeamReplicas(t *testing.T, apsBase string) (lb *balancer, env map[string]string, r1, r2 *replica) {
	t.Helper()
	lb = newBalancer(t)
	env = teamDeployment(t, apsBase, lb.URL)
	r1, r2 = startTeamReplica(t, env), startTeamReplica(t, env)
	lb.add(r1.URL)
	lb.add(r2.URL)
	return lb, env, r1, r2
}

// oauthSteps are the sign-in's requests that pick up state an earlier one
// left in the store, each with the step it continues.
var oauthSteps = []struct{ method, path, after string }{
	{"GET", "/authorize", "POST /register"},  // the registered client
	{"POST", "/authorize", "GET /authorize"}, // the consent request
	{"GET", "/callback", "POST /authorize"},  // the APS sign-in's state
	{"POST", "/token", "GET /callback"},      // the authorization code
}

// TestTeamReplicasOnOneRedis: any replica serves any step. The sign-in
// through a round-robin balancer hands its state from replica to replica;
// calls with the same tokens keep working while one replica is stopped
// mid-way; a fresh process, alone, then takes the same MCP token and
// refreshes it, and the APS tokens sealed at sign-in serve it too.
func TestTeamReplicasOnOneRedis(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	lb, env, r1, r2 := twoTeamReplicas(t, base)

	tokens := transport.NewMemoryTokenStore()
	c := oauthClientWithStore(t, lb.URL+"/mcp", newBrowser(t), tokens)
	checkSignInCrossedReplicas(t, lb.log())
	signedIn := storedToken(t, tokens)

	load := callAcrossStop(t, c, func() {
		r1.Stop()
		if up := lb.checkHealth(); up != 1 {
			t.Errorf("after stopping replica 0 the balancer sees %d replicas up, want 1", up)
		}
	})
	t.Logf("calls through the balancer: before the stop %d made, %d failed; while replica 0 stopped %d made, %d failed %q; after the switch %d made, %d failed",
		load.made[phaseBefore], load.failed[phaseBefore], load.made[phaseSwitching], load.failed[phaseSwitching], load.switchErrors,
		load.made[phaseAfter], load.failed[phaseAfter])
	if load.failed[phaseBefore] != 0 || load.failed[phaseAfter] != 0 || load.made[phaseAfter] == 0 {
		t.Errorf("calls failed with both replicas up or after the balancer switched: %+v", load)
	}
	if now := storedToken(t, tokens); now.AccessToken != signedIn.AccessToken {
		t.Error("the client's MCP token changed; the calls were to keep using the one it signed in with")
	}

	// A restart: a fresh process with the same settings, and the last of
	// the processes that saw the sign-in stopped, so it serves alone.
	r3 := startTeamReplica(t, env)
	fresh := lb.add(r3.URL)
	r2.Stop()
	if up := lb.checkHealth(); up != 1 {
		t.Fatalf("with only the fresh replica running the balancer sees %d up", up)
	}
	who := callTool(t, c, "whoami", nil)
	if who.isError || !strings.Contains(who.text, apsemu.DemoUserID) {
		t.Fatalf("whoami on the fresh replica with the MCP token of the sign-in = %s", who.text)
	}
	refreshOnFreshReplica(t, c, tokens, lb, fresh)

	t.Logf("APS: %d code exchanges, %d refresh requests, %d token requests in all; balancer hits per replica %v",
		emu.CodeExchanges(), emu.RefreshExchanges(), emu.TokenRequests(), lb.hits())
	if emu.CodeExchanges() != 1 || emu.RefreshExchanges() != 0 {
		t.Errorf("APS code exchanges = %d, refreshes = %d; want the one sign-in's tokens, sealed in Redis, to serve every replica",
			emu.CodeExchanges(), emu.RefreshExchanges())
	}
}

// checkSignInCrossedReplicas checks that the sign-in's steps were served by
// both replicas and that at least one step picked up state another replica
// left, and logs which replica served each step.
func checkSignInCrossedReplicas(t *testing.T, log []servedRequest) {
	t.Helper()
	servedBy := map[string]int{} // "METHOD /path" → backend, of its first occurrence
	var seq []string
	for _, r := range log {
		step := r.Method + " " + r.Path
		if _, ok := servedBy[step]; !ok {
			servedBy[step] = r.Backend
		}
		seq = append(seq, step+"→"+strconv.Itoa(r.Backend))
	}
	t.Logf("sign-in through the balancer (request→replica): %s", strings.Join(seq, ", "))
	crossed := 0
	backends := map[int]bool{}
	for _, s := range oauthSteps {
		step := s.method + " " + s.path
		here, ok := servedBy[step]
		before, ok2 := servedBy[s.after]
		if !ok || !ok2 {
			t.Fatalf("the sign-in made no %s or no %s", step, s.after)
		}
		backends[here], backends[before] = true, true
		if here != before {
			crossed++
		}
	}
	t.Logf("sign-in steps that continued on another replica: %d of %d", crossed, len(oauthSteps))
	if len(backends) != 2 || crossed == 0 {
		t.Errorf("the sign-in's steps did not spread over both replicas (crossings %d)", crossed)
	}
}

func storedToken(t *testing.T, ts transport.TokenStore) transport.Token {
	t.Helper()
	tok, err := ts.GetToken(context.Background())
	if err != nil || tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("the client holds no MCP tokens: %v", err)
	}
	return *tok
}

// Phases of callAcrossStop's calls.
const (
	phaseBefore    = iota // started and ended with both replicas up
	phaseSwitching        // overlapped the stop, before the balancer knew of it
	phaseAfter            // started once the balancer routed around the stopped replica
)

// loadFigures counts calls by phase, and says how those that overlapped
// the stop failed.
type loadFigures struct {
	made, failed [3]int
	switchErrors []string
}

// callAcrossStop keeps a few callers busy with c while stop runs: calls
// before it, during it and after it (until each caller made
// callsAfterSwitch more), counted by phase: a call that overlapped stop in
// any way counts as switching.
func callAcrossStop(t *testing.T, c *client.Client, stop func()) loadFigures {
	t.Helper()
	const callers, warmCalls, callsAfterSwitch, maxCalls = 3, 6, 5, 200
	var phase atomic.Int32
	var mu sync.Mutex
	var fig loadFigures
	warm := make(chan struct{})
	var warmOnce sync.Once
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			after := 0
			for range maxCalls {
				started := phase.Load()
				r, err := callToolErr(c, "list_hubs", nil)
				p := started
				if phase.Load() != phaseBefore && started != phaseAfter {
					p = phaseSwitching // overlapped the stop
				}
				mu.Lock()
				fig.made[p]++
				if err != nil || r.isError {
					fig.failed[p]++
					if p != phaseSwitching {
						t.Errorf("call in phase %d: %v %s", p, err, r.text)
					} else {
						fig.switchErrors = append(fig.switchErrors, fmt.Sprint(err, r.text))
					}
				}
				if fig.made[phaseBefore] >= warmCalls {
					warmOnce.Do(func() { close(warm) })
				}
				mu.Unlock()
				if p == phaseAfter {
					if after++; after == callsAfterSwitch {
						return
					}
				}
			}
		}()
	}
	<-warm // each call is bounded, failed ones count too
	phase.Store(phaseSwitching)
	stop()
	phase.Store(phaseAfter)
	wg.Wait()
	return fig
}

// refreshOnFreshReplica makes the client's MCP access token look expired so
// mcp-go refreshes it, which only the fresh replica can now answer, and
// checks the rotated tokens work.
func refreshOnFreshReplica(t *testing.T, c *client.Client, tokens transport.TokenStore, lb *balancer, fresh int) {
	t.Helper()
	old := storedToken(t, tokens)
	expired := old
	expired.ExpiresAt = time.Now().Add(-time.Minute)
	if err := tokens.SaveToken(context.Background(), &expired); err != nil {
		t.Fatal(err)
	}
	seen := len(lb.log())
	if r := callTool(t, c, "list_hubs", nil); r.isError || len(items(t, r)) == 0 {
		t.Fatalf("list_hubs after refreshing on the fresh replica: %s", r.text)
	}
	now := storedToken(t, tokens)
	if now.AccessToken == old.AccessToken || now.RefreshToken == old.RefreshToken {
		t.Error("the MCP tokens did not rotate: mcp-go did not refresh them")
	}
	refreshed := false
	for _, r := range lb.log()[seen:] {
		refreshed = refreshed || (r.Method == "POST" && r.Path == "/token" && r.Backend == fresh)
	}
	if !refreshed {
		t.Error("the fresh replica answered no token request")
	}
}

// TestTeamReplicasRefreshOnce: when a person's APS access token stops
// working, two replicas serving that person's calls at once make exactly
// one APS refresh between them (the refresh lock in Redis), and every call
// succeeds; five rounds, so a race has room to show.
func TestTeamReplicasRefreshOnce(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	lb := newBalancer(t)
	env := teamDeployment(t, base, lb.URL)
	env["APS_MCP_PACE"] = unpaced // more list_hubs a minute than APS allows: the refreshes are the point
	replicas := []*replica{startTeamReplica(t, env), startTeamReplica(t, env)}
	for _, r := range replicas {
		lb.add(r.URL)
	}
	tokens := transport.NewMemoryTokenStore()
	oauthClientWithStore(t, lb.URL+"/mcp", newBrowser(t), tokens)
	access := storedToken(t, tokens).AccessToken

	// Each replica directly, with the same MCP token; one call each first,
	// so both hold the person's APS token when it stops working.
	var clients []*client.Client
	for _, r := range replicas {
		c := bearerClient(t, r.URL.String()+"/mcp", access)
		items(t, callTool(t, c, "list_hubs", nil))
		clients = append(clients, c)
	}
	const rounds, callsPerRound = 5, 8
	var deltas []int64
	for round := range rounds {
		emu.ExpireAccessTokens()
		before := emu.RefreshExchanges()
		callConcurrently(t, clients, callsPerRound, "whoami", nil) // a read no tool caches
		delta := emu.RefreshExchanges() - before
		deltas = append(deltas, delta)
		if delta != 1 {
			t.Errorf("round %d: %d APS refresh requests for %d concurrent calls on two replicas, want 1", round, delta, callsPerRound)
		}
	}
	t.Logf("APS refresh requests per round (%d calls each, half per replica): %v; %d token requests in all",
		callsPerRound, deltas, emu.TokenRequests())
}
