package authproviders

import (
	"context"
	"strings"
)

func init() {
	Register(Kind{
		Name:        "2lo",
		Description: "two-legged OAuth (client credentials): the application acts as itself",
		Env:         withAppCredentials(),
		New:         newTwoLegged,
	})
}

// twoLegged obtains app-only tokens with the client_credentials grant.
type twoLegged struct {
	settings Settings
	cache    *tokenCache
}

func newTwoLegged(s Settings) (Provider, error) {
	p := &twoLegged{settings: s}
	p.cache = newTokenCache(p.fetch)
	return p, nil
}

func (p *twoLegged) fetch(ctx context.Context) (Token, error) {
	tr, err := requestToken(ctx, p.settings, map[string]string{
		"grant_type": "client_credentials",
		"scope":      strings.Join(p.settings.Scopes, " "),
	})
	if err != nil {
		return Token{}, err
	}
	p.settings.Logger.Debug("token fetched", "kind", "2lo", "expires_in", tr.ExpiresIn)
	return tr.token(), nil
}

// Token implements Provider.
func (p *twoLegged) Token(ctx context.Context) (string, error) { return p.cache.Get(ctx) }

// Invalidate implements Provider.
func (p *twoLegged) Invalidate(token string) { p.cache.Invalidate(token) }
