package app

import (
	"context"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/identity"
	"github.com/aps-mcp/aps-mcp/store"
)

// startPacing builds how the app keeps APS's per-endpoint budgets (tools.yaml
// budgets) for its APS application: in the team store when there is one, so
// replicas on one Redis book in the same windows; else in slots, the memory a
// deployment's apps share; else in a memory store of the app's own. It lasts
// across reloads, which keep the windows.
func (a *App) startPacing(slots store.Pacer) {
	if a.team != nil {
		if p, ok := a.team.store.(store.Pacer); ok {
			slots = p
		}
	}
	if slots == nil {
		own := store.NewMemory()
		a.closers = append(a.closers, func() { _ = own.Close() })
		slots = own
	}
	a.pacing = &apshttp.Pacing{Slots: slots, App: a.env.Get("APS_CLIENT_ID"), User: userID}
}

// userID is whom a per-user budget is kept for: the team server's caller, or
// no one in particular for a server acting for one person or the app.
func userID(ctx context.Context) string {
	u, _ := identity.From(ctx)
	return u.ID
}
