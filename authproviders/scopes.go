package authproviders

import "strings"

// knownScopes are APS's OAuth scopes (Authentication v2).
var knownScopes = map[string]bool{
	"user:read": true, "user:write": true, "user-profile:read": true, "viewables:read": true,
	"data:read": true, "data:write": true, "data:create": true, "data:search": true,
	"bucket:create": true, "bucket:read": true, "bucket:update": true, "bucket:delete": true,
	"code:all": true, "account:read": true, "account:write": true, "openid": true,
	"application:service_account:read": true, "application:service_account:write": true,
	"application:service_account_key:read": true, "application:service_account_key:write": true,
}

// ValidScope reports whether s is an APS scope, including the
// resource-narrowed form data:read:<urn>.
func ValidScope(s string) bool {
	if knownScopes[s] {
		return true
	}
	urn, ok := strings.CutPrefix(s, "data:read:")
	return ok && urn != ""
}
