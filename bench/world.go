package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// The APS-latency scenarios (the team walk and the single-user listings)
// run against emulators of their own: every request waits the round trip
// APS takes, APS's published per-minute limits are enforced, and the data
// holds the bench's team members and listings larger than the demo's.
// Each phase gets a fresh emulator and server, so each starts with whole
// budgets and empty caches and no phase pays for another's requests.

// emuConfig configures an emulator process; the zero value is the plain
// demo emulator the load rows use.
type emuConfig struct {
	latency time.Duration // added to every resource API request
	limits  bool          // APS's published per-minute limits (apsemu.PublishedRateLimits)
	users   int           // team members added beside the demo users (benchUserID)
	large   bool          // the 450-project hub, the 1,000-issue project, the 250-object bucket
}

// The emulator process's internal flags, one per emuConfig field.
const (
	emuLatencyFlag = "emulator-latency"
	emuLimitsFlag  = "emulator-limits"
	emuUsersFlag   = "emulator-users"
	emuLargeFlag   = "emulator-large"
)

// emuFlags declares the emulator process's flags on fs, filling c.
func emuFlags(fs *flag.FlagSet, c *emuConfig) {
	fs.DurationVar(&c.latency, emuLatencyFlag, 0, "internal: the emulator process's added latency")
	fs.BoolVar(&c.limits, emuLimitsFlag, false, "internal: the emulator process enforces APS's published rate limits")
	fs.IntVar(&c.users, emuUsersFlag, 0, "internal: team members the emulator process adds")
	fs.BoolVar(&c.large, emuLargeFlag, false, "internal: the emulator process holds the large listings")
}

// args are the flags that start an emulator process configured as c.
func (c emuConfig) args() []string {
	var out []string
	if c.latency > 0 {
		out = append(out, "-"+emuLatencyFlag+"="+c.latency.String())
	}
	if c.limits {
		out = append(out, "-"+emuLimitsFlag)
	}
	if c.users > 0 {
		out = append(out, "-"+emuUsersFlag+"="+strconv.Itoa(c.users))
	}
	if c.large {
		out = append(out, "-"+emuLargeFlag)
	}
	return out
}

// The large listings' data, seeded with emuConfig.large.
const (
	largeHubID     = "b.5eed0000-0000-4000-8000-000000000450"
	largeHubName   = "Bench – 450 projects"
	largeHubSize   = 450
	largeIssues    = 1000
	objectsBucket  = "aps-mcp-bench-250"
	objectsInRows  = 250
	largeProjectID = "5eed0000-0000-4000-8001-000000000001" // the first project, holding the issues (ACC id, no "b.")
)

// benchUserID is the Autodesk user ID of the bench's i-th team member (from 1).
func benchUserID(i int) string { return fmt.Sprintf("APSEMUBENCH%03d", i) }

// newEmulator builds the emulator cfg describes. Its model views answer
// at once (no 202 while APS extracts them), so a walk is the same every time.
func newEmulator(cfg emuConfig) *apsemu.Emulator {
	var opts apsemu.Options
	if cfg.limits {
		opts.RateLimits = apsemu.PublishedRateLimits()
	}
	emu := apsemu.New(opts)
	emu.SetMetadataReady(true)
	for i := 1; i <= cfg.users; i++ {
		emu.AddUser(apsemu.User{ID: benchUserID(i), GivenName: "Member", FamilyName: strconv.Itoa(i),
			Email: fmt.Sprintf("member%02d@team.example", i), AllHubs: true})
	}
	if cfg.large {
		emu.AddHub(apsemu.Hub{ID: largeHubID, Name: largeHubName})
		for i := 1; i <= largeHubSize; i++ {
			emu.AddProject(apsemu.Project{ID: fmt.Sprintf("b.5eed0000-0000-4000-8001-%012d", i), HubID: largeHubID,
				Name: fmt.Sprintf("Site %03d", i)})
		}
		emu.SeedIssues(largeProjectID, largeIssues)
		fillBucket(emu, objectsBucket, objectsInRows)
	}
	if cfg.latency > 0 {
		emu.SetFaults(apsemu.Faults{Latency: cfg.latency})
	}
	return emu
}

// world is one emulator process with a team server in front of it and
// team members signed in to the server, each with an MCP access token.
type world struct {
	emu    *emulatorProc
	env    serverEnv // the servers' environment, pointing at emu
	team   *serverProc
	tokens []string // tokens[i] is benchUserID(i+1)'s
}

// startWorld starts an emulator configured as cfg, a team server with the
// profiles in profilesDir (the shipped ones when empty), serving its
// pprof endpoints with pprof, and signs in cfg.users members,
// concurrently.
func startWorld(ctx context.Context, env serverEnv, cfg emuConfig, profilesDir string, pprof bool) (*world, error) {
	w := &world{}
	err := w.start(ctx, env, cfg, profilesDir, pprof)
	if err != nil {
		w.stop()
		return nil, err
	}
	return w, nil
}

func (w *world) start(ctx context.Context, env serverEnv, cfg emuConfig, profilesDir string, pprof bool) error {
	var err error
	if w.emu, err = startEmulatorProcess(ctx, cfg); err != nil {
		return err
	}
	w.env = env
	w.env.baseURL = w.emu.url
	w.team, err = startServer(ctx, w.env, serverSpec{profile: "team", profilesDir: profilesDir, pprof: pprof, env: func(addr string) []string {
		return []string{"APS_MCP_PUBLIC_URL=http://" + addr}
	}})
	if err != nil {
		return err
	}
	w.tokens, err = signInMembers(ctx, strings.TrimSuffix(w.team.url, "/mcp"), w.emu.url, cfg.users)
	return err
}

// signInMembers signs the first n bench members in to the team server at
// root, concurrently, and returns their access tokens in member order.
func signInMembers(ctx context.Context, root, emuURL string, n int) ([]string, error) {
	tokens := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { tokens[i], errs[i] = signInTeamAs(ctx, root, emuURL, benchUserID(i+1)) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("signing in %s: %w", benchUserID(i+1), err)
		}
	}
	return tokens, nil
}

// stop ends the world's processes.
func (w *world) stop() {
	if w.team != nil {
		w.team.stop()
	}
	if w.emu != nil {
		w.emu.stop()
	}
}
