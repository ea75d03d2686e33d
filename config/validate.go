package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// validate checks the layered values; a problem points at the file's line
// when the value came from the file, and says so when it came from over
// (the environment and the flags).
func (p *Profile) validate(doc *strictyaml.Document, over map[string]any) strictyaml.Problems {
	var ps strictyaml.Problems
	add := func(field, format string, args ...any) {
		if doc.Failed(field) {
			return // it would repeat the problem decoding reported
		}
		pr := strictyaml.Problem{File: p.File, Line: doc.Line(field), Subject: "profile " + p.Name,
			Field: field, Message: fmt.Sprintf(format, args...)}
		if _, outside := over[field]; outside {
			pr.Line, pr.Message = 0, pr.Message+" (set by the environment or a command-line flag)"
		}
		ps = append(ps, pr)
	}
	p.validateAuth(add)
	if p.Server.Transport != TransportHTTP && p.Server.Transport != TransportStdio {
		add("server.transport", "must be http or stdio, got %q", p.Server.Transport)
	}
	switch msg := addrProblem(p.Server.Addr); {
	case msg != "":
		add("server.addr", "%s", msg)
	case p.Server.Transport == TransportHTTP:
		if msg := p.ExposureProblem(p.Server.Addr); msg != "" {
			add("server.addr", "%s", msg)
		}
	}
	if u, err := url.Parse(p.APS.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		add("aps.base_url", "must be an http(s) URL with a host and no path, got %q", p.APS.BaseURL)
	}
	p.APS.BaseURL = strings.TrimRight(p.APS.BaseURL, "/")
	p.validateTeam(add)
	for field, v := range map[string]int64{
		"limits.max_items": int64(p.Limits.MaxItems), "limits.max_bytes": int64(p.Limits.MaxBytes),
		"limits.call_timeout": int64(p.Limits.CallTimeout), "limits.request_timeout": int64(p.Limits.RequestTimeout),
		"retry.max_attempts": int64(p.Retry.MaxAttempts), "server.max_body_bytes": p.Server.MaxBodyBytes,
		"server.write_timeout": int64(p.Server.WriteTimeout), "server.session_idle_timeout": int64(p.Server.SessionIdleTimeout),
		"server.max_sessions": int64(p.Server.MaxSessions),
	} {
		if v <= 0 {
			add(field, "must be positive")
		}
	}
	if p.Server.CacheBytes < 0 {
		add("server.cache_bytes", "must not be negative (0 turns the read cache off)")
	}
	for field, v := range map[string]time.Duration{"retry.base_delay": p.Retry.BaseDelay, "retry.max_delay": p.Retry.MaxDelay, "retry.max_wait": p.Retry.MaxWait, "server.drain": p.Server.Drain} {
		if v < 0 {
			add(field, "must not be negative")
		}
	}
	return ps
}

// validateAuth checks the kind and scopes, and asks the kind to check its
// own keys.
func (p *Profile) validateAuth(add func(field, format string, args ...any)) {
	kinds := authproviders.Kinds()
	switch {
	case p.Auth.Kind == "":
		add("auth.kind", "missing (known: %s)", strings.Join(kinds, ", "))
	case !slices.Contains(kinds, p.Auth.Kind):
		add("auth.kind", "unknown auth kind %q (known: %s)", p.Auth.Kind, strings.Join(kinds, ", "))
	}
	if len(p.Auth.Scopes) == 0 {
		add("auth.scopes", "missing: list the APS scopes the profile's tokens carry")
	}
	for i, s := range p.Auth.Scopes {
		if !authproviders.ValidScope(s) {
			add(fmt.Sprintf("auth.scopes.%d", i), "unknown APS scope %q", s)
		}
	}
	if p.Auth.Section != nil {
		for _, fp := range p.Auth.Section.Validate() {
			add("auth."+fp.Field, "%s", fp.Message)
		}
	}
}

// validateTeam checks a team server's settings: a public URL clients can
// trust (https, or http on loopback for local use), HTTP transport, a
// store it knows, and no static bearer token beside the OAuth sign-in.
func (p *Profile) validateTeam(add func(field, format string, args ...any)) {
	if !p.Team() {
		return
	}
	p.Server.PublicURL = strings.TrimRight(p.Server.PublicURL, "/")
	u, err := url.Parse(p.Server.PublicURL)
	switch {
	case err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		add("server.public_url", "must be a scheme and host with no path, e.g. https://aps-mcp.example.com, got %q", p.Server.PublicURL)
	case u.Scheme != "https" && !(u.Scheme == "http" && slices.Contains([]string{"127.0.0.1", "localhost", "::1"}, u.Hostname())):
		add("server.public_url", "must be https (plain http only on 127.0.0.1 or localhost, for local use), got %q", p.Server.PublicURL)
	}
	if p.Server.Transport != TransportHTTP {
		add("server.transport", "a team server (server.public_url) serves streamable HTTP, not %s", p.Server.Transport)
	}
	if p.Server.AuthTokenEnv != "" {
		add("server.auth_token_env", "a team server signs people in with OAuth; drop the static bearer token")
	}
	if st := p.Server.Store; st != "memory" && !strings.HasPrefix(st, "redis://") && !strings.HasPrefix(st, "rediss://") {
		add("server.store", "must be memory or a redis://host:port/db URL") // never echoed: it may hold a password
	}
}
