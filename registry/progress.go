package registry

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/tidwall/gjson"
)

// progress reports a listing page by page to a client that asked for it
// with a progressToken.
type progress struct {
	ctx   context.Context
	srv   *server.MCPServer
	token mcp.ProgressToken
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

// page sends one notification after each page: progress counts pages (it
// must grow, and a page may hold no items), the message counts items.
func (p *progress) page(n, items int, total gjson.Result) {
	if p == nil {
		return
	}
	params := map[string]any{
		"progressToken": p.token,
		"progress":      n,
		"message":       fmt.Sprintf("page %d fetched, %d items so far", n, items),
	}
	if total.Exists() {
		params["message"] = fmt.Sprintf("page %d fetched, %d of %d items so far", n, items, total.Int())
	}
	_ = p.srv.SendNotificationToClient(p.ctx, "notifications/progress", params)
}
