package registry

import (
	"fmt"
	"strconv"

	"github.com/tidwall/gjson"
)

// offset is the style "offset": limit/offset, stopping at a total the page
// reports (ACC "pagination.totalResults").
type offset struct{}

func init() { registerPageStyle("offset", offset{}) }

func (offset) check(pg *Paginate) []fieldMessage {
	return checkOffsetPaging(pg, "the query parameter that carries the offset")
}

// checkOffsetPaging checks what the offset styles need: the gjson path to
// the total and the offset parameter (what carries it: offsetWhat).
func checkOffsetPaging(pg *Paginate, offsetWhat string) []fieldMessage {
	var out []fieldMessage
	if pg.Total == "" {
		out = append(out, fieldMessage{"total", "missing: the gjson path to the total number of items"})
	} else if err := checkGJSONPath(pg.Total); err != nil {
		out = append(out, fieldMessage{"total", err.Error()})
	}
	if pg.OffsetParam == "" {
		out = append(out, fieldMessage{"offset_param", "missing: " + offsetWhat})
	}
	return out
}

func (offset) first(pg *Paginate, at pagePos) pagePos { return sizeInQuery(pg, at) }

// next advances the offset by the items the page held, until the reported
// total is reached or a page comes back empty.
func (offset) next(pg *Paginate, at pagePos, page []byte, inPage int) (pagePos, bool, error) {
	total, err := reportedTotal(pg, page)
	if err != nil {
		return pagePos{}, false, err
	}
	n, _ := strconv.Atoi(at.query.Get(pg.OffsetParam))
	n += inPage
	if inPage == 0 || int64(n) >= total.Int() {
		return pagePos{}, false, nil
	}
	next := cloneQuery(at.query)
	next.Set(pg.OffsetParam, strconv.Itoa(n))
	return pagePos{query: next, body: at.body}, true, nil
}

// reportedTotal is the total a page of an offset style reports, which
// says when the listing ends.
func reportedTotal(pg *Paginate, page []byte) (gjson.Result, error) {
	total := gjson.GetBytes(page, pg.Total)
	if !total.Exists() {
		return total, fmt.Errorf("APS answered without the total %q this listing pages by", pg.Total)
	}
	return total, nil
}

// pagesAfter lists the offsets from next on, each the first page's item
// count apart, below the total the first page reported: the pages a
// listing of full pages goes on to read, so they can be fetched at once.
func (offset) pagesAfter(pg *Paginate, next pagePos, first []byte, inPage, limit int) []pagePos {
	total := gjson.GetBytes(first, pg.Total).Int()
	n, _ := strconv.Atoi(next.query.Get(pg.OffsetParam))
	var out []pagePos
	for at := int64(n); at < total && len(out) < limit; at += int64(inPage) {
		q := cloneQuery(next.query)
		q.Set(pg.OffsetParam, strconv.FormatInt(at, 10))
		out = append(out, pagePos{query: q, body: next.body})
	}
	return out
}
