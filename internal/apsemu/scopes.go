package apsemu

import (
	"slices"
	"strings"
)

// Scope names the emulator's resource endpoints check.
const (
	scopeBucketRead    = "bucket:read"
	scopeBucketCreate  = "bucket:create"
	scopeViewablesRead = "viewables:read"
	scopeDataRead      = "data:read"
	scopeDataWrite     = "data:write"
	scopeDataCreate    = "data:create"
	scopeDataSearch    = "data:search"
)

// Limits on the token request's scope parameter documented for APS.
const (
	maxScopes     = 50
	maxScopeChars = 3000
)

// dataReadResourcePrefix starts the resource-restricted read scope
// "data:read:<URN_OF_RESOURCE>".
const dataReadResourcePrefix = "data:read:"

// isKnownScope reports whether s is a scope APS would grant: the catalogue
// of NOTES §2.4, including the SSA management scopes, plus the
// resource-restricted data:read:<URN>.
func isKnownScope(s string) bool {
	switch s {
	case "user:read", "user:write", "user-profile:read", "viewables:read",
		"data:read", "data:write", "data:create", "data:search",
		"bucket:create", "bucket:read", "bucket:update", "bucket:delete",
		"code:all", "account:read", "account:write", "openid",
		"application:service_account:read", "application:service_account:write",
		"application:service_account_key:read", "application:service_account_key:write":
		return true
	}
	urn, ok := strings.CutPrefix(s, dataReadResourcePrefix)
	return ok && urn != ""
}

// parseScopes splits a space-separated scope parameter, checks every entry
// and drops duplicates while keeping the caller's order (the order ends up in
// the token's scope claim).
func parseScopes(raw string) ([]string, bool) {
	if len(raw) > maxScopeChars {
		return nil, false
	}
	fields := strings.Fields(raw)
	if len(fields) > maxScopes {
		return nil, false
	}
	scopes := make([]string, 0, len(fields))
	for _, s := range fields {
		if !isKnownScope(s) {
			return nil, false
		}
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	return scopes, true
}

// hasAnyScope reports whether granted includes one of wanted. Scopes are
// matched exactly: APS documents no implication between scopes, and a
// resource-restricted data:read:<urn> does not stand in for data:read.
func hasAnyScope(granted []string, wanted ...string) bool {
	for _, w := range wanted {
		if slices.Contains(granted, w) {
			return true
		}
	}
	return false
}
