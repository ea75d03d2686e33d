package app

import (
	"context"
	"crypto/rand"
	"fmt"
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
// store behind it and, when the auth kind acts as a person, the provider
// that acts as each caller.
type team struct {
	oauth   *oauthserver.Server
	store   store.Store
	perUser *authproviders.PerUser // nil when the app's identity serves calls
}

// startTeam opens the store and builds the authorization server of a
// team profile. The APS callback is the public URL's /callback unless the
// kind's section names one.
func (a *App) startTeam(ctx context.Context, prof *config.Profile, kind authproviders.Kind) (*team, error) {
	st, err := store.Open(ctx, prof.Server.Store)
	if err != nil {
		return nil, fmt.Errorf("profile %s: server.store: %w", prof.Name, err)
	}
	sealer, err := a.storeSealer(st)
	if err != nil {
		st.Close()
		return nil, err
	}
	callback := prof.Server.PublicURL + "/callback"
	if cs, ok := prof.Auth.Section.(authproviders.CallbackSection); ok && cs.ExplicitCallback() != "" {
		callback = cs.ExplicitCallback()
	}
	cb, err := url.Parse(callback)
	if err != nil || cb.Path == "" {
		st.Close()
		return nil, fmt.Errorf("profile %s: the sign-in callback %q has no path", prof.Name, callback)
	}
	signInScopes := []string{identityScope}
	if kind.ActsAsUser {
		signInScopes = prof.Auth.Scopes
	}
	settings := a.providerSettings(prof)
	settings.Scopes = signInScopes
	signIn := authproviders.NewSignIn(settings, callback)
	t := &team{store: st}
	t.oauth, err = oauthserver.New(oauthserver.Config{
		PublicURL:    prof.Server.PublicURL,
		CallbackPath: cb.Path,
		Resources: []oauthserver.Resource{{
			Path: MCPPath, Name: prof.Name, Description: prof.Description, Scopes: prof.Auth.Scopes,
			SignIn: signIn, KeepsAPSTokens: kind.ActsAsUser,
		}},
		Store:          st,
		Sealer:         sealer,
		Allowed:        oauthserver.Allowed{Emails: prof.Server.SignIn.AllowedEmails, Domains: prof.Server.SignIn.AllowedDomains},
		Logger:         a.logger,
		MetadataClient: a.opts.MetadataClient,
		ServerName:     ServerName,
		OnSignOut: func(userID string) {
			if t.perUser != nil {
				t.perUser.Forget(userID)
			}
		},
	})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("profile %s: %w", prof.Name, err)
	}
	if kind.ActsAsUser {
		t.perUser = authproviders.NewPerUser(signIn, t.oauth.UserGrants(MCPPath))
	}
	a.logger.Info("team server: people sign in through this server's OAuth authorization server",
		"public_url", prof.Server.PublicURL, "aps_callback", callback, "store", storeKind(st))
	return t, nil
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
