package apsemu

import (
	"net/http"
	"net/url"
)

// revokePath is the token revocation endpoint (Authentication v2, RFC 7009).
const revokePath = "/authentication/v2/revoke"

// Token type hints of the revoke endpoint, the spec's tokenTypeHint enum.
const (
	hintAccessToken  = "access_token"
	hintRefreshToken = "refresh_token"
)

// Revocations returns the number of POST /authentication/v2/revoke
// requests answered 200: authenticated and naming a token, whether or not
// the token was live and the app's own (RFC 7009 §2.2 answers alike).
func (e *Emulator) Revocations() int64 {
	return e.revocations.Load()
}

// handleRevoke serves POST /authentication/v2/revoke (NOTES §2.3): 200
// with no body once the app has authenticated and named a token.
func (e *Emulator) handleRevoke(w http.ResponseWriter, c *call) {
	clientID, form, oerr := e.readRevocation(c.r)
	if oerr != nil {
		writeClientError(w, c.r, oerr)
		return
	}
	e.revoke(clientID, form.Get("token"))
	e.revocations.Add(1)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// readRevocation checks a revocation request in the token endpoint's
// order, request shape, then client authentication (as the token endpoint
// authenticates it; every registered app is confidential, so the public
// client form, client_id alone, does not authenticate), then the token.
// token_type_hint is optional, as the docs say (the spec requires it), but
// must be one of the spec's two values when sent.
func (e *Emulator) readRevocation(r *http.Request) (clientID string, form url.Values, oerr *oauthError) {
	if form, oerr = readTokenForm(r); oerr != nil {
		return "", nil, oerr
	}
	if oerr = checkSingleValued(form, "token", "token_type_hint", "client_id", "client_secret"); oerr != nil {
		return "", nil, oerr
	}
	if clientID, oerr = e.authenticateClient(r, form); oerr != nil {
		return "", nil, oerr
	}
	if form.Get("token") == "" {
		return "", nil, errMissingParameter("token")
	}
	if hint := form.Get("token_type_hint"); form.Has("token_type_hint") && hint != hintAccessToken && hint != hintRefreshToken {
		return "", nil, invalidRequest("The 'token_type_hint' must be access_token or refresh_token.")
	}
	return clientID, form, nil
}

// revoke invalidates token if it is one of clientID's; another app's token
// and an unknown one are left alone (RFC 7009 §2.2). An access token goes
// alone. A refresh token takes every token of its grant with it, the
// access tokens it and its predecessors were issued with included: RFC
// 7009 §2.1 says the server SHOULD, and the emulator does. Both kinds are
// looked up whatever the hint says, as §2.1 allows; no token is of both.
func (e *Emulator) revoke(clientID, token string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if info, ok := e.refreshTokens[token]; ok && info.clientID == clientID {
		e.revokeFamilyLocked(info.family)
		return
	}
	if info, ok := e.tokens[token]; ok && info.clientID == clientID {
		delete(e.tokens, token)
	}
}
