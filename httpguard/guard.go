// Package httpguard protects the MCP HTTP endpoint: it accepts only Host
// and Origin values a DNS-rebinding attacker cannot choose, optionally
// requires a bearer token, and bounds request bodies.
package httpguard

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/aps-mcp/aps-mcp/defaults"
)

// DefaultMaxBody bounds a request body; MCP messages are small.
const DefaultMaxBody = defaults.MaxBodyBytes

// Guard says what the endpoint accepts.
type Guard struct {
	// AllowedHosts are host names (no port) accepted in Host and Origin
	// besides loopback names and IP literals.
	AllowedHosts []string
	// Token, when not empty, must come as "Authorization: Bearer <Token>".
	Token string
	// MaxBody bounds request bodies; 0 means DefaultMaxBody.
	MaxBody int64
}

// Wrap returns h behind the guard.
func (g Guard) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.Admit(w, r) {
			h.ServeHTTP(w, r)
		}
	})
}

// Admit checks r against the guard: it answers a request the guard
// refuses (and returns false), or bounds r's body and returns true.
func (g Guard) Admit(w http.ResponseWriter, r *http.Request) bool {
	if !g.hostAllowed(r.Host) {
		http.Error(w, "Forbidden: Host not allowed", http.StatusForbidden)
		return false
	}
	if origin := r.Header.Get("Origin"); origin != "" && !g.originAllowed(origin) {
		http.Error(w, "Forbidden: Origin not allowed", http.StatusForbidden)
		return false
	}
	if g.Token != "" && !g.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="aps-mcp", error="invalid_token"`)
		http.Error(w, "Unauthorized: send Authorization: Bearer <token>", http.StatusUnauthorized)
		return false
	}
	maxBody := g.MaxBody
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	return true
}

// hostAllowed accepts loopback names, IP literals (a rebinding attack
// always arrives with the attacker's domain name) and the allowed names.
func (g Guard) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if host == "" {
		return false
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(host) != nil {
		return true
	}
	return slices.ContainsFunc(g.AllowedHosts, func(a string) bool { return strings.EqualFold(a, host) })
}

func (g Guard) originAllowed(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return g.hostAllowed(u.Host)
}

func (g Guard) authorized(r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(auth) < len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(auth[len(prefix):]), []byte(g.Token)) == 1
}
