// Package authproviders holds the auth kinds that can serve APS calls: a
// small Provider interface, a registry keyed by kind that each kind fills
// from init(), and the token cache every kind shares.
package authproviders

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/go-resty/resty/v2"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// Provider hands out APS access tokens for one auth kind.
type Provider interface {
	// Token returns a valid access token, fetching one if none is cached.
	Token(ctx context.Context) (string, error)
	// Invalidate tells the provider APS rejected token, so the next Token
	// call fetches a fresh one. Tokens other than the cached one are ignored.
	Invalidate(token string)
}

// Settings is what a provider is built from. Secrets are in Credentials and
// are never logged.
type Settings struct {
	BaseURL     string   // APS host, e.g. https://developer.api.autodesk.com
	Scopes      []string // scopes the profile asks for
	Credentials Credentials
	HTTP        *resty.Client // shared client for token calls
	Retry       apshttp.RetryPolicy
	// RetryNow, when set, is asked for the retry policy at each request
	// instead of Retry (a reload may change it while the provider lives).
	RetryNow func() apshttp.RetryPolicy
	Logger   *slog.Logger
	// Env looks up the kind's own environment variables (the SSA key, for
	// example); it returns "" for an unset variable.
	Env func(string) string
	// Section is the kind's own profile settings (Kind.NewSection's
	// type), or nil for the kind's defaults.
	Section Section
	// OnTokenFetch, if set, is told about every token request (for metrics).
	OnTokenFetch func(kind string, err error)

	kind string // set by New
}

// Credentials are the application's secrets, read from the environment.
type Credentials struct {
	ClientID     string
	ClientSecret string
}

// New builds the provider of kind name.
func New(name string, s Settings) (Provider, error) {
	k, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown auth kind %q (known: %v)", name, Kinds())
	}
	s = withDefaults(s)
	if s.Section == nil {
		s.Section = k.Section()
	}
	s.kind = name
	return k.New(s)
}

// withDefaults fills what a caller may leave unset.
func withDefaults(s Settings) Settings {
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Env == nil {
		s.Env = func(string) string { return "" }
	}
	return s
}

// retry is the retry policy of token and sign-in requests.
func (s Settings) retry() apshttp.RetryPolicy {
	p := s.Retry
	if s.RetryNow != nil {
		p = s.RetryNow()
	}
	if p.MaxAttempts == 0 {
		return apshttp.DefaultRetryPolicy()
	}
	return p
}
