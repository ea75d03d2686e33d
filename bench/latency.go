package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/aps-mcp/aps-mcp/config"
)

// soloWalks is how many times the lone member walks, back to back.
const soloWalks = 5

// latencyResult is the APS-latency part of the report.
type latencyResult struct {
	latency    time.Duration
	solo, team walkPhase
	listings   []listingRow
}

// measureLatency runs the APS-latency scenarios, each phase on a world of
// its own (see world): the single-user listings, one member walking alone
// and the team walking at once.
func measureLatency(ctx context.Context, env serverEnv, o options) (*latencyResult, error) {
	res := &latencyResult{latency: o.apsLatency}
	cfg := emuConfig{latency: o.apsLatency, limits: true, users: 1, large: true}
	var err error
	if res.listings, err = measureListings(ctx, env, cfg, o.profileDir); err != nil {
		return nil, err
	}

	progressf("APS latency: one member walking alone, %d walks", soloWalks)
	if res.solo, err = walkWorld(ctx, env, cfg, soloWalks); err != nil {
		return nil, err
	}
	cfg.users = o.teamUsers
	progressf("APS latency: %d members walking at once, %d walks each", o.teamUsers, o.teamWalks)
	if res.team, err = walkWorld(ctx, env, cfg, o.teamWalks); err != nil {
		return nil, err
	}
	return res, nil
}

// walkWorld starts a world of cfg.users members and has them all walk
// walksEach times.
func walkWorld(ctx context.Context, env serverEnv, cfg emuConfig, walksEach int) (walkPhase, error) {
	w, err := startWorld(ctx, env, cfg, "", false)
	if err != nil {
		return walkPhase{}, err
	}
	defer w.stop()
	return runWalks(ctx, w.emu, w.team.url, w.team.pid(), w.tokens, walksEach)
}

// measureListings runs the single-user listings: the member's through the
// team server, the app's through a 2lo server, both with raised caps.
// With profileDir, each server's CPU profile over each of its listings'
// two calls is saved there (see profileListing).
func measureListings(ctx context.Context, env serverEnv, cfg emuConfig, profileDir string) ([]listingRow, error) {
	profiles, err := raiseLimits(env, "profiles-listings", listingLimits, "team", "2lo")
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"team", "2lo"} {
		p, err := config.LoadProfile(profiles, name, config.EnvFromMap(nil), config.Overrides{})
		if err != nil || p.Limits.MaxItems != 5000 {
			return nil, fmt.Errorf("the raised %s profile: limits %+v, %v", name, p.Limits, err)
		}
	}
	progressf("APS latency: single-user listings")
	w, err := startWorld(ctx, env, cfg, profiles, profileDir != "")
	if err != nil {
		return nil, err
	}
	defer w.stop()
	app, err := startServer(ctx, w.env, serverSpec{profilesDir: profiles, pprof: profileDir != ""})
	if err != nil {
		return nil, err
	}
	defer app.stop()
	user, appCases := listingCases()
	var rows []listingRow
	for _, set := range []struct {
		srv   *serverProc
		token string
		cases []listingCase
	}{{w.team, w.tokens[0], user}, {app, "", appCases}} {
		for _, lc := range set.cases {
			saved := profileListing(ctx, set.srv.pprofURL, profileDir, lc.call.tool)
			row, err := measureListing(ctx, w.emu, set.srv.url, set.token, lc, cfg.latency)
			if err := errors.Join(err, saved()); err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// Profiling a listing row: the server's CPU profile is asked for before
// the row's first call, for long enough to cover both calls; the calls
// start once the server has had time to start the profile.
const (
	listingProfileTime  = 2 * time.Second
	listingProfileStart = 100 * time.Millisecond
)

// profileListing starts saving the CPU profile of the server at pprofURL
// for tool's listing row in dir (DIR/listing-list-issues.pprof) and
// returns what waits until it is saved; without a dir it does nothing.
func profileListing(ctx context.Context, pprofURL, dir, tool string) (saved func() error) {
	if dir == "" || pprofURL == "" {
		return func() error { return nil }
	}
	done := make(chan error, 1)
	file := filepath.Join(dir, "listing-"+slug(tool)+".pprof")
	go func() { done <- recordProfile(ctx, pprofURL, file, time.Now(), listingProfileTime) }()
	time.Sleep(listingProfileStart) // before the row's calls: nothing is measured yet
	return func() error { return <-done }
}
