package sessions

// minRemembered is how many ended sessions a table without a cap
// remembers.
const minRemembered = 1000

// tombstones remember the ids of ended sessions, the most recent n of
// them: enough to answer a client that comes back after its session ended
// with 404, and no more than the table's cap in memory.
type tombstones struct {
	set  map[string]struct{}
	ring []string // in the order they ended; next is the oldest once full
	next int
}

func (ts *tombstones) has(id string) bool {
	_, ok := ts.set[id]
	return ok
}

// add remembers id, forgetting the oldest beyond n.
func (ts *tombstones) add(id string, n int) {
	if ts.has(id) {
		return
	}
	if ts.set == nil {
		ts.set = map[string]struct{}{}
	}
	if len(ts.ring) < n {
		ts.ring = append(ts.ring, id)
	} else {
		delete(ts.set, ts.ring[ts.next%len(ts.ring)])
		ts.ring[ts.next%len(ts.ring)] = id
		ts.next = (ts.next + 1) % len(ts.ring)
	}
	ts.set[id] = struct{}{}
}
