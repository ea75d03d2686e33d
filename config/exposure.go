package config

import (
	"fmt"
	"net"
	"strconv"

	"github.com/aps-mcp/aps-mcp/authproviders"
)

// IsLoopback reports whether a listen address stays on this machine.
func IsLoopback(addr string) bool {
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

// ExposureProblem says why serving the profile over HTTP on addr would
// hand its APS access to other machines without the protection it asked
// for, or returns "" when it would not. It is the one rule: validate
// applies it to the profile's own address, the server to the address it
// is about to listen on. A team server is always safe to expose, since
// every caller signs in and acts as themselves; otherwise a kind that acts
// as the signed-in person needs server.allow_non_loopback, and an endpoint
// without a bearer token needs server.allow_unprotected.
func (p *Profile) ExposureProblem(addr string) string {
	if IsLoopback(addr) || p.Team() {
		return ""
	}
	srv := p.Server
	if kind, _ := authproviders.Lookup(p.Auth.Kind); kind.ActsAsUser && !srv.AllowNonLoopback {
		return fmt.Sprintf("auth %s acts as the signed-in person, so anyone who reaches %s would act as them; "+
			"listen on a loopback address, or set server.allow_non_loopback: true in %s if that is intended",
			kind.Name, addr, p.File)
	}
	if srv.AuthTokenEnv == "" && !srv.AllowUnprotected {
		return fmt.Sprintf("%s is reachable from other machines and /mcp has no bearer token; set server.auth_token_env "+
			"to the name of an environment variable holding a long random token, or set server.allow_unprotected: true in %s if that is intended",
			addr, p.File)
	}
	return ""
}

// addrProblem says what is wrong with a listen address that a listener
// would refuse, or "".
func addrProblem(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Sprintf("must be HOST:PORT, got %q", addr)
	}
	if n, err := strconv.ParseUint(port, 10, 64); err != nil || n > 65535 {
		return fmt.Sprintf("the port must be a number from 0 to 65535, got %q", port)
	}
	return ""
}
