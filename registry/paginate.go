package registry

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/tidwall/gjson"
	"github.com/tidwall/pretty"
)

// paginator is one of APS's pagination styles.
type paginator struct {
	// check reports what a paginate block of this style lacks.
	check func(*Paginate) []fieldMessage
	// next returns the query of the page after body, or nil at the end;
	// inPage is how many items body held.
	next func(pg *Paginate, body []byte, query url.Values, inPage int) (url.Values, error)
}

type fieldMessage struct{ field, message string }

// paginators are the styles tools.yaml may name.
var paginators = map[string]paginator{
	// next-url: the page carries the URL of the next one and none on the
	// last page (OSS "next" with limit/startAt; Data Management
	// "links.next.href" with page[number]/page[limit]).
	"next-url": {check: checkNextURL, next: nextFromURL},
	// offset: limit/offset, stopping at a total the page reports (ACC
	// "pagination.totalResults").
	"offset": {check: checkOffset, next: nextOffset},
}

func checkNextURL(pg *Paginate) []fieldMessage {
	if pg.Next == "" {
		return []fieldMessage{{"next", "missing: the gjson path to the next page's URL"}}
	}
	if err := checkGJSONPath(pg.Next); err != nil {
		return []fieldMessage{{"next", fmt.Sprintf("invalid gjson path %q: %v", pg.Next, err)}}
	}
	return nil
}

func checkOffset(pg *Paginate) []fieldMessage {
	var out []fieldMessage
	if pg.Total == "" {
		out = append(out, fieldMessage{"total", "missing: the gjson path to the total number of items"})
	} else if err := checkGJSONPath(pg.Total); err != nil {
		out = append(out, fieldMessage{"total", fmt.Sprintf("invalid gjson path %q: %v", pg.Total, err)})
	}
	if pg.OffsetParam == "" {
		out = append(out, fieldMessage{"offset_param", "missing: the query parameter that carries the offset"})
	}
	return out
}

// nextFromURL reads the next link but keeps only its query: the next
// request goes to the configured host and the tool's own path with the
// link's cursor parameters, so a link can never send the token elsewhere.
func nextFromURL(pg *Paginate, body []byte, query url.Values, _ int) (url.Values, error) {
	link := gjson.GetBytes(body, pg.Next).String()
	if link == "" {
		return nil, nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("APS sent an unreadable next-page link: %w", err)
	}
	next := cloneQuery(query)
	changed := false
	for k, v := range u.Query() {
		if !slices.Equal(next[k], v) {
			changed = true
		}
		next[k] = v
	}
	if !changed {
		return nil, fmt.Errorf("APS sent a next-page link that repeats the current page")
	}
	return next, nil
}

// nextOffset advances the offset by the items the page held, until the
// reported total is reached or a page comes back empty.
func nextOffset(pg *Paginate, body []byte, query url.Values, inPage int) (url.Values, error) {
	total := gjson.GetBytes(body, pg.Total)
	if !total.Exists() {
		return nil, fmt.Errorf("APS answered without the total %q this listing pages by", pg.Total)
	}
	offset, _ := strconv.Atoi(query.Get(pg.OffsetParam))
	offset += inPage
	if inPage == 0 || int64(offset) >= total.Int() {
		return nil, nil
	}
	next := cloneQuery(query)
	next.Set(pg.OffsetParam, strconv.Itoa(offset))
	return next, nil
}

func cloneQuery(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}

// list follows the tool's pagination from the first page (or from a
// cursor), projecting each item as it arrives, until the last page or a
// cap. At a cap the result carries a cursor that continues exactly there.
func (rt *Runtime) list(ctx context.Context, t *Tool, req apiRequest, args map[string]any, resume *cursor, p *progress, stats *callStats) ([]byte, error) {
	pg, lim := t.Paginate, rt.limits(t)
	if pg.PageSizeParam != "" {
		req.Query.Set(pg.PageSizeParam, strconv.Itoa(pg.PageSize))
	}
	skip := 0
	if resume != nil {
		req.Query, skip = resume.query, resume.skip
	}
	page := rt.bodyBuffer() // every page is read into it in turn
	defer rt.putBodyBuffer(page)
	var (
		out       []byte // the result, items written as they are projected
		warnings  []byte
		count     int
		truncated bool
		next      *cursor // where a truncated listing continues
	)
	itemsAt := 0 // where the items array starts in out
	for n := 1; ; n++ {
		body, err := rt.do(ctx, t, req, stats, page)
		if err != nil {
			return nil, err
		}
		if out == nil { // projected items are smaller than the page they came in
			out = make([]byte, 0, len(body)+256)
			out = append(out, `{"items":[`...)
			itemsAt = len(out) - 1
		} else if cap(out)-len(out) < len(body) {
			// Double rather than let append grow a large result by a
			// quarter at a time, copying it over and over.
			out = slices.Grow(out, max(len(body), cap(out)))
		}
		shapeStart := time.Now()
		doc := view(body) // read only while body is: items are copied out
		arr := gjson.Get(doc, pg.Items)
		if !arr.IsArray() {
			return nil, fmt.Errorf("APS answered without the %q array this tool lists", pg.Items)
		}
		if pg.Warnings != "" {
			warnings = appendArray(warnings, gjson.Get(doc, pg.Warnings))
		}
		inPage := 0
		arr.ForEach(func(_, item gjson.Result) bool {
			inPage++
			if inPage <= skip {
				return true
			}
			if count == lim.MaxItems {
				truncated = true
			} else {
				mark := len(out)
				if count > 0 {
					out = append(out, ',')
				}
				out = project(out, t, item)
				if count > 0 && len(out)-itemsAt > lim.MaxBytes {
					out, truncated = out[:mark], true
				}
			}
			if truncated {
				next = &cursor{query: req.Query, skip: inPage - 1}
				return false
			}
			count++
			return true
		})
		skip = 0
		rt.Metrics.Shaped(t.Name, len(body), time.Since(shapeStart))
		p.page(n, count, gjson.Get(doc, pg.Total))
		if truncated {
			break
		}
		nextQuery, err := paginators[pg.Style].next(pg, body, req.Query, inPage)
		if err != nil {
			return nil, err
		}
		if nextQuery == nil {
			break
		}
		if count == lim.MaxItems || n == maxPages {
			truncated, next = true, &cursor{query: nextQuery}
			break
		}
		req.Query = nextQuery
	}
	out = append(out, ']')
	stats.items, stats.bytes = count, len(out)-itemsAt
	if spare := cap(out) - len(out); spare > 1<<20 && spare > len(out)/4 {
		// The result lives on while it is encoded, in several copies; do
		// not keep doubling's spare room with it.
		out = bytes.Clone(out)
	}

	out = append(out, `,"count":`...)
	out = strconv.AppendInt(out, int64(count), 10)
	if warnings != nil {
		out = append(out, `,"warnings":`...)
		out = append(out, warnings...)
		out = append(out, ']')
	}
	if truncated {
		token, err := rt.encodeCursor(t, args, next)
		if err != nil {
			return nil, err
		}
		note := fmt.Sprintf("Listing stopped at its cap (%d items or %d bytes); more exist. To continue, call %s again with the same arguments and cursor set to the value of \"cursor\".",
			lim.MaxItems, lim.MaxBytes, t.Name)
		out = append(out, `,"truncated":true,"cursor":`...)
		out = strconv.AppendQuote(out, token)
		out = append(out, `,"note":`...)
		out = strconv.AppendQuote(out, note)
	}
	return append(out, '}'), nil
}

// project applies the tool's result path to one listed item, appending
// it to dst without layout.
func project(dst []byte, t *Tool, item gjson.Result) []byte {
	at := len(dst)
	if t.Result == "" {
		dst = append(dst, item.Raw...)
	} else {
		dst = t.projection.apply(dst, item.Raw)
	}
	return dst[:at+len(compact(dst[at:]))]
}

// compact drops, in place, the layout of JSON an API sent indented, so it
// costs the model no tokens and the byte caps count content. It returns
// the start of raw, shortened.
func compact(raw []byte) []byte {
	if bytes.ContainsAny(raw, "\n\t") {
		return pretty.UglyInPlace(raw)
	}
	return raw
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
