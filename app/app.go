// Package app wires the pieces into a running server: it loads the
// catalogue and profile, checks the credentials, builds the auth provider
// and the MCP server with one tool per selected declaration, and serves it
// over streamable HTTP or stdio. The command line in main.go only parses
// flags and calls into here.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/logging"
	"github.com/aps-mcp/aps-mcp/registry"
)

// ServerName is the name the server gives MCP clients.
const ServerName = "aps-mcp"

// Options are what the command line decided.
type Options struct {
	ToolsFile   string // path of tools.yaml
	ProfilesDir string // directory of profile files
	Profile     string // profile name
	Overrides   config.Overrides
	Env         config.Env
	// Emulator serves the built-in APS emulator on a loopback port and
	// points the profile at it with its demo credentials.
	Emulator bool
	Logger   *slog.Logger
	Version  string
}

// Loaded is the offline part of a server: the catalogue, the profile and
// the tools it exposes. Loading it needs no credentials and no network.
type Loaded struct {
	Catalog *registry.Catalog
	Profile *config.Profile
	Tools   []*registry.Tool
}

// Load reads and checks tools.yaml and the profile and selects the tools.
// All problems come back together.
func Load(opts Options) (*Loaded, error) {
	catalog, catErr := registry.Load(opts.ToolsFile, registry.LoadOptions{
		AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope,
	})
	profile, profErr := config.LoadProfile(opts.ProfilesDir, opts.Profile, opts.Env, opts.Overrides, profileLoadOptions())
	if err := errors.Join(catErr, profErr); err != nil {
		return nil, err
	}
	tools, errs := catalog.Select(registry.Selection{
		Kind:     profile.Auth.Kind,
		Scopes:   profile.Auth.Scopes,
		Include:  profile.Tools.Include,
		Exclude:  profile.Tools.Exclude,
		ReadOnly: profile.Tools.ReadOnly,
	})
	if len(errs) > 0 {
		for i, e := range errs {
			errs[i] = fmt.Errorf("%s: profile %s: %w", profile.File, profile.Name, e)
		}
		return nil, errors.Join(errs...)
	}
	if len(tools) == 0 {
		return nil, fmt.Errorf("%s: profile %s exposes no tools: none in %s is served by auth %s with scopes %s",
			profile.File, profile.Name, catalog.File, profile.Auth.Kind, strings.Join(profile.Auth.Scopes, " "))
	}
	return &Loaded{Catalog: catalog, Profile: profile, Tools: tools}, nil
}

func profileLoadOptions() config.LoadOptions {
	return config.LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope}
}

// App is a ready-to-serve MCP server.
type App struct {
	*Loaded
	MCP     *server.MCPServer
	BaseURL string // the APS host in use

	kind        authproviders.Kind
	provider    authproviders.Provider
	bearerToken string // what /mcp requires, if the profile names one
	logger      *slog.Logger
	closers     []func()
}

// New loads the configuration, checks credentials and builds the server.
// Nothing contacts APS until the first tool call.
func New(ctx context.Context, opts Options) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	loaded, err := Load(opts)
	if err != nil {
		return nil, err
	}
	a := &App{Loaded: loaded, logger: opts.Logger, BaseURL: loaded.Profile.APS.BaseURL}
	env := opts.Env
	if opts.Emulator {
		url, creds, stop, err := startEmulator(ctx, loaded.Profile.Auth.Kind, opts.Logger)
		if err != nil {
			return nil, err
		}
		a.closers = append(a.closers, stop)
		a.BaseURL = url
		env = env.With(creds)
	}
	if name := loaded.Profile.Server.AuthTokenEnv; name != "" {
		if a.bearerToken = env.Get(name); len(a.bearerToken) < 16 {
			a.Close()
			return nil, fmt.Errorf("profile %s protects /mcp with the bearer token in %s, but that variable is unset or shorter than 16 characters (try: openssl rand -hex 32)",
				loaded.Profile.Name, name)
		}
	}
	// From here on every log line goes through redaction of the secrets
	// this server holds, whatever level or component writes it.
	opts.Logger = slog.New(logging.NewHandler(opts.Logger.Handler(),
		env.Get("APS_CLIENT_SECRET"), env.Get("APS_SSA_KEY_BASE64"), a.bearerToken))
	a.logger = opts.Logger
	kind, _ := authproviders.Lookup(loaded.Profile.Auth.Kind)
	if missing := missingEnv(env, kind.RequiredEnv); len(missing) > 0 {
		a.Close()
		return nil, fmt.Errorf("profile %s (auth %s) needs %s: set them in the environment or in .env (see .env.example), or run with --emulator to use the built-in APS emulator",
			loaded.Profile.Name, kind.Name, strings.Join(missing, " and "))
	}
	prof := loaded.Profile
	httpClient := apshttp.NewClient(apshttp.ClientOptions{Logger: opts.Logger, Timeout: prof.Limits.RequestTimeout})
	retry := apshttp.RetryPolicy{
		MaxAttempts: prof.Retry.MaxAttempts, BaseDelay: prof.Retry.BaseDelay,
		MaxDelay: prof.Retry.MaxDelay, MaxWait: prof.Retry.MaxWait,
	}
	provider, err := authproviders.New(kind.Name, authproviders.Settings{
		BaseURL: a.BaseURL,
		Scopes:  loaded.Profile.Auth.Scopes,
		Credentials: authproviders.Credentials{
			ClientID:     env.Get("APS_CLIENT_ID"),
			ClientSecret: env.Get("APS_CLIENT_SECRET"),
		},
		HTTP:        httpClient,
		Retry:       retry,
		Logger:      opts.Logger,
		Env:         env.Get,
		RedirectURI: loaded.Profile.Auth.RedirectURI,
		TokenStore:  loaded.Profile.Auth.TokenStore,
	})
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("auth %s: %w", kind.Name, err)
	}
	a.kind, a.provider = kind, provider
	rt := &registry.Runtime{
		BaseURL: a.BaseURL,
		HTTP:    httpClient,
		Auth:    provider,
		Retry:   retry,
		Limits: registry.Limits{
			MaxItems: prof.Limits.MaxItems, MaxBytes: prof.Limits.MaxBytes, CallTimeout: prof.Limits.CallTimeout,
		},
		CursorKey: registry.CursorKey(env.Get("APS_CLIENT_SECRET")),
		Profile:   registry.ProfileInfo{Name: prof.Name, File: prof.File, Scopes: prof.Auth.Scopes},
		Logger:    opts.Logger,
	}
	version := opts.Version
	if version == "" {
		version = "dev"
	}
	a.MCP = server.NewMCPServer(ServerName, version,
		server.WithToolCapabilities(true),
		server.WithRecovery(),
		server.WithElicitation(), // URL-mode elicitation opens the 3lo sign-in page
		server.WithInstructions(instructions(loaded.Profile)),
	)
	for _, t := range loaded.Tools {
		a.MCP.AddTool(t.MCPTool(), rt.Handler(t))
	}
	return a, nil
}

// Close stops what New started (the in-process emulator).
func (a *App) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

func missingEnv(env config.Env, names []string) []string {
	var missing []string
	for _, n := range names {
		if env.Get(n) == "" {
			missing = append(missing, n)
		}
	}
	return missing
}

func instructions(p *config.Profile) string {
	s := "Tools for Autodesk Platform Services (APS)"
	if p.Description != "" {
		s += ": " + p.Description
	}
	return s + ". Listing tools return every item across APS's pages up to a cap; a result with truncated=true says more exist."
}

// isLoopback reports whether a listen address stays on this machine.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
