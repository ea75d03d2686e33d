package app

import (
	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/sharedreads"
)

// newReads builds what shares APS reads between calls: identical reads in
// flight go once, and the read cache lives in the team store when that is
// Redis (every replica shares it, sealed like the APS tokens), else in
// this process. It outlives reloads, as the token cache does. Nil when
// the profile shares no reads (server.share_reads: false).
func (a *App) newReads(prof *config.Profile) apshttp.Sharer {
	if !prof.Server.ShareReads {
		return nil
	}
	o := sharedreads.Options{MaxBytes: prof.Server.CacheBytes, Logger: a.logger}
	if a.team != nil && a.team.store.Durable() {
		o.Store, o.Sealer = a.team.store, a.team.sealer
	}
	return sharedreads.New(o)
}
