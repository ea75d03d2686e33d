package main

import (
	"context"
	"fmt"
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
	if res.listings, err = measureListings(ctx, env, cfg); err != nil {
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
	w, err := startWorld(ctx, env, cfg, "")
	if err != nil {
		return walkPhase{}, err
	}
	defer w.stop()
	return runWalks(ctx, w.emu, w.team.url, w.team.pid(), w.tokens, walksEach)
}

// measureListings runs the single-user listings: the member's through the
// team server, the app's through a 2lo server, both with raised caps.
func measureListings(ctx context.Context, env serverEnv, cfg emuConfig) ([]listingRow, error) {
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
	w, err := startWorld(ctx, env, cfg, profiles)
	if err != nil {
		return nil, err
	}
	defer w.stop()
	app, err := startServer(ctx, w.env, serverSpec{profilesDir: profiles})
	if err != nil {
		return nil, err
	}
	defer app.stop()
	user, appCases := listingCases()
	var rows []listingRow
	for _, set := range []struct {
		endpoint, token string
		cases           []listingCase
	}{{w.team.url, w.tokens[0], user}, {app.url, "", appCases}} {
		for _, lc := range set.cases {
			row, err := measureListing(ctx, w.emu, set.endpoint, set.token, lc, cfg.latency)
			if err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}
