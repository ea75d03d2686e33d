package apsemu

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"slices"
	"time"
)

// Lifetimes of the 3LO grant's other artefacts (NOTES §2.2): refresh
// tokens 15 days, ID tokens 60 minutes.
const (
	refreshTokenTTL = 15 * 24 * time.Hour
	idTokenTTL      = 60 * time.Minute
)

// refreshTokenLength matches the 40-odd alphanumerics of the documented
// refresh tokens; clients must treat them as opaque anyway.
const refreshTokenLength = 40

// PKCE code_verifier length bounds (RFC 7636 §4.1).
const (
	minVerifierLength = 43
	maxVerifierLength = 128
)

// scopeOpenID in a code's scope earns an ID token.
const scopeOpenID = "openid"

// refreshInfo is what the emulator remembers about a live refresh token.
type refreshInfo struct {
	clientID string
	userID   string
	// scopes are the original grant's: the most a refresh may ask for,
	// and what every rotated successor keeps.
	scopes  []string
	family  string
	expires time.Time
}

// errPKCE is the documented "PKCE verification failed." with the reason.
func errPKCE(reason string) *oauthError {
	return invalidGrant("PKCE verification failed: " + reason)
}

// CodeExchanges returns the number of token requests whose grant_type is
// authorization_code, whatever their outcome (requests whose body could
// not be read as a form have no readable grant type and are not counted).
func (e *Emulator) CodeExchanges() int64 {
	return e.codeExchanges.Load()
}

// RefreshExchanges returns the number of token requests whose grant_type
// is refresh_token, counted as CodeExchanges counts code exchanges.
func (e *Emulator) RefreshExchanges() int64 {
	return e.refreshExchanges.Load()
}

// IssuedTokens returns every access and refresh token issued so far, live
// or not, so a test can prove none of them leaked into logs or results.
func (e *Emulator) IssuedTokens() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.issued...)
}

// ExpireAccessTokens makes every access token issued so far expired at
// once, so API calls with them get the gateway 401, while refresh tokens
// stay valid: the situation a client meets after an hour of idleness.
// Tokens issued afterwards are valid as usual.
func (e *Emulator) ExpireAccessTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for tok, info := range e.tokens {
		// The zero time is before any reading of any clock.
		info.expires = time.Time{}
		e.tokens[tok] = info
	}
}

// grantAuthorizationCodeToken implements the authorization code grant: the
// code must be live and unspent, issued to this client for this
// redirect_uri, and pass PKCE if it was bound to a challenge. The tokens
// act for the user who consented and carry the authorized scopes.
// Request-shape errors are reported before the code is looked up and
// leave it unspent; once looked up, the code is spent whatever follows.
func (e *Emulator) grantAuthorizationCodeToken(clientID string, form url.Values) (tokenGrant, *oauthError) {
	code := form.Get("code")
	if code == "" {
		return tokenGrant{}, errMissingParameter("code")
	}
	redirectURI := form.Get("redirect_uri")
	if redirectURI == "" {
		return tokenGrant{}, errMissingParameter("redirect_uri")
	}
	verifier := form.Get("code_verifier")
	if form.Has("code_verifier") && !validVerifier(verifier) {
		return tokenGrant{}, invalidRequest(descMalformedVerifier)
	}
	ac, oerr := e.spendCode(code)
	if oerr != nil {
		return tokenGrant{}, oerr
	}
	if ac.clientID != clientID {
		return tokenGrant{}, invalidGrant(descOtherClient)
	}
	if ac.redirectURI != redirectURI {
		return tokenGrant{}, invalidGrant(descRedirectMismatch)
	}
	switch {
	case ac.challenge != "" && verifier == "":
		return tokenGrant{}, errMissingParameter("code_verifier")
	case ac.challenge == "" && verifier != "":
		// OAuth 2.1 §4.1.3: a verifier for a code without a challenge means
		// the client and the code do not belong together.
		return tokenGrant{}, errPKCE("a 'code_verifier' was sent, but the authorization request had no 'code_challenge'.")
	case ac.challenge != "" && subtle.ConstantTimeCompare([]byte(s256Challenge(verifier)), []byte(ac.challenge)) != 1:
		return tokenGrant{}, errPKCE("the 'code_verifier' does not match the 'code_challenge' of the authorization request.")
	}
	return tokenGrant{
		scopes:        ac.scopes,
		userID:        ac.userID,
		family:        ac.family,
		refreshScopes: ac.scopes,
		idToken:       slices.Contains(ac.scopes, scopeOpenID),
		nonce:         ac.nonce,
	}, nil
}

// spendCode looks a code up and marks it spent. An unknown or expired code
// is invalid; a code presented before is invalid too, and everything
// issued from it is revoked (RFC 6749 §4.1.2), since one of the two
// presenters is likely an attacker.
func (e *Emulator) spendCode(code string) (authCode, *oauthError) {
	now := e.now()
	e.mu.Lock()
	defer e.mu.Unlock()
	ac := e.codes[code]
	switch {
	case ac == nil:
		return authCode{}, invalidGrant(descInvalidCode)
	case ac.spent:
		e.revokeFamilyLocked(ac.family)
		return authCode{}, invalidGrant(descInvalidCode)
	case !now.Before(ac.expires):
		delete(e.codes, code)
		return authCode{}, invalidGrant(descInvalidCode)
	}
	ac.spent = true
	return *ac, nil
}

// revokeFamilyLocked revokes every access and refresh token issued from
// one authorization code, and any still being issued. e.mu must be held.
func (e *Emulator) revokeFamilyLocked(family string) {
	e.revokedFamilies[family] = true
	for tok, info := range e.tokens {
		if info.family == family {
			delete(e.tokens, tok)
		}
	}
	for tok, info := range e.refreshTokens {
		if info.family == family {
			delete(e.refreshTokens, tok)
		}
	}
}

// validVerifier reports whether v is a well-formed PKCE code_verifier:
// 43 to 128 unreserved characters (RFC 7636 §4.1).
func validVerifier(v string) bool {
	if len(v) < minVerifierLength || len(v) > maxVerifierLength {
		return false
	}
	for _, c := range []byte(v) {
		if !isAlnum(c) && c != '-' && c != '.' && c != '_' && c != '~' {
			return false
		}
	}
	return true
}

// s256Challenge is BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2).
func s256Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// grantRefreshedToken implements the refresh token grant with rotation:
// the refresh token must be live and issued to this client; the optional
// scope narrows the new access token within the original grant. Only a
// successful refresh uses the token up, so a client that sends a bad
// scope keeps its session.
func (e *Emulator) grantRefreshedToken(clientID string, form url.Values) (tokenGrant, *oauthError) {
	presented := form.Get("refresh_token")
	if presented == "" {
		return tokenGrant{}, errMissingParameter("refresh_token")
	}
	now := e.now()
	e.mu.Lock()
	defer e.mu.Unlock()
	info, ok := e.refreshTokens[presented]
	if !ok {
		return tokenGrant{}, invalidGrant(descInvalidRefreshToken)
	}
	if !now.Before(info.expires) {
		delete(e.refreshTokens, presented)
		return tokenGrant{}, invalidGrant(descInvalidRefreshToken)
	}
	if info.clientID != clientID {
		return tokenGrant{}, invalidGrant(descOtherClient)
	}
	scopes, oerr := narrowScopes(form, info.scopes)
	if oerr != nil {
		return tokenGrant{}, oerr
	}
	delete(e.refreshTokens, presented)
	return tokenGrant{scopes: scopes, userID: info.userID, family: info.family, refreshScopes: info.scopes}, nil
}

// issueRefreshToken stores and returns a new refresh token of the grant's
// family, live for 15 days from now.
func (e *Emulator) issueRefreshToken(clientID string, grant tokenGrant) string {
	tok := randomAlnum(refreshTokenLength)
	info := refreshInfo{
		clientID: clientID,
		userID:   grant.userID,
		scopes:   grant.refreshScopes,
		family:   grant.family,
		expires:  e.now().Add(refreshTokenTTL),
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.issued = append(e.issued, tok)
	// As for access tokens: a family revoked meanwhile gets a dead token.
	if !e.revokedFamilies[grant.family] {
		e.refreshTokens[tok] = info
	}
	return tok
}

// issueIDToken signs an OpenID Connect ID token for the grant's user,
// addressed to the client, with the same key as access tokens (so the
// JWKS verifies both).
func (e *Emulator) issueIDToken(clientID string, grant tokenGrant) (string, *oauthError) {
	now := e.now()
	signed, err := e.signer.sign(idClaims{
		Issuer:   tokenIssuer,
		Subject:  grant.userID,
		Audience: clientID,
		Expiry:   now.Add(idTokenTTL).Unix(),
		IssuedAt: now.Unix(),
		Nonce:    grant.nonce,
	})
	if err != nil {
		return "", errServer()
	}
	return signed, nil
}
