package main

import (
	"fmt"
	"strings"
	"time"
)

// latencyTables are the APS-latency part: the walks, then the listings.
func (r *report) latencyTables() []table {
	l := r.latency
	lat := ms1(l.latency)
	walks := table{
		part:  "latency",
		title: fmt.Sprintf("Team walk at %s APS latency with APS's published per-minute limits enforced (team server, one MCP client and APS sign-in per member)", lat),
		header: []string{"walkers", "walks", "p50 walk", "p99 walk", "phase wall", "APS requests", "429s received",
			"results with a 429", "listings cut short", "failed walks", "server CPU/walk"},
		right: []bool{false, true, true, true, true, true, true, true, true, true, true},
	}
	for _, ph := range []struct {
		name string
		p    walkPhase
	}{{"one member alone", l.solo}, {fmt.Sprintf("%d members at once", l.team.members), l.team}} {
		p := ph.p
		cpu := ""
		if n := p.members * p.walksEach; n > 0 {
			cpu = ms(p.serverCPU / time.Duration(n))
		}
		walks.rows = append(walks.rows, []string{ph.name, fmt.Sprintf("%d × %d", p.members, p.walksEach), secs3(p.p50), secs3(p.p99),
			secs(p.wall), fmt.Sprint(p.apsRequests), fmt.Sprint(p.received429), fmt.Sprint(p.with429), fmt.Sprint(p.partial), fmt.Sprint(p.failed), cpu})
	}
	if l.solo.p50 > 0 {
		walks.notes = append(walks.notes, fmt.Sprintf("Team p50 ÷ one member's p50: %.2f× (%s against %s). "+
			"The machine's 1-minute load average went from %s to %s over the lone walks and from %s to %s over the team's (%s cores).",
			float64(l.team.p50)/float64(l.solo.p50), secs3(l.team.p50), secs3(l.solo.p50),
			l.solo.load[0], l.solo.load[1], l.team.load[0], l.team.load[1], nproc()))
	}
	walks.notes = append(walks.notes,
		fmt.Sprintf("A walk is %d tool calls, each with arguments from the result before: list_hubs (%q), list_projects (%q of its 230, two APS pages), "+
			"list_top_folders (%q), list_folder_contents (its first file), list_item_versions, get_manifest (the newest version's), "+
			"get_properties (the first model view's). Every member walks back to back; all start at the same moment.", walkSteps, walkHub, walkProject, walkFolder),
		"Each row ran on an emulator and team server of its own, started afresh: every phase begins with whole rate budgets and empty caches. "+
			"The emulator adds the latency to every APS resource request (not to token requests) and enforces apsemu.PublishedRateLimits "+
			"per application: hubs and projects 50 a minute, top folders and folder contents 300, issues 500 per user; versions and Model Derivative unlimited. "+
			"Each member is an emulator user of their own, signed in to the team server through its OAuth flow; all share the one APS application.",
		"APS requests and 429s received are counted by the emulator over the phase (token requests included); results with a 429 are tool results "+
			"whose text carries APS's 429 (an error, or a listing stopped early by one); listings cut short are results marked truncated for any reason; "+
			"server CPU/walk is the team server's CPU time over the phase (/proc, 10 ms ticks) divided by the walks. The p50 and p99 are over the walks that completed.")
	for _, p := range []walkPhase{l.solo, l.team} {
		if p.firstErr != "" {
			walks.notes = append(walks.notes, fmt.Sprintf("First failed walk of %d members: %s", p.members, firstLine(p.firstErr)))
		}
	}

	rows := table{
		part:   "latency",
		title:  fmt.Sprintf("Single-user listings at %s APS latency, all pages in one call", lat),
		header: []string{"listing", "tool", "items", "wall", "round trips", "APS requests", "again: wall", "again: APS requests"},
		right:  []bool{false, false, true, true, true, true, true, true},
	}
	for _, x := range l.listings {
		rows.rows = append(rows.rows, []string{x.name, x.tool, fmt.Sprint(x.items), secs3(x.first), fmt.Sprintf("%.1f", x.roundTrips(x.first)),
			fmt.Sprint(x.firstAPS), secs3(x.again), fmt.Sprint(x.againAPS)})
	}
	rows.notes = append(rows.notes,
		fmt.Sprintf("Round trips are the wall time divided by the %s latency: what the call costs in APS round trips, sequential or not. "+
			"APS requests are those the emulator counted for the listing's path during the call.", lat),
		"The projects and issues are one member's, through the team server; the objects the app's, through a 2lo server. "+
			"Both profiles' caps are raised for these rows (max_items 5000, max_bytes 50 MB) so that each call returns every item; "+
			"\"again\" is the same call from the same client at once, with whatever the server kept from the first.")
	return []table{walks, rows}
}

// stubTable compares the raw JSON-RPC rows with the mcp-go stub's at the
// same protocol and concurrency: how much of a call is aps-mcp's own
// layer (its tool, APS request and shaping) beyond mcp-go's transport.
func (r *report) stubTable() (table, bool) {
	t := table{
		part:  "load",
		title: "aps-mcp against the mcp-go stub (raw client, same result, same protocol and concurrency)",
		header: []string{"protocol", "concurrency", "aps-mcp calls/s", "stub calls/s", "aps-mcp ÷ stub", "aps-mcp CPU/call", "stub CPU/call",
			"our layer's own CPU/call", "our layer's share"},
		right: []bool{false, true, true, true, true, true, true, true, true},
	}
	if r.load == nil {
		return t, false
	}
	type key struct {
		protocol string
		n        int
	}
	stubs := map[key]cell{}
	for _, c := range r.load.cells {
		if strings.HasPrefix(c.path, stubName) {
			stubs[key{c.protocol, c.concurrency}] = c
		}
	}
	for _, c := range r.load.cells {
		s, ok := stubs[key{c.protocol, c.concurrency}]
		if !strings.HasPrefix(c.path, "raw JSON-RPC") || !ok || s.calls == 0 || c.calls == 0 {
			continue
		}
		own := c.serverCPU - s.serverCPU
		share := ""
		if c.serverCPU > 0 {
			share = fmt.Sprintf("%.0f%%", 100*float64(own)/float64(c.serverCPU))
		}
		t.rows = append(t.rows, []string{c.protocol, fmt.Sprint(c.concurrency), fmt.Sprintf("%.0f", c.perSecond()), fmt.Sprintf("%.0f", s.perSecond()),
			fmt.Sprintf("%.2f×", c.perSecond()/s.perSecond()), ms(c.serverCPU), ms(s.serverCPU), ms(own), share})
	}
	t.notes = append(t.notes, "From the rows above. The stub answers with aps-mcp's own result and makes no APS request, so its CPU/call is "+
		"mcp-go's transport for this result; our layer's own CPU/call is aps-mcp's less the stub's (the tool, its APS request and the shaping), "+
		"and its share is that part of aps-mcp's CPU/call. aps-mcp's calls also wait for the emulator's answer, which the stub's do not, so calls/s ÷ stub is below what CPU alone would give.")
	return t, len(t.rows) > 0
}

func secs3(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }
