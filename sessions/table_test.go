package sessions

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// clock is a settable time for a table under test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newTestTable(l Limits) (*Table, *clock, *[]string) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	tb := New(l)
	tb.now = c.now
	var mu sync.Mutex
	ended := &[]string{}
	tb.end = func(id string) { mu.Lock(); *ended = append(*ended, id); mu.Unlock() }
	return tb, c, ended
}

func valid(t *testing.T, tb *Table, id string) bool {
	t.Helper()
	terminated, err := tb.Validate(id)
	if err != nil {
		t.Fatalf("Validate(%s): %v", id, err)
	}
	return !terminated
}

func TestCapEndsTheLongestIdle(t *testing.T) {
	tb, c, ended := newTestTable(Limits{Max: 3})
	var ids []string
	for range 3 {
		ids = append(ids, tb.Generate())
		c.advance(time.Second)
	}
	valid(t, tb, ids[0]) // used: now the most recent
	c.advance(time.Second)
	fourth := tb.Generate()
	if !slices.Equal(*ended, []string{ids[1]}) {
		t.Fatalf("ended %v, want the longest idle %s", *ended, ids[1])
	}
	if tb.Len() != 3 {
		t.Errorf("Len = %d, want the cap 3", tb.Len())
	}
	if valid(t, tb, ids[1]) {
		t.Error("an ended session still validates; the client must get 404 and start a new one")
	}
	for _, id := range []string{ids[0], ids[2], fourth} {
		if !valid(t, tb, id) {
			t.Errorf("%s was ended", id)
		}
	}
}

func TestIdleSessionsEnd(t *testing.T) {
	tb, c, ended := newTestTable(Limits{Idle: time.Minute})
	old, used, held := tb.Generate(), tb.Generate(), tb.Generate()
	release := tb.Hold(held)
	c.advance(50 * time.Second)
	valid(t, tb, used)
	c.advance(20 * time.Second)
	tb.Sweep()
	if !slices.Equal(*ended, []string{old}) {
		t.Fatalf("ended %v, want only %s (idle 70s; the others used 20s ago or held by a stream)", *ended, old)
	}
	release()
	c.advance(59 * time.Second)
	tb.Sweep()
	if len(*ended) != 2 || (*ended)[1] != used {
		t.Errorf("ended %v, want %s next; the released stream's session counts as used when it closed", *ended, used)
	}
	c.advance(2 * time.Second)
	tb.Sweep()
	if tb.Len() != 0 || len(*ended) != 3 {
		t.Errorf("Len %d, ended %v; want every session ended", tb.Len(), *ended)
	}
}

func TestHeldSessionsAreEndedLastByTheCap(t *testing.T) {
	tb, c, ended := newTestTable(Limits{Max: 2})
	a := tb.Generate()
	defer tb.Hold(a)()
	c.advance(time.Second)
	b := tb.Generate()
	c.advance(time.Second)
	tb.Generate()
	if !slices.Equal(*ended, []string{b}) {
		t.Fatalf("ended %v, want %s (the oldest, %s, has an open stream)", *ended, b, a)
	}
	c.advance(time.Second)
	defer tb.Hold(tb.Generate())() // every session is now held or newer
	tb.SetLimits(Limits{Max: 1})
	if tb.Len() != 1 {
		t.Errorf("after lowering the cap to 1, Len = %d: memory must stay bounded even when every session is held", tb.Len())
	}
}

func TestIDsOfOtherReplicas(t *testing.T) {
	tb, _, _ := newTestTable(Limits{Max: 1})
	other := New(Limits{}).Generate() // issued elsewhere
	if !valid(t, tb, other) {
		t.Error("a well-formed id another replica issued is refused")
	}
	if tb.Len() != 0 {
		t.Error("an id the table did not issue is kept")
	}
	for _, bad := range []string{"", "mcp-session-not-a-uuid", "x"} {
		if _, err := tb.Validate(bad); err == nil {
			t.Errorf("Validate(%q) accepted a malformed id", bad)
		}
	}
	if tb.Hold("mcp-session-unknown")(); tb.Len() != 0 {
		t.Error("holding an unknown id added it")
	}
}

func TestTerminateByClient(t *testing.T) {
	tb, _, ended := newTestTable(Limits{})
	id := tb.Generate()
	if notAllowed, err := tb.Terminate(id); notAllowed || err != nil {
		t.Fatalf("Terminate: %v %v", notAllowed, err)
	}
	if tb.Len() != 0 || valid(t, tb, id) {
		t.Error("a terminated session is still kept or valid")
	}
	if len(*ended) != 0 {
		t.Error("the table told the transport about a session the transport ended itself")
	}
}

func TestTombstonesAreBounded(t *testing.T) {
	var ts tombstones
	for i := range 10 {
		ts.add(string(rune('a'+i)), 4)
	}
	if len(ts.set) != 4 || len(ts.ring) != 4 {
		t.Fatalf("remembers %d ids, want 4", len(ts.set))
	}
	for i, id := range []string{"a", "f", "g", "h", "i", "j"} {
		if want := i >= 2; ts.has(id) != want {
			t.Errorf("has(%s) = %v, want %v (the 4 most recent)", id, !want, want)
		}
	}
}
