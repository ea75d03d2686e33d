// Package app wires the pieces into a running server: it loads the
// catalogue and profile, checks the credentials, builds the auth provider
// and the MCP server with one tool per selected declaration, and serves it
// over streamable HTTP or stdio. The command line in main.go only parses
// flags and calls into here.
package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"

	"github.com/go-resty/resty/v2"
	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/httpguard"
	"github.com/aps-mcp/aps-mcp/logging"
	"github.com/aps-mcp/aps-mcp/metrics"
	"github.com/aps-mcp/aps-mcp/registry"
	"github.com/aps-mcp/aps-mcp/sessions"
	"github.com/aps-mcp/aps-mcp/store"
)

// ServerName is the name the server gives MCP clients.
const ServerName = "aps-mcp"

// Options are what the command line decided.
type Options struct {
	// ToolsFile is tools.yaml's path; empty for tools.yaml in the working
	// directory when there is one, else Builtin's.
	ToolsFile string
	// ProfilesDir is the directory of profile files, the only place
	// profiles come from when set; empty for profiles/NAME.yaml in the
	// working directory when there is one, else Builtin's
	// (config.ProfileFiles).
	ProfilesDir string
	// Builtin holds the shipped tools.yaml and profiles/NAME.yaml (package
	// main embeds them), the defaults the working directory's files and
	// ToolsFile and ProfilesDir override; nil for none.
	Builtin   fs.FS
	Profile   string // profile name
	Overrides config.Overrides
	Env       config.Env
	// Emulator serves the built-in APS emulator on a loopback port and
	// points the profile at it with its demo credentials.
	Emulator bool
	Logger   *slog.Logger
	Version  string
	// NoReload turns off watching tools.yaml and the profile.
	NoReload bool
	// MetadataClient, when set, fetches a team server's client metadata
	// documents instead of the default client that reaches only public
	// addresses (tests serve them on loopback).
	MetadataClient *http.Client
}

// App is a ready-to-serve MCP server.
type App struct {
	MCP     *server.MCPServer
	BaseURL string // the APS host in use
	Metrics *metrics.Metrics

	opts        Options
	files       Files  // where the catalogue and profile come from, for reloads
	mcpPath     string // where the MCP endpoint answers: /mcp, or /p/NAME/mcp in a deployment
	env         config.Env
	httpClient  *resty.Client
	bearerToken string // what /mcp requires, if the profile names one
	logger      *slog.Logger
	redactor    *logging.Redactor // the logger's, for tool results
	closers     []func()
	draining    atomic.Bool // set when a drain period starts: /readyz answers 503
	creds       credCheck   // the start-up check of the app's own APS credentials
	peers       []*App      // the other apps of a deployment, whose readiness /readyz reports too

	mu       sync.Mutex // guards what a reload swaps
	loaded   *Loaded
	team     *team // the team server's sign-in, when the profile has a public URL
	kind     authproviders.Kind
	provider authproviders.Provider
	authKey  string          // the settings the provider was built from
	lastErr  string          // the last reload failure, logged once
	guard    httpguard.Guard // what every path is behind, from the served profile
	sessions *sessions.Table // the MCP endpoint's sessions, once it serves
	pacing   *apshttp.Pacing // keeps tools.yaml's budgets; set once, before the first install
	reads    apshttp.Sharer  // nil shares nothing
	unlisted map[string]bool // the served tools tools/list leaves out (tools.on_demand)
}

// New loads the configuration, checks credentials and builds the server.
// Nothing contacts APS until it serves (which checks the credentials with
// one token request where the kind allows). Unless opts.NoReload,
// tools.yaml and the profile are watched and reloaded while it runs.
func New(ctx context.Context, opts Options) (*App, error) { return newApp(ctx, opts, nil) }

// member is how an App joins a Deployment: its endpoint's path and what
// the deployment shares.
type member struct {
	path    string
	baseURL string     // the APS host (the deployment's emulator, with --emulator)
	env     config.Env // with the emulator's credentials
	metrics *metrics.Metrics
	team    *team       // the deployment's sign-in; nil for none
	slots   store.Pacer // where the deployment's apps book their budgets without a team store
	// teamOf, for the first member of a deployment with a sign-in, are
	// every member's profiles: it builds the sign-in for them all.
	teamOf []*config.Profile
}

func newApp(ctx context.Context, opts Options, m *member) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	loaded, files, err := load(opts)
	if err != nil {
		return nil, err
	}
	a := &App{opts: opts, files: files, env: opts.Env, BaseURL: loaded.Profile.APS.BaseURL, Metrics: metrics.New(), mcpPath: MCPPath}
	if m != nil {
		a.mcpPath, a.BaseURL, a.env, a.Metrics, a.team = m.path, m.baseURL, m.env, m.metrics, m.team
	} else if err := a.startOwnEmulator(ctx, loaded.Profile); err != nil {
		return nil, err
	}
	if err := a.secure(loaded.Profile); err != nil {
		a.Close()
		return nil, err
	}
	a.MCP = newMCPServer(opts, loaded.Profile, a.Metrics, a.refuseUnknownTools, a.hideUnlisted)
	if err := a.joinTeam(ctx, loaded.Profile, m); err != nil {
		a.Close()
		return nil, err
	}
	var slots store.Pacer
	if m != nil {
		slots = m.slots
	}
	a.startPacing(slots)
	a.reads = a.newReads(loaded.Profile)
	if err := a.install(loaded); err != nil {
		a.Close()
		return nil, err
	}
	a.startWatching(ctx)
	return a, nil
}

// joinTeam builds the sign-in a team profile serves behind: its own, or
// a deployment's for all its members (built by the first, which m says).
func (a *App) joinTeam(ctx context.Context, prof *config.Profile, m *member) error {
	var profs []*config.Profile
	var paths []string
	switch {
	case m == nil && prof.Team():
		profs, paths = []*config.Profile{prof}, []string{MCPPath}
	case m != nil && m.teamOf != nil:
		profs = m.teamOf
		for _, p := range profs {
			paths = append(paths, ProfilePath(p.Name))
		}
	default:
		return nil
	}
	t, err := a.startTeam(ctx, profs, paths)
	if err != nil {
		return err
	}
	a.team = t
	if m == nil {
		a.closers = append(a.closers, t.close)
	}
	return nil
}

// startOwnEmulator starts the in-process emulator (--emulator) for the
// profile's kind and points the app at it.
func (a *App) startOwnEmulator(ctx context.Context, prof *config.Profile) error {
	if !a.opts.Emulator {
		return nil
	}
	kind, _ := authproviders.Lookup(prof.Auth.Kind) // validated by Load
	url, creds, stop, err := startEmulator(ctx, []authproviders.Kind{kind}, a.opts.Logger)
	if err != nil {
		return err
	}
	a.closers = append(a.closers, stop)
	a.BaseURL = url
	a.env = a.env.With(creds)
	return nil
}

// secure reads the bearer token /mcp requires, if any, and builds the
// logger that redacts every secret this server holds and the HTTP client.
func (a *App) secure(prof *config.Profile) error {
	if name := prof.Server.AuthTokenEnv; name != "" {
		if a.bearerToken = a.env.Get(name); len(a.bearerToken) < 16 {
			return fmt.Errorf("profile %s protects /mcp with the bearer token in %s, but that variable is unset or shorter than 16 characters (try: openssl rand -hex 32)",
				prof.Name, name)
		}
	}
	// From here on every log line goes through redaction of the secrets
	// this server holds, whatever level or component writes it.
	secrets := []string{a.bearerToken, a.env.Get(StoreKeyEnv), storePassword(prof.Server.Store)}
	for _, name := range authproviders.SecretEnvOfAllKinds() {
		secrets = append(secrets, a.env.Get(name))
	}
	// The Basic header's credentials, which an error body may quote bare.
	secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(a.env.Get("APS_CLIENT_ID")+":"+a.env.Get("APS_CLIENT_SECRET"))))
	redacting := logging.NewHandler(a.opts.Logger.Handler(), secrets...)
	a.logger, a.redactor = slog.New(redacting), redacting.Redactor()
	a.httpClient = apshttp.NewClient(apshttp.ClientOptions{Logger: a.logger, Timeout: prof.Limits.RequestTimeout})
	return nil
}

func newMCPServer(opts Options, prof *config.Profile, m *metrics.Metrics, beforeRequest server.OnRequestInitializationFunc,
	afterListTools server.OnAfterListToolsFunc) *server.MCPServer {
	version := opts.Version
	if version == "" {
		version = "dev"
	}
	hooks := &server.Hooks{}
	hooks.AddOnRegisterSession(func(context.Context, server.ClientSession) { m.Session(1) })
	hooks.AddOnUnregisterSession(func(context.Context, server.ClientSession) { m.Session(-1) })
	hooks.AddOnRequestInitialization(beforeRequest)
	hooks.AddAfterListTools(afterListTools)
	return server.NewMCPServer(ServerName, version,
		server.WithHooks(hooks),
		server.WithToolCapabilities(true),
		server.WithRecovery(),
		server.WithInstructions(instructions(prof)),
	)
}

// Current is the configuration being served now.
func (a *App) Current() *Loaded {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.loaded
}

// install makes loaded the served configuration: it keeps the auth provider
// (and its token cache) unless the auth settings changed, builds the
// handlers, and swaps the whole tool set at once. Calls already running
// finish with the handlers they started with.
func (a *App) install(loaded *Loaded) error {
	prof := loaded.Profile
	kind, _ := authproviders.Lookup(prof.Auth.Kind)
	a.mu.Lock()
	provider, key := a.provider, authKey(prof)
	a.mu.Unlock()
	if provider == nil || key != a.authKey {
		var err error
		if provider, err = a.newProvider(prof, kind, provider); err != nil {
			return err
		}
	}
	retry := retryPolicy(prof)
	rt := &registry.Runtime{
		BaseURL: a.BaseURL,
		HTTP:    a.httpClient,
		Auth:    provider,
		Retry:   retry,
		Limits: registry.Limits{
			MaxItems: prof.Limits.MaxItems, MaxBytes: prof.Limits.MaxBytes, CallTimeout: prof.Limits.CallTimeout,
		},
		CursorKey: registry.CursorKey(a.env.Get("APS_CLIENT_SECRET")),
		Profile:   registry.ProfileInfo{Name: prof.Name, File: prof.File, Scopes: prof.Auth.Scopes},
		Logger:    a.logger,
		Metrics:   a.Metrics,
		Redactor:  a.redactor,
		Sharer:    a.reads,

		AllowUnconfirmedDestructive: prof.Tools.AllowUnconfirmedDestructive,
	}
	if prof.Limits.Pace {
		rt.Pacing = a.pacing
	}
	tools, unlisted := loaded.ServerTools(rt.Handler), loaded.unlisted()
	a.mu.Lock()
	a.loaded, a.kind, a.provider, a.authKey, a.unlisted = loaded, kind, provider, key, unlisted
	a.guard = a.guardOf(prof)
	table := a.sessions
	a.mu.Unlock()
	if table != nil {
		table.SetLimits(sessionLimits(prof))
	}
	a.MCP.SetTools(tools...) // one swap; tells connected clients the list changed
	for _, w := range loaded.Warnings {
		a.logger.Warn("the profile goes without tools it includes", "problem", w.String())
	}
	return nil
}

// Close stops what New started (the in-process emulator).
func (a *App) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// storePassword is the password a store URL carries, a secret to redact.
func storePassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
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
