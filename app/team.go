package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/url"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/oauthserver"
	"github.com/aps-mcp/aps-mcp/store"
)

// StoreKeyEnv names the variable holding the key that seals APS tokens in
// the team store: 32 random bytes in base64 (openssl rand -base64 32).
const StoreKeyEnv = "APS_MCP_STORE_KEY"

// identityScope is what the team sign-in asks APS for when the app's own
// identity serves the tool calls and the sign-in only says who calls.
const identityScope = "user-profile:read"

// team is a team server's front: its OAuth authorization server, the
// store behind it and, for each endpoint whose auth kind acts as a person,
// the provider that acts as each caller.
type team struct {
	oauth   *oauthserver.Server
	store   store.Store
	sealer  *store.Sealer                     // what seals values in store
	perUser map[string]*authproviders.PerUser // by endpoint path
}

// startTeam opens the store and builds the authorization server in front
// of the profiles' endpoints (paths[i] for profs[i]); the first profile's
// server settings (public URL, store, sign-in rules) are the deployment's.
// The APS callback is the public URL's /callback unless the first
// profile's kind section names one.
func (a *App) startTeam(ctx context.Context, profs []*config.Profile, paths []string) (*team, error) {
	first := profs[0]
	st, err := store.Open(ctx, first.Server.Store)
	if err != nil {
		return nil, fmt.Errorf("profile %s: server.store: %w", first.Name, err)
	}
	t := &team{store: st, perUser: map[string]*authproviders.PerUser{}}
	if err := a.buildTeam(t, profs, paths); err != nil {
		st.Close()
		return nil, err
	}
	return t, nil
}

func (a *App) buildTeam(t *team, profs []*config.Profile, paths []string) error {
	first := profs[0]
	sealer, err := a.storeSealer(t.store)
	if err != nil {
		return err
	}
	t.sealer = sealer
	callback, err := teamCallback(first)
	if err != nil {
		return err
	}
	resources := make([]oauthserver.Resource, len(profs))
	for i, prof := range profs {
		resources[i] = a.teamResource(prof, paths[i], callback)
	}
	cb, _ := url.Parse(callback)
	t.oauth, err = oauthserver.New(oauthserver.Config{
		PublicURL:      first.Server.PublicURL,
		CallbackPath:   cb.Path,
		Resources:      resources,
		Store:          t.store,
		Sealer:         sealer,
		Allowed:        oauthserver.Allowed{Emails: first.Server.SignIn.AllowedEmails, Domains: first.Server.SignIn.AllowedDomains},
		Logger:         a.logger,
		MetadataClient: a.opts.MetadataClient,
		ServerName:     ServerName,
		OnSignOut: func(userID string) {
			for _, p := range t.perUser {
				p.Forget(userID)
			}
		},
	})
	if err != nil {
		return fmt.Errorf("profile %s: %w", first.Name, err)
	}
	for _, res := range resources {
		if res.KeepsAPSTokens {
			t.perUser[res.Path] = authproviders.NewPerUser(res.SignIn, t.oauth.UserGrants(res.Path))
		}
	}
	a.logger.Info("team server: people sign in through this server's OAuth authorization server",
		"public_url", first.Server.PublicURL, "aps_callback", callback, "store", storeKind(t.store), "endpoints", len(profs))
	if u, _ := url.Parse(first.Server.PublicURL); !t.store.Durable() && !config.IsLoopback(net.JoinHostPort(u.Hostname(), "0")) {
		// Replicas on memory stores do not see each other's sign-ins.
		a.logger.Warn("the team store is in memory: it serves one process, and a restart signs everyone out; "+
			"replicas behind a balancer need server.store: redis://host:port/db (or APS_MCP_STORE) and APS_MCP_STORE_KEY", "public_url", first.Server.PublicURL)
	}
	return nil
}

// teamCallback is the APS callback of a team server: the kind's explicit
// one, or the public URL's /callback.
func teamCallback(prof *config.Profile) (string, error) {
	callback := prof.Server.PublicURL + "/callback"
	if cs, ok := prof.Auth.Section.(authproviders.CallbackSection); ok && cs.ExplicitCallback() != "" {
		callback = cs.ExplicitCallback()
	}
	if cb, err := url.Parse(callback); err != nil || cb.Path == "" {
		return "", fmt.Errorf("profile %s: the sign-in callback %q has no path", prof.Name, callback)
	}
	return callback, nil
}

// teamResource is one endpoint behind the sign-in: a kind that acts as a
// person signs in with the profile's scopes and keeps each person's APS
// tokens; any other only learns who calls, and the app's identity serves.
func (a *App) teamResource(prof *config.Profile, path, callback string) oauthserver.Resource {
	kind, _ := authproviders.Lookup(prof.Auth.Kind)
	settings := a.providerSettings(prof)
	settings.Scopes = []string{identityScope}
	if kind.ActsAsUser {
		settings.Scopes = prof.Auth.Scopes
	}
	return oauthserver.Resource{Path: path, Name: prof.Name, Description: prof.Description, Scopes: prof.Auth.Scopes,
		SignIn: authproviders.NewSignIn(settings, callback), KeepsAPSTokens: kind.ActsAsUser}
}

// storeSealer builds the sealer of APS tokens at rest. A store that
// outlives the process needs the key from the environment, so every
// replica (and the next start) can open what another sealed.
func (a *App) storeSealer(st store.Store) (*store.Sealer, error) {
	raw := a.env.Get(StoreKeyEnv)
	var key []byte
	switch {
	case raw == "" && st.Durable():
		return nil, fmt.Errorf("%s must be set for a shared store: 32 random bytes in base64, the same on every replica (openssl rand -base64 32)", StoreKeyEnv)
	case raw == "":
		key = make([]byte, 32) // memory only: a key for this process's life
		_, _ = rand.Read(key)
	default:
		var err error
		if key, err = store.ParseKey(raw); err != nil {
			return nil, fmt.Errorf("%s: %w", StoreKeyEnv, err)
		}
	}
	return store.NewSealer(key)
}

func storeKind(st store.Store) string {
	if st.Durable() {
		return "redis"
	}
	return "memory"
}

// close releases the team's store.
func (t *team) close() { _ = t.store.Close() }
