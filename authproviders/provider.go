// Package authproviders holds the auth kinds that can serve APS calls: a
// small Provider interface, a registry keyed by kind that each kind fills
// from init(), and the token cache every kind shares.
package authproviders

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"

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
	Logger      *slog.Logger
	// Env looks up the kind's own environment variables (the SSA key, for
	// example); it returns "" for an unset variable.
	Env func(string) string
	// RedirectURI and TokenStore are for kinds where a user signs in
	// (3lo): the OAuth callback URL and the file that keeps the user's
	// tokens ("" = memory only).
	RedirectURI string
	TokenStore  string
	// OnTokenFetch, if set, is told about every token request (for metrics).
	OnTokenFetch func(kind string, err error)

	kind string // set by New
}

// Credentials are the application's secrets, read from the environment.
type Credentials struct {
	ClientID     string
	ClientSecret string
}

// Kind describes one auth kind and how to build its provider.
type Kind struct {
	// Name is the kind's key in profiles and tools.yaml, e.g. "2lo".
	Name string
	// Description is shown in --help and validate output.
	Description string
	// RequiredEnv lists the environment variables the kind needs.
	RequiredEnv []string
	// New builds the provider; it must not contact APS.
	New func(Settings) (Provider, error)
	// ActsForOneUser is true when tokens belong to one signed-in person:
	// whoever reaches the server then acts as that person.
	ActsForOneUser bool
}

var (
	kindsMu sync.RWMutex
	kinds   = map[string]Kind{}
)

// Register adds an auth kind. It is meant to be called from init and panics
// on a duplicate or incomplete kind, as database/sql.Register does.
func Register(k Kind) {
	if k.Name == "" || k.New == nil {
		panic("authproviders: Register needs a name and a constructor")
	}
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, dup := kinds[k.Name]; dup {
		panic(fmt.Sprintf("authproviders: kind %q registered twice", k.Name))
	}
	kinds[k.Name] = k
}

// Lookup returns the registered kind called name.
func Lookup(name string) (Kind, bool) {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	k, ok := kinds[name]
	return k, ok
}

// Kinds returns the names of every registered kind, sorted.
func Kinds() []string {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	names := make([]string, 0, len(kinds))
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New builds the provider of kind name.
func New(name string, s Settings) (Provider, error) {
	k, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown auth kind %q (known: %v)", name, Kinds())
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Env == nil {
		s.Env = func(string) string { return "" }
	}
	s.kind = name
	return k.New(s)
}
