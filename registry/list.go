package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/tidwall/gjson"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/internal/alias"
)

// maxPages stops a listing whose pages never end, whatever the caps.
const maxPages = 10000

// list follows the tool's pagination from the first page (or from the
// call's cursor), projecting each item as it arrives, until the last page
// or a cap. When the first page says where the others start (offsets up
// to a total), they are fetched at once and read in order (pagesahead.go).
// Each page has the whole retry policy to itself. At a cap, or
// when a page after the first fails in a way a later call may not (its
// retries ran out on 429 or 5xx, its answer was lost or cut short), the
// document carries the items so far and a cursor that continues exactly
// there.
func (c *toolCall) list(ctx context.Context, req apiRequest) ([]byte, error) {
	l := c.newLister(req)
	page := c.rt.bodies.Get() // every page not fetched ahead is read into it in turn
	defer c.rt.bodies.Put(page)
	var ahead *pagesAhead // the pages after the first, when the style tells where they start
	defer func() { ahead.stop() }()
	for n := 1; ; n++ {
		body, fetched, err := ahead.take(n, l.at)
		if !fetched {
			body, err = c.aps.Exchange(ctx, &l.req.Request, page, &c.tally)
		}
		if err != nil {
			if n == 1 || ctx.Err() != nil || !worthResuming(err) {
				return nil, err
			}
			l.stopAt(n, err)
			break
		}
		if err := c.tool.graphqlErrors(body); err != nil {
			return nil, err
		}
		inPage, err := l.takePage(n, body)
		if err != nil {
			return nil, err
		}
		if l.truncated {
			break
		}
		more, err := l.advance(n, body, inPage)
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		if n == 1 {
			ahead = c.startPagesAhead(ctx, &l, n, body, inPage)
		}
	}
	doc, err := l.finish()
	c.items, c.bytes = l.count, l.itemBytes
	return doc, err
}

// worthResuming reports a failed page a later call may well get: APS
// busy or failing after the page's retries, its answer lost or cut short,
// or the page not sent as its budget had no slot within the call's time.
func worthResuming(err error) bool {
	var se *apshttp.StatusError
	var tr *apshttp.TransportError
	var bad *apshttp.AnswerError
	var over *apshttp.BudgetError
	switch {
	case errors.As(err, &se):
		return apshttp.TransientStatus(se.Status)
	case errors.As(err, &tr), errors.As(err, &bad), errors.As(err, &over):
		return true
	}
	return false
}

// stopAt ends the listing before page n, which failed with err: what the
// pages before it held is the result, with a cursor at page n.
func (l *lister) stopAt(n int, err error) {
	l.truncated, l.resumeAt = true, l.cursorAt(l.at, 0)
	l.failed, l.failedPage = err, n
}

// lister is one listing in progress: where it is, and the document it
// writes. It holds no pointer to the toolCall, which escape analysis
// would then move to the heap on every call.
type lister struct {
	rt        *Runtime
	tool      *Tool
	args      map[string]any // the call's, which a cursor is bound to
	progress  *progress
	pg        *Paginate
	style     pageStyle
	lim       Limits     // MaxItems lowered to the call's limit, if it set one
	limited   bool       // the call's limit, not the cap, is lim.MaxItems
	req       apiRequest // the request of the page being read
	at        pagePos    // what of req changes from page to page
	ownBody   []byte     // the body the arguments built, which cursors leave out
	skip      int        // items of this page an earlier call already returned
	out       []byte     // the document, items written as they are projected
	itemsAt   int        // where the items array starts in out
	warnings  []byte     // the pages' warnings: an open JSON array, or nil
	count     int        // items in out
	itemBytes int        // bytes of the items array, once finished
	pageBytes int        // bytes of the pages taken so far

	truncated  bool    // a cap or a failed page stopped the listing
	resumeAt   *cursor // where a truncated listing continues
	failed     error   // why a page failed, when that stopped the listing
	failedPage int     // which page that was
	tooLarge   int     // the projected size of a first item over MaxBytes

	// The call's first page, for the pages a listing takes: its items,
	// its offset and the items of it an earlier call returned.
	firstPage, firstOffset, firstSkip int
}

// newLister starts at the first page, or where the call's cursor says.
func (c *toolCall) newLister(req apiRequest) lister {
	pg := c.tool.Paginate
	l := lister{rt: c.rt, tool: c.tool, args: c.args, progress: c.progress,
		pg: pg, style: pageStyles[pg.Style], lim: c.rt.limits(c.tool), req: req, ownBody: req.Body}
	if c.limit > 0 && c.limit < l.lim.MaxItems {
		l.lim.MaxItems, l.limited = c.limit, true
	}
	at := l.style.first(pg, pagePos{query: req.Query, body: req.Body})
	if r := c.resume; r != nil {
		at.query, l.skip = r.at.query, r.skip
		if r.at.body != nil {
			at.body = r.at.body
			if p, ok := l.style.(bodyPacker); ok {
				at.body = p.unpack(pg, req.Body, r.at.body)
			}
		}
	}
	l.moveTo(at)
	l.req.Check = pageCheck(pg, c.tool.gql != nil)
	return l
}

// pageCheck says what is wrong with a page, if anything: it must be whole
// JSON holding the items array, or it is retried and the listing stops;
// no body at all is a page without items where the tool says so
// (empty_is_none). A GraphQL answer with errors instead is whole: the
// errors are the answer, reported as such (graphqlErrors), not retried.
func pageCheck(pg *Paginate, graphql bool) func([]byte) error {
	return func(body []byte) error {
		if pg.EmptyIsNone && isEmpty(body) {
			return nil
		}
		if err := apshttp.CompleteJSON(body); err != nil {
			return err
		}
		if graphql && apshttp.HasGraphQLErrors(body) {
			return nil
		}
		if !gjson.Get(alias.String(body), pg.Items).IsArray() { // GetBytes would copy the array out
			return fmt.Errorf("its answer lacks the %q array this tool lists", pg.Items)
		}
		return nil
	}
}

// isEmpty reports an answer without content.
func isEmpty(body []byte) bool { return len(bytes.TrimSpace(body)) == 0 }

func (l *lister) moveTo(at pagePos) {
	l.at = at
	l.req.Query, l.req.Body = at.query, at.body
}

// takePage projects the items of one page into the document, skipping
// those an earlier call returned, until a cap; it returns how many items
// the page held.
func (l *lister) takePage(n int, body []byte) (int, error) {
	l.reserve(len(body))
	start := time.Now()
	if l.pg.EmptyIsNone && isEmpty(body) {
		return 0, nil // no content: no items (see pageCheck)
	}
	doc := alias.String(body) // read only while body is: items are copied out
	arr := gjson.Get(doc, l.pg.Items)
	if !arr.IsArray() {
		return 0, fmt.Errorf("APS answered without the %q array this tool lists", l.pg.Items)
	}
	if l.pg.Warnings != "" {
		l.warnings = appendArray(l.warnings, gjson.Get(doc, l.pg.Warnings))
	}
	inPage := 0
	arr.ForEach(func(_, item gjson.Result) bool {
		inPage++
		return l.takeItem(item, inPage)
	})
	if l.tooLarge > 0 {
		return 0, &limitError{what: "one item of the listing alone", size: l.tooLarge, limit: l.lim.MaxBytes, source: l.rt.maxBytesSource(l.tool)}
	}
	if n == 1 {
		l.firstPage, l.firstOffset, l.firstSkip = inPage, offsetOf(l.pg, l.at), l.skip
	}
	l.skip = 0
	l.rt.Metrics.Shaped(l.tool.Name, len(body), time.Since(start))
	if l.progress != nil {
		total := gjson.Get(doc, l.pg.Total)
		pages := l.pagesToGo(n, total)
		if l.truncated && pages > 0 {
			pages = n // a cap ends the listing on this page
		}
		l.progress.page(n, l.count, int(total.Int()), pages)
	}
	return inPage, nil
}

// reserve makes room in the document for a page of pageLen bytes:
// projected items are smaller than the page they came in (see projected).
func (l *lister) reserve(pageLen int) {
	defer func() { l.pageBytes += pageLen }()
	if l.out == nil {
		l.out = make([]byte, 0, pageLen+256)
		l.out = append(l.out, `{"items":[`...)
		l.itemsAt = len(l.out) - 1
		return
	}
	if need := l.projected(pageLen); cap(l.out)-len(l.out) < need {
		// Double rather than let append grow a large result by a
		// quarter at a time, copying it over and over.
		l.out = slices.Grow(l.out, max(need, cap(l.out)))
	}
}

// expect makes room at once for the items of pages that will bring about
// pageBytes bytes: the pages fetched ahead, so that the document grows
// once for them rather than doubling as they come.
func (l *lister) expect(pageBytes int) {
	if l.out != nil {
		l.out = slices.Grow(l.out, l.projected(pageBytes))
	}
}

// projected is about what pages of pageBytes bytes project to, going by
// the pages so far, an eighth more to spare; at most pageBytes.
func (l *lister) projected(pageBytes int) int {
	if l.pageBytes == 0 {
		return pageBytes
	}
	n := int64(pageBytes) * int64(len(l.out)-l.itemsAt) / int64(l.pageBytes)
	return int(min(int64(pageBytes), n+n/8))
}

// takeItem adds the page's item number inPage to the document unless an
// earlier call returned it, and reports whether the listing goes on: at
// a cap it stops, with a cursor at this item.
func (l *lister) takeItem(item gjson.Result, inPage int) bool {
	if inPage <= l.skip {
		return true
	}
	if l.count == l.lim.MaxItems {
		l.truncated = true
	} else {
		mark := len(l.out)
		if l.count > 0 {
			l.out = append(l.out, ',')
		}
		l.out = projectItem(l.out, l.tool, item)
		switch over := len(l.out)-l.itemsAt > l.lim.MaxBytes; {
		case over && l.count == 0:
			l.tooLarge = len(l.out) - mark
			return false
		case over:
			l.out, l.truncated = l.out[:mark], true
		}
	}
	if l.truncated {
		l.resumeAt = l.cursorAt(l.at, inPage-1)
		return false
	}
	l.count++
	return true
}

// advance moves to the page after body, reporting false after the last
// page or at a cap on a page boundary (with a cursor at the next page).
func (l *lister) advance(n int, body []byte, inPage int) (bool, error) {
	next, more, err := l.style.next(l.pg, l.at, body, inPage)
	if err != nil || !more {
		return false, err
	}
	if l.count == l.lim.MaxItems || n == maxPages {
		l.truncated, l.resumeAt = true, l.cursorAt(next, 0)
		return false, nil
	}
	l.moveTo(next)
	return true, nil
}

// cursorAt is where a continuation starts: at, skipping skip items. The
// body the arguments build is left out, as the continuing call builds it
// again.
func (l *lister) cursorAt(at pagePos, skip int) *cursor {
	if bytes.Equal(at.body, l.ownBody) {
		at.body = nil
	} else if p, ok := l.style.(bodyPacker); ok {
		at.body = p.pack(l.pg, at.body)
	}
	return &cursor{at: at, skip: skip}
}

// finish closes the document: the items, their count, the pages'
// warnings and, when a cap stopped the listing, the cursor and a note.
func (l *lister) finish() ([]byte, error) {
	out := append(l.out, ']')
	l.itemBytes = len(out) - l.itemsAt
	if spare := cap(out) - len(out); spare > 1<<20 && spare > len(out)/4 {
		// The result lives on while it is encoded, in several copies; do
		// not keep doubling's spare room with it.
		out = bytes.Clone(out)
	}
	out = append(out, `,"count":`...)
	out = strconv.AppendInt(out, int64(l.count), 10)
	if l.warnings != nil {
		out = append(out, `,"warnings":`...)
		out = append(out, l.warnings...)
		out = append(out, ']')
	}
	if l.truncated {
		t := l.tool
		token, err := l.rt.encodeCursor(t, l.args, l.resumeAt)
		if err != nil {
			return nil, err
		}
		note := fmt.Sprintf("Listing stopped at its cap (%d items or %d bytes); more exist.", l.lim.MaxItems, l.lim.MaxBytes)
		if l.limited && l.count == l.lim.MaxItems {
			note = fmt.Sprintf("Listing stopped at the limit of %d items this call asked for; more exist.", l.lim.MaxItems)
		}
		if l.failed != nil {
			note = fmt.Sprintf("Listing stopped early: page %d failed, so the items from there on are missing: %s", l.failedPage, sentence(l.failed.Error()))
			if over := (*apshttp.BudgetError)(nil); errors.As(l.failed, &over) {
				note = fmt.Sprintf("Listing stopped early before page %d, to stay within APS's rate limit: %s", l.failedPage, sentence(over.Error()))
			}
			out = append(out, `,"error":`...)
			out = appendJSONString(out, l.failed.Error())
		}
		note += fmt.Sprintf(" To continue, call %s again with the same arguments and cursor set to the value of \"cursor\" (limit may change).", t.Name)
		out = append(out, `,"truncated":true,"cursor":`...)
		out = strconv.AppendQuote(out, token)
		out = append(out, `,"note":`...)
		out = appendJSONString(out, note)
	}
	return append(out, '}'), nil
}

// appendJSONString appends s as a JSON string. strconv's quoting is not
// JSON for control characters and invalid UTF-8, which APS's messages may
// hold.
func appendJSONString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return append(dst, b...)
}

// appendArray adds the elements of arr to the open JSON array in dst
// ("[a,b" without its closing bracket), starting it when dst is nil.
func appendArray(dst []byte, arr gjson.Result) []byte {
	arr.ForEach(func(_, v gjson.Result) bool {
		if dst == nil {
			dst = []byte{'['}
		} else {
			dst = append(dst, ',')
		}
		dst = append(dst, v.Raw...)
		return true
	})
	return dst
}
