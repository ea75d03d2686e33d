package config

import (
	"time"

	"github.com/aps-mcp/aps-mcp/authproviders"
	builtins "github.com/aps-mcp/aps-mcp/defaults"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// DefaultBaseURL is APS's host.
const DefaultBaseURL = builtins.BaseURL

// Transports the server speaks.
const (
	TransportHTTP  = "http"
	TransportStdio = "stdio"
)

// Profile is one team's configuration: an auth mode, its scopes, the
// transport and address, and which tools it exposes.
type Profile struct {
	Description string       `yaml:"description"`
	Auth        AuthConfig   `yaml:"auth"`
	Server      ServerConfig `yaml:"server"`
	Tools       ToolsConfig  `yaml:"tools"`
	APS         APSConfig    `yaml:"aps"`
	Limits      LimitsConfig `yaml:"limits"`
	Retry       RetryConfig  `yaml:"retry"`

	// Name is the file name without .yaml; File the path it came from.
	Name string `yaml:"-"`
	File string `yaml:"-"`

	lines strictyaml.LineIndex // where each setting is in File
}

// Line is the line of File that sets the dotted setting (or the closest
// section that holds it), 0 when the file does not set it.
func (p *Profile) Line(setting string) int { return p.lines.Line(setting) }

// AuthConfig chooses the auth kind and the scopes its tokens carry; the
// section's other keys belong to the kind.
type AuthConfig struct {
	Kind   string   `yaml:"kind"`
	Scopes []string `yaml:"scopes"`
	// Section holds the kind's own keys (authproviders.Kind.NewSection),
	// nil when the kind has none.
	Section authproviders.Section `yaml:"-"`
}

// ServerConfig says how MCP clients reach the server.
type ServerConfig struct {
	Transport string `yaml:"transport"` // http or stdio
	Addr      string `yaml:"addr"`      // host:port for http
	// AllowNonLoopback lets a profile whose auth acts for one signed-in
	// user listen on an address other hosts can reach.
	AllowNonLoopback bool `yaml:"allow_non_loopback"`
	// AuthTokenEnv names the environment variable holding the bearer
	// token that /mcp then requires; empty means no token.
	AuthTokenEnv string `yaml:"auth_token_env"`
	// AllowUnprotected lets the server listen on a non-loopback address
	// without a bearer token.
	AllowUnprotected bool `yaml:"allow_unprotected"`
	// AllowedHosts are host names clients may use in Host and Origin
	// besides loopback names and IP addresses (DNS-rebinding defence).
	AllowedHosts []string `yaml:"allowed_hosts"`
	// MaxBodyBytes bounds one HTTP request body.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// WriteTimeout bounds how long one write to a client may block: a
	// client that stops reading its answers is cut off, one that reads
	// (however long the stream) is not.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// SessionIdleTimeout ends an MCP session no request used for this long.
	SessionIdleTimeout time.Duration `yaml:"session_idle_timeout"`
	// MaxSessions caps the MCP sessions kept; past it the longest idle ends.
	MaxSessions int `yaml:"max_sessions"`
	// Metrics serves Prometheus metrics at /metrics (behind the same
	// guard as /mcp).
	Metrics bool `yaml:"metrics"`
	// PublicURL, when set, makes this a team server: the base URL clients
	// reach it at (behind TLS), which names the protected resource, the
	// OAuth endpoints and the APS callback. People sign in through the
	// server's own OAuth authorization server and each acts as themselves.
	PublicURL string `yaml:"public_url"`
	// Store is where a team server keeps its shared state: "memory" (one
	// process) or redis://host:port/db (any number of replicas).
	Store string `yaml:"store"`
	// ShareReads sends identical reads in flight once and keeps the
	// answers tools.yaml caches; false sends every call's own requests.
	ShareReads bool `yaml:"share_reads"`
	// CacheBytes bounds the read cache (tools.yaml cache): in process,
	// or what each replica writes to a Redis store; 0 turns it off.
	CacheBytes int `yaml:"cache_bytes"`
	// SignIn limits who may sign in to a team server.
	SignIn SignInConfig `yaml:"sign_in"`
	// Drain is how long a stopping server goes on serving with /readyz
	// answering 503, so a balancer routes around it before it closes.
	Drain time.Duration `yaml:"drain"`
}

// SignInConfig limits who may sign in to a team server, by the e-mail of
// their APS user profile; empty lists let every APS user in.
type SignInConfig struct {
	AllowedEmails  []string `yaml:"allowed_emails"`
	AllowedDomains []string `yaml:"allowed_domains"`
}

// Team reports whether the profile serves a team (server.public_url set).
func (p *Profile) Team() bool { return p.Server.PublicURL != "" }

// ToolsConfig narrows the catalogue for the profile.
type ToolsConfig struct {
	Include  []string `yaml:"include"`
	Exclude  []string `yaml:"exclude"`
	ReadOnly bool     `yaml:"read_only"`
	// OnDemand names toolsets or tools served but left out of tools/list,
	// to spare the model's context: find_tools gives their definitions
	// and call_tool runs them.
	OnDemand []string `yaml:"on_demand"`
	// AllowUnconfirmedDestructive lets destructive tools (delete_object)
	// run for clients that cannot ask the person to confirm through
	// elicitation; without it such calls are refused.
	AllowUnconfirmedDestructive bool `yaml:"allow_unconfirmed_destructive"`
}

// APSConfig says where APS is.
type APSConfig struct {
	BaseURL string `yaml:"base_url"`
}

// LimitsConfig bounds one tool call.
type LimitsConfig struct {
	MaxItems       int           `yaml:"max_items"`       // items in one listing result
	MaxBytes       int           `yaml:"max_bytes"`       // bytes of projected JSON in one result: a listing's items, or a single answer
	CallTimeout    time.Duration `yaml:"call_timeout"`    // one tool call, retries included
	RequestTimeout time.Duration `yaml:"request_timeout"` // one HTTP request to APS
	Pace           bool          `yaml:"pace"`            // keep tools.yaml's budgets
}

// RetryConfig says how APS calls are retried on 429, transient 5xx and
// connection failures.
type RetryConfig struct {
	MaxAttempts int           `yaml:"max_attempts"` // including the first
	BaseDelay   time.Duration `yaml:"base_delay"`   // first backoff, doubled per retry
	MaxDelay    time.Duration `yaml:"max_delay"`    // cap on one backoff
	MaxWait     time.Duration `yaml:"max_wait"`     // cap on all waits of one exchange
}

// defaults are the built-in lowest layer, from the one table of them.
func defaults() map[string]any { return builtins.Map() }
