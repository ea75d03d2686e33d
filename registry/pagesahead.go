package registry

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// pagesAheadAtOnce bounds the pages fetched ahead of the one being read, in
// flight or waiting their turn: the nine pages after the first of a 1,000-issue
// listing (pages of 100, ACC's largest) go out in one round, so the listing
// costs two APS round trips plus the work, and a listing holds at most this
// many answers in memory besides the document.
const pagesAheadAtOnce = 10

// knownPages is a style whose first page tells where every later page starts
// (offsets up to a reported total), so the lister can fetch them all at once.
type knownPages interface {
	// pagesAfter returns where the pages after first start, from next on,
	// at most limit of them, given the items first held.
	pagesAfter(pg *Paginate, next pagePos, first []byte, inPage, limit int) []pagePos
}

// pagesAhead fetches the pages of a listing after its first concurrently,
// at most pagesAheadAtOnce at a time, and hands them to the lister in order.
// Each page has the whole retry policy and its budget's pacing to itself,
// and its own tally, added to the call's as the lister takes it. A page the
// lister does not expect where it is (APS paged otherwise than predicted)
// ends the fetching ahead: the lister goes on one page at a time.
type pagesAhead struct {
	c      *toolCall
	ctx    context.Context // the call's, cancelled by stop
	cancel context.CancelFunc
	base   apshttp.Request // the listing's request; a page changes its query and body
	pages  []*aheadPage    // the pages after the first, in order
	size   int             // about how large each is: the first page's bytes and an eighth (apshttp.Request.SizeHint)
	first  int             // the listing's page number of pages[0]
	next   int             // index in pages of the next to start
	booked <-chan struct{} // closed once the last page started has booked its first slot
	read   *aheadPage      // the page the lister is reading, released at the next
	wg     sync.WaitGroup
}

// aheadPage is one page fetched ahead: where it starts and, once done is
// closed, its answer or error.
type aheadPage struct {
	at    pagePos
	into  *bytes.Buffer
	body  []byte
	err   error
	tally apshttp.Tally
	done  chan struct{}
}

// startPagesAhead starts fetching the pages after page n (the first the
// call reads, whose body held inPage items) when the style knows where they
// start and the caps want more than one of them; nil otherwise. l has
// advanced to the page after n.
func (c *toolCall) startPagesAhead(ctx context.Context, l *lister, n int, body []byte, inPage int) *pagesAhead {
	style, ok := l.style.(knownPages)
	wanted := l.lim.MaxItems - l.count
	if !ok || inPage == 0 || wanted <= inPage {
		return nil // one page more at most: nothing to do at once
	}
	limit := min((wanted+inPage-1)/inPage, maxPages-n)
	positions := style.pagesAfter(l.pg, l.at, body, inPage, limit)
	if len(positions) < 2 {
		return nil
	}
	a := &pagesAhead{c: c, base: l.req.Request, first: n + 1, size: len(body) + len(body)/8}
	a.ctx, a.cancel = context.WithCancel(ctx)
	for _, at := range positions {
		a.pages = append(a.pages, &aheadPage{at: at, done: make(chan struct{})})
	}
	for range min(pagesAheadAtOnce, len(a.pages)) {
		a.startNext()
	}
	// Once the pages are on their way: fresh memory is slow to touch the
	// first time, and the requests need not wait for it.
	l.expect(len(positions) * len(body))
	return a
}

// startNext starts fetching the next page not yet started, if any.
func (a *pagesAhead) startNext() {
	if a.next >= len(a.pages) {
		return
	}
	p := a.pages[a.next]
	a.next++
	p.into = a.c.rt.bodies.Get()
	p.tally.CallID = a.c.tally.CallID
	req := a.base
	req.Query, req.Body, req.SizeHint = p.at.query, p.at.body, a.size
	aps, turn := a.c.aps, &inTurn{after: a.booked, booked: make(chan struct{})}
	a.booked = turn.booked
	if aps.Pacing != nil {
		pacing := *aps.Pacing
		turn.slots, pacing.Slots = pacing.Slots, turn
		aps.Pacing = &pacing
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer close(p.done)
		defer turn.done()
		p.body, p.err = aps.Exchange(a.ctx, &req, p.into, &p.tally)
	}()
}

// inTurn books a page's first slot only after the page before it booked
// its own, so that the budget's slots go to the pages in listing order:
// a page whose slot is too far away then has none after it that got one,
// and the listing keeps the longest prefix the budget allows.
type inTurn struct {
	slots  apshttp.SlotBooker
	after  <-chan struct{} // closed once the page before has booked; nil for the first page ahead
	booked chan struct{}   // closed once this page has booked, or its exchange ended without
	once   sync.Once
}

// Reserve implements apshttp.SlotBooker: in turn, then as slots would.
func (t *inTurn) Reserve(ctx context.Context, key string, limit int, window, maxWait time.Duration) (time.Duration, bool, error) {
	if t.after != nil {
		select {
		case <-t.after:
		case <-ctx.Done():
			return 0, false, ctx.Err()
		}
	}
	defer t.done()
	return t.slots.Reserve(ctx, key, limit, window, maxWait)
}

// Hold implements apshttp.SlotBooker: a hold is no booking, so it needs
// no turn.
func (t *inTurn) Hold(ctx context.Context, key string, d time.Duration) error {
	return t.slots.Hold(ctx, key, d)
}

// done lets the next page book.
func (t *inTurn) done() { t.once.Do(func() { close(t.booked) }) }

// take returns page n of the listing when it was fetched ahead and starts
// where want says; ok is false otherwise, and the lister fetches it itself.
// Taking a page releases the one before it and starts the next fetch. A
// page off the predicted ones stops the fetching ahead.
func (a *pagesAhead) take(n int, want pagePos) (body []byte, ok bool, err error) {
	if a == nil {
		return nil, false, nil
	}
	a.release()
	i := n - a.first
	if i < 0 || i >= len(a.pages) || !samePos(a.pages[i].at, want) {
		a.stop()
		return nil, false, nil
	}
	p := a.pages[i]
	<-p.done
	a.c.tally.Add(&p.tally)
	p.tally = apshttp.Tally{}
	a.read = p
	a.startNext()
	return p.body, true, p.err
}

// release gives back the buffer of the page the lister has finished with.
func (a *pagesAhead) release() {
	if a.read != nil {
		a.c.rt.bodies.Put(a.read.into)
		a.read.into, a.read.body, a.read = nil, nil, nil
	}
}

// stop cancels the pages still being fetched, waits for them, and adds
// what they sent to the call's tally: they were real requests. It is safe
// on a nil pagesAhead and more than once.
func (a *pagesAhead) stop() {
	if a == nil || a.cancel == nil {
		return
	}
	a.cancel()
	a.wg.Wait()
	a.release()
	for _, p := range a.pages[:a.next] {
		a.c.tally.Add(&p.tally)
		if p.into != nil {
			a.c.rt.bodies.Put(p.into)
			p.into = nil
		}
	}
	a.pages, a.next, a.cancel = nil, 0, nil
}

// samePos reports whether two page positions are the same request.
func samePos(a, b pagePos) bool {
	return a.query.Encode() == b.query.Encode() && bytes.Equal(a.body, b.body)
}
