package config

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	builtins "github.com/aps-mcp/aps-mcp/defaults"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// DefaultRedirectURI is the OAuth callback a 3lo profile uses unless it
// names another.
const DefaultRedirectURI = "http://localhost:5002/callback"

// DefaultBaseURL is APS's host.
const DefaultBaseURL = "https://developer.api.autodesk.com"

// Transports the server speaks.
const (
	TransportHTTP  = "http"
	TransportStdio = "stdio"
)

// Profile is one team's configuration: an auth mode, its scopes, the
// transport and address, and which tools it exposes.
type Profile struct {
	Description string       `yaml:"description" koanf:"description"`
	Auth        AuthConfig   `yaml:"auth" koanf:"auth"`
	Server      ServerConfig `yaml:"server" koanf:"server"`
	Tools       ToolsConfig  `yaml:"tools" koanf:"tools"`
	APS         APSConfig    `yaml:"aps" koanf:"aps"`
	Limits      LimitsConfig `yaml:"limits" koanf:"limits"`
	Retry       RetryConfig  `yaml:"retry" koanf:"retry"`

	// Name is the file name without .yaml; File the path it came from.
	Name string `yaml:"-" koanf:"-"`
	File string `yaml:"-" koanf:"-"`
}

// AuthConfig chooses the auth kind and the scopes its tokens carry.
type AuthConfig struct {
	Kind   string   `yaml:"kind" koanf:"kind"`
	Scopes []string `yaml:"scopes" koanf:"scopes"`
	// RedirectURI is where APS sends the browser after a user signs in
	// (3lo); it must be registered as the app's callback URL.
	RedirectURI string `yaml:"redirect_uri" koanf:"redirect_uri"`
	// TokenStore is a file that keeps a user's tokens across restarts
	// (3lo); empty keeps them in memory only.
	TokenStore string `yaml:"token_store" koanf:"token_store"`
}

// ServerConfig says how MCP clients reach the server.
type ServerConfig struct {
	Transport string `yaml:"transport" koanf:"transport"` // http or stdio
	Addr      string `yaml:"addr" koanf:"addr"`           // host:port for http
	// AllowNonLoopback lets a profile whose auth acts for one signed-in
	// user listen on an address other hosts can reach.
	AllowNonLoopback bool `yaml:"allow_non_loopback" koanf:"allow_non_loopback"`
	// AuthTokenEnv names the environment variable holding the bearer
	// token that /mcp then requires; empty means no token.
	AuthTokenEnv string `yaml:"auth_token_env" koanf:"auth_token_env"`
	// AllowUnprotected lets the server listen on a non-loopback address
	// without a bearer token.
	AllowUnprotected bool `yaml:"allow_unprotected" koanf:"allow_unprotected"`
	// AllowedHosts are host names clients may use in Host and Origin
	// besides loopback names and IP addresses (DNS-rebinding defence).
	AllowedHosts []string `yaml:"allowed_hosts" koanf:"allowed_hosts"`
	// MaxBodyBytes bounds one HTTP request body.
	MaxBodyBytes int64 `yaml:"max_body_bytes" koanf:"max_body_bytes"`
	// Metrics serves Prometheus metrics at /metrics (behind the same
	// guard as /mcp).
	Metrics bool `yaml:"metrics" koanf:"metrics"`
}

// ToolsConfig narrows the catalogue for the profile.
type ToolsConfig struct {
	Include  []string `yaml:"include" koanf:"include"`
	Exclude  []string `yaml:"exclude" koanf:"exclude"`
	ReadOnly bool     `yaml:"read_only" koanf:"read_only"`
}

// APSConfig says where APS is.
type APSConfig struct {
	BaseURL string `yaml:"base_url" koanf:"base_url"`
}

// LimitsConfig bounds one tool call.
type LimitsConfig struct {
	MaxItems       int           `yaml:"max_items" koanf:"max_items"`             // items in one listing result
	MaxBytes       int           `yaml:"max_bytes" koanf:"max_bytes"`             // bytes of projected items in one listing result
	CallTimeout    time.Duration `yaml:"call_timeout" koanf:"call_timeout"`       // one tool call, retries included
	RequestTimeout time.Duration `yaml:"request_timeout" koanf:"request_timeout"` // one HTTP request to APS
}

// RetryConfig says how APS calls are retried on 429, transient 5xx and
// connection failures.
type RetryConfig struct {
	MaxAttempts int           `yaml:"max_attempts" koanf:"max_attempts"` // including the first
	BaseDelay   time.Duration `yaml:"base_delay" koanf:"base_delay"`     // first backoff, doubled per retry
	MaxDelay    time.Duration `yaml:"max_delay" koanf:"max_delay"`       // cap on one backoff
	MaxWait     time.Duration `yaml:"max_wait" koanf:"max_wait"`         // cap on all waits of one exchange
}

// Overrides are the command-line flags that win over everything else;
// empty fields are not set.
type Overrides struct {
	Transport string
	Addr      string
}

// envKeys maps the environment variables that override profile settings
// to their keys.
var envKeys = map[string]string{
	"APS_BASE_URL":        "aps.base_url",
	"APS_MCP_TRANSPORT":   "server.transport",
	"APS_MCP_ADDR":        "server.addr",
	"APS_CALLBACK_URL":    "auth.redirect_uri",
	"APS_MCP_TOKEN_STORE": "auth.token_store",
}

// EnvOverrides lists the environment variables a profile setting can come
// from, for --help.
func EnvOverrides() map[string]string { return maps.Clone(envKeys) }

// defaults are the built-in lowest layer: the table in package defaults.
func defaults() map[string]any {
	return builtins.Map()
}

// ProfilePath is where profile name lives in dir.
func ProfilePath(dir, name string) string { return filepath.Join(dir, name+".yaml") }

// ProfileNames lists the profiles in dir, sorted.
func ProfileNames(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(matches))
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(filepath.Base(m), ".yaml"))
	}
	sort.Strings(names)
	return names, nil
}

// LoadOptions say what a profile may refer to.
type LoadOptions struct {
	AuthKinds  []string
	ValidScope func(string) bool
}

// LoadProfile reads profile name from dir and layers it: defaults, the
// file, the environment, then overrides. Every problem is returned together
// as strictyaml.Problems naming file, line and field.
func LoadProfile(dir, name string, env Env, ov Overrides, opts LoadOptions) (*Profile, error) {
	path := ProfilePath(dir, name)
	if _, err := os.Stat(path); err != nil {
		known, _ := ProfileNames(dir)
		return nil, strictyaml.Problems{{File: path, Subject: "profile " + name,
			Message: fmt.Sprintf("no such profile (profiles in %s: %s)", dir, strings.Join(known, ", "))}}
	}
	doc, err := strictyaml.ReadFile(path)
	if err != nil {
		return nil, err
	}
	subject := "profile " + name
	var strict Profile
	ps := doc.Decode(&strict, subject, nil)
	if len(ps) > 0 {
		return nil, ps
	}

	k := koanf.New(".")
	layers := []struct {
		what string
		p    koanf.Provider
		pa   koanf.Parser
	}{
		{"defaults", confmap.Provider(defaults(), "."), nil},
		{path, file.Provider(path), yaml.Parser()},
		{"environment", confmap.Provider(envLayer(env), "."), nil},
		{"flags", confmap.Provider(ov.layer(), "."), nil},
	}
	for _, l := range layers {
		if err := k.Load(l.p, l.pa); err != nil {
			return nil, fmt.Errorf("loading %s: %w", l.what, err)
		}
	}
	p := &Profile{Name: name, File: path}
	if err := k.UnmarshalWithConf("", p, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		return nil, fmt.Errorf("profile %s: %w", name, err)
	}
	if ps := p.validate(doc, opts); len(ps) > 0 {
		return nil, ps
	}
	return p, nil
}

func envLayer(env Env) map[string]any {
	m := map[string]any{}
	for v, key := range envKeys {
		if val := env.Get(v); val != "" {
			m[key] = val
		}
	}
	return m
}

func (ov Overrides) layer() map[string]any {
	m := map[string]any{}
	if ov.Transport != "" {
		m["server.transport"] = ov.Transport
	}
	if ov.Addr != "" {
		m["server.addr"] = ov.Addr
	}
	return m
}

// validate checks the layered values; a problem points at the file's line
// when the value came from the file.
func (p *Profile) validate(doc *strictyaml.Document, opts LoadOptions) strictyaml.Problems {
	var ps strictyaml.Problems
	add := func(field, format string, args ...any) {
		ps = append(ps, strictyaml.Problem{File: p.File, Line: doc.Line(field), Subject: "profile " + p.Name,
			Field: field, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case p.Auth.Kind == "":
		add("auth.kind", "missing (known: %s)", strings.Join(opts.AuthKinds, ", "))
	case !slices.Contains(opts.AuthKinds, p.Auth.Kind):
		add("auth.kind", "unknown auth kind %q (known: %s)", p.Auth.Kind, strings.Join(opts.AuthKinds, ", "))
	}
	if len(p.Auth.Scopes) == 0 {
		add("auth.scopes", "missing: list the APS scopes the profile's tokens carry")
	}
	for i, s := range p.Auth.Scopes {
		if opts.ValidScope != nil && !opts.ValidScope(s) {
			add(fmt.Sprintf("auth.scopes.%d", i), "unknown APS scope %q", s)
		}
	}
	if p.Server.Transport != TransportHTTP && p.Server.Transport != TransportStdio {
		add("server.transport", "must be http or stdio, got %q", p.Server.Transport)
	}
	if _, port, err := net.SplitHostPort(p.Server.Addr); err != nil || port == "" {
		add("server.addr", "must be HOST:PORT, got %q", p.Server.Addr)
	}
	if u, err := url.Parse(p.APS.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		add("aps.base_url", "must be an http(s) URL with a host and no path, got %q", p.APS.BaseURL)
	}
	p.APS.BaseURL = strings.TrimRight(p.APS.BaseURL, "/")
	if u, err := url.Parse(p.Auth.RedirectURI); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		add("auth.redirect_uri", "must be an absolute http(s) URL without a fragment, got %q", p.Auth.RedirectURI)
	}
	for field, v := range map[string]int64{
		"limits.max_items": int64(p.Limits.MaxItems), "limits.max_bytes": int64(p.Limits.MaxBytes),
		"limits.call_timeout": int64(p.Limits.CallTimeout), "limits.request_timeout": int64(p.Limits.RequestTimeout),
		"retry.max_attempts": int64(p.Retry.MaxAttempts), "server.max_body_bytes": p.Server.MaxBodyBytes,
	} {
		if v <= 0 {
			add(field, "must be positive")
		}
	}
	for field, v := range map[string]time.Duration{"retry.base_delay": p.Retry.BaseDelay, "retry.max_delay": p.Retry.MaxDelay, "retry.max_wait": p.Retry.MaxWait} {
		if v < 0 {
			add(field, "must not be negative")
		}
	}
	return ps
}
