package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// apsCheckCalls is how many calls per OAuth path the emulator counts the
// APS requests of, before the load.
const apsCheckCalls = 50

// unwatched is a prefix no APS request has: the emulator's meter then
// counts nothing, as during the rest of the load.
const unwatched = "/_bench/unwatched"

// oauthResult is the OAuth part of the report.
type oauthResult struct {
	cells []cell
	hubs  int // items oauthTool lists for the person
	// apsPerCall is the APS requests per call the emulator saw on each
	// path (by row name), over apsCheckCalls calls.
	apsPerCall map[string]float64
	// signIns are the APS sign-ins (code exchanges) behind the rows: the
	// 3lo server's one and the team server's one per access token.
	signIns int
}

// measureOAuth runs the 3lo server signed in and the team server side by
// side and loads each with the raw stateless client calling oauthTool at
// each concurrency, the two in turn, each cell in two halves.
func measureOAuth(ctx context.Context, env serverEnv, emu *emulatorProc, o options) (*oauthResult, error) {
	progressf("starting the 3lo server (signed in once, nothing in front of /mcp)")
	plain, err := startServer(ctx, env, serverSpec{profile: "3lo", pprof: o.profileDir != "", env: func(addr string) []string {
		return []string{"APS_CALLBACK_URL=http://" + addr + "/callback"} // the sign-in comes back to this server
	}})
	if err != nil {
		return nil, err
	}
	defer plain.stop()
	res := &oauthResult{apsPerCall: map[string]float64{}}
	if res.hubs, err = signInThreeLegged(ctx, plain.url); err != nil {
		return nil, err
	}
	res.signIns = 1

	progressf("starting the team server (OAuth in front of /mcp)")
	team, err := startServer(ctx, env, serverSpec{profile: "team", pprof: o.profileDir != "", env: func(addr string) []string {
		return []string{"APS_MCP_PUBLIC_URL=http://" + addr}
	}})
	if err != nil {
		return nil, err
	}
	defer team.stop()
	pool := &bearerPool{signIn: func(ctx context.Context) (string, error) {
		return signInTeam(ctx, strings.TrimSuffix(team.url, "/mcp"))
	}}
	plainPath := rawPath(plain.url, modernProtocol, hubsCall(res.hubs))
	plainPath.name = plainOAuthName
	targets := []struct {
		p   path
		srv *serverProc
	}{{plainPath, plain}, {bearerPath(teamOAuthName, team.url, hubsCall(res.hubs), pool), team}}

	for _, tg := range targets {
		if res.apsPerCall[tg.p.name], err = apsRequestsPerCall(ctx, emu, tg.p); err != nil {
			return nil, fmt.Errorf("%s: %w", tg.p.name, err)
		}
	}
	for _, n := range o.concurrency {
		// Half of each cell's time in the order A B B A, so a change in
		// what else the shared cores run weighs on both rows alike.
		var halves [2][]cell
		for _, i := range []int{0, 1, 1, 0} {
			tg := targets[i]
			progressf("load: %s at concurrency %d (%v + %v warm-up, half %d of 2)", tg.p.name, n, o.duration/2, o.warmup, len(halves[i])+1)
			procs := cellProcs{serverPID: tg.srv.pid(), emulatorPID: emu.pid()}
			if o.profileDir != "" {
				procs.pprofURL = tg.srv.pprofURL
				procs.profileFile = filepath.Join(o.profileDir, fmt.Sprintf("%s-c%d-half%d.pprof", slug(tg.p.name), n, len(halves[i])+1))
			}
			got, err := runCell(ctx, tg.p, n, o.warmup, o.duration/2, procs)
			if err != nil {
				return nil, fmt.Errorf("%s at concurrency %d: %w", tg.p.name, n, err)
			}
			halves[i] = append(halves[i], got)
		}
		for _, h := range halves {
			c := h[0].merged(h[1])
			c.lats = nil
			res.cells = append(res.cells, c)
		}
	}
	for _, tg := range targets {
		select {
		case <-tg.srv.exited:
			return nil, fmt.Errorf("aps-mcp (%s) exited during the load (%v):\n%s", tg.p.name, tg.srv.err, tg.srv.stderr)
		default:
		}
	}
	res.signIns += pool.count()
	return res, nil
}

// apsRequestsPerCall is how many APS requests one call on p makes, as the
// emulator counts them over apsCheckCalls calls after a first one (which
// may fill the server's caches).
func apsRequestsPerCall(ctx context.Context, emu *emulatorProc, p path) (float64, error) {
	c, _, err := p.connect(ctx)
	if err != nil {
		return 0, err
	}
	defer c.close()
	call := func() error {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		return c.call(ctx)
	}
	if err := call(); err != nil {
		return 0, err
	}
	if err := emu.watch(ctx, "/"); err != nil {
		return 0, err
	}
	for range apsCheckCalls {
		if err := call(); err != nil {
			return 0, err
		}
	}
	st, err := emu.stats(ctx)
	if err != nil {
		return 0, err
	}
	if err := emu.watch(ctx, unwatched); err != nil {
		return 0, err
	}
	return float64(st.Requests) / apsCheckCalls, nil
}
