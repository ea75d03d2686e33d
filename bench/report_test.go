package main

import (
	"bytes"
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
