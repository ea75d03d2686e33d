package apsemu

import (
	"net/http"
	"strings"
)

// Gateway error codes (https://aps.autodesk.com/en/docs/oauth/v2/developers_guide/error_handling/).
const (
	codeInvalidToken      = "AUTH-006"
	codeInsufficientScope = "AUTH-010"
)

// Gateway error messages. The AUTH-006 and AUTH-010 texts follow the
// documented examples; the missing-header text is the emulator's own and is
// sent with AUTH-006 too, so clients can key on the code alone.
const (
	msgMissingHeader     = "The Authorization header is missing."
	msgInvalidToken      = "The access token is invalid."
	msgInsufficientScope = "Token does not have the privilege for this request."
)

// authenticateBearer plays the API gateway: it resolves the request's bearer
// token or answers 401 itself. Unknown, revoked and expired tokens are
// indistinguishable to the caller, as on APS.
func (e *Emulator) authenticateBearer(w http.ResponseWriter, r *http.Request) (tokenInfo, bool) {
	header := r.Header.Get("Authorization")
	if header == "" {
		writeGatewayError(w, http.StatusUnauthorized, codeInvalidToken, msgMissingHeader)
		return tokenInfo{}, false
	}
	info, ok := e.lookupToken(header)
	if !ok {
		writeGatewayError(w, http.StatusUnauthorized, codeInvalidToken, msgInvalidToken)
		return tokenInfo{}, false
	}
	return info, true
}

// lookupToken resolves an Authorization header value ("Bearer <token>", the
// scheme matched case-insensitively per RFC 9110) to a live token.
func (e *Emulator) lookupToken(header string) (tokenInfo, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return tokenInfo{}, false
	}
	e.mu.Lock()
	info, ok := e.tokens[token]
	e.mu.Unlock()
	if !ok || !e.now().Before(info.expires) {
		return tokenInfo{}, false
	}
	return info, true
}

// requireScope answers 403 AUTH-010 unless the token carries one of wanted.
func requireScope(w http.ResponseWriter, info tokenInfo, wanted ...string) bool {
	if hasAnyScope(info.scopes, wanted...) {
		return true
	}
	writeGatewayError(w, http.StatusForbidden, codeInsufficientScope, msgInsufficientScope)
	return false
}
