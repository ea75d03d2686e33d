package app

import (
	"fmt"
	"strings"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
)

// newProvider builds the provider that serves the profile's tool calls
// in place of current (nil at start): the team's per-person provider when
// a team server's kind acts as a person, else the kind's own.
func (a *App) newProvider(prof *config.Profile, kind authproviders.Kind, current authproviders.Provider) (authproviders.Provider, error) {
	if current != nil && a.team != nil {
		return nil, errTeamAuth
	}
	if missing := missingEnv(a.env, kind.RequiredEnv()); len(missing) > 0 {
		return nil, fmt.Errorf("profile %s (auth %s) needs %s: set them in the environment or in .env (see .env.example), or run with --emulator to use the built-in APS emulator",
			prof.Name, kind.Name, strings.Join(missing, " and "))
	}
	if a.team != nil && a.team.perUser[a.mcpPath] != nil {
		return a.team.perUser[a.mcpPath], nil
	}
	provider, err := authproviders.New(kind.Name, a.providerSettings(prof))
	if err != nil {
		return nil, fmt.Errorf("auth %s: %w", kind.Name, err)
	}
	if current != nil && callbackURL(provider) != callbackURL(current) {
		return nil, errCallback
	}
	return provider, nil
}

// providerSettings are what the profile's auth provider is built from.
func (a *App) providerSettings(prof *config.Profile) authproviders.Settings {
	return authproviders.Settings{
		BaseURL: a.BaseURL,
		Scopes:  prof.Auth.Scopes,
		Credentials: authproviders.Credentials{
			ClientID:     a.env.Get("APS_CLIENT_ID"),
			ClientSecret: a.env.Get("APS_CLIENT_SECRET"),
		},
		HTTP:         a.httpClient,
		Retry:        retryPolicy(prof),
		RetryNow:     a.retryNow(prof),
		Logger:       a.logger,
		Env:          a.env.Get,
		Section:      prof.Auth.Section,
		OnTokenFetch: a.Metrics.TokenFetch,
	}
}

func retryPolicy(prof *config.Profile) apshttp.RetryPolicy {
	return apshttp.RetryPolicy{
		MaxAttempts: prof.Retry.MaxAttempts, BaseDelay: prof.Retry.BaseDelay,
		MaxDelay: prof.Retry.MaxDelay, MaxWait: prof.Retry.MaxWait,
	}
}

// retryNow is the retry policy of the profile served at the time of each
// token request (prof's until one is served), so a reload's retry settings
// reach providers that outlive it.
func (a *App) retryNow(prof *config.Profile) func() apshttp.RetryPolicy {
	return func() apshttp.RetryPolicy {
		if cur := a.Current(); cur != nil {
			return retryPolicy(cur.Profile)
		}
		return retryPolicy(prof)
	}
}

// authKey is what a provider is built from; a reload that leaves it alone
// keeps the provider and its cached tokens.
func authKey(p *config.Profile) string {
	return strings.Join([]string{p.Auth.Kind, strings.Join(p.Auth.Scopes, " "), fmt.Sprintf("%+v", p.Auth.Section)}, "\x00")
}

// callbackURL is where provider receives the browser's OAuth redirect, or
// "" when it has no callback.
func callbackURL(provider authproviders.Provider) string {
	if cb, ok := provider.(authproviders.CallbackServer); ok {
		return cb.RedirectURI()
	}
	return ""
}
