package registry

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/tidwall/gjson"

	"github.com/aps-mcp/aps-mcp/notify"
)

// progress reports a listing page by page to a client that asked for it
// with a progressToken.
type progress struct {
	ctx   context.Context
	srv   *server.MCPServer
	token mcp.ProgressToken
	lost  bool // a write failed: the client is gone, stop writing
}

func newProgress(ctx context.Context, req mcp.CallToolRequest) *progress {
	if req.Params.Meta == nil || req.Params.Meta.ProgressToken == nil {
		return nil
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return nil
	}
	return &progress{ctx: ctx, srv: srv, token: req.Params.Meta.ProgressToken}
}

// page sends one notification after page n: progress counts pages (it
// must grow, and a page may hold no items), total is the pages the
// listing takes when that is known (0: not known), the message counts
// items. It is written on the call's own stream before the next page is
// asked for, so notifications arrive complete and in order, before the
// result; only a transport notify does not wrap falls back to mcp-go's
// queue.
func (p *progress) page(n, items, totalItems, totalPages int) {
	if p == nil || p.lost {
		return
	}
	params := map[string]any{
		"progressToken": p.token,
		"progress":      n,
		"message":       fmt.Sprintf("page %d fetched, %d items so far", n, items),
	}
	if totalPages > 0 {
		params["total"] = totalPages
		params["message"] = fmt.Sprintf("page %d of %d fetched, %d of %d items so far", n, totalPages, items, totalItems)
	}
	sent, err := notify.Send(p.ctx, "notifications/progress", params)
	switch {
	case err != nil:
		p.lost = true
	case !sent:
		_ = p.srv.SendNotificationToClient(p.ctx, "notifications/progress", params)
	}
}

// pagesToGo is how many pages a listing whose pages report the total
// number of items takes, as known after page n: from the offset of the
// call's first page and the items that page held, up to the items the
// call may return (wanted, those a cursor skips included). It is 0 when
// the total is not known, and never less than n.
func (l *lister) pagesToGo(n int, total gjson.Result) int {
	switch {
	case !total.Exists():
		return 0
	case l.firstPage <= 0:
		return n // an empty page ends the listing
	}
	remaining := int(total.Int()) - l.firstOffset
	wanted := min(remaining, l.firstSkip+l.lim.MaxItems)
	pages := (wanted + l.firstPage - 1) / l.firstPage
	return max(pages, n, 1)
}

// offsetOf is where the page at starts, for a style that pages by offset.
func offsetOf(pg *Paginate, at pagePos) int {
	if pg.OffsetParam == "" {
		return 0
	}
	if !at.query.Has(pg.OffsetParam) && at.body != nil {
		return int(gjson.GetBytes(at.body, pg.OffsetParam).Int()) // a style that pages through the body
	}
	n, _ := strconv.Atoi(at.query.Get(pg.OffsetParam))
	return n
}
