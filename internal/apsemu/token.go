package apsemu

import (
	"crypto/rand"
	"crypto/subtle"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// tokenPath is the OAuth 2.0 token endpoint (Authentication v2).
const tokenPath = "/authentication/v2/token"

// Claim values of every APS access token (NOTES §2.5).
const (
	tokenIssuer   = "https://developer.api.autodesk.com"
	tokenAudience = "https://autodesk.com"
)

// Grant types APS knows, all implemented.
const (
	grantClientCredentials = "client_credentials"
	grantAuthorizationCode = "authorization_code"
	grantRefreshToken      = "refresh_token"
	grantJWTBearer         = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// maxTokenBody bounds the form body; the documented scope limit is 3000
// characters, so real requests are far smaller.
const maxTokenBody = 64 << 10

// tokenInfo is what the emulator remembers about an issued access token.
type tokenInfo struct {
	clientID string
	scopes   []string
	expires  time.Time
	// userID is the user the token acts for; empty for app-only (2LO)
	// tokens. A non-empty userID makes it a user-context (3LO) token.
	userID string
	// family is the authorization code the token descends from (through
	// any number of refreshes); empty for tokens of other grants.
	family string
}

// tokenGrant is what a successful grant function decides: the scopes the
// new access token carries and, for user-context grants, the user.
type tokenGrant struct {
	scopes []string
	userID string
	// family, set by the 3LO grants, asks for a refresh token in that token
	// family; refreshScopes are the scopes it may later be refreshed to
	// (the original grant's, which a narrower refresh keeps, RFC 6749 §6).
	family        string
	refreshScopes []string
	// idToken asks for an OpenID Connect ID token carrying nonce (if any).
	idToken bool
	nonce   string
}

// tokenResponse is the 200 body; APS sends no expires_at (NOTES §2.1).
// refresh_token comes only from the 3LO grants and id_token only from a
// code exchange whose scope includes openid.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
}

// handleToken serves POST /authentication/v2/token.
func (e *Emulator) handleToken(w http.ResponseWriter, c *call) {
	r := c.r
	e.tokenRequests.Add(1)
	resp, oerr := e.grantToken(r)
	if oerr != nil {
		writeClientError(w, r, oerr)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, contentTypeJSON, resp)
}

// grantToken runs the token request pipeline in the order a typical OAuth
// server does: request shape, client authentication, then the grant itself.
// APS's precedence between simultaneous errors is unverified.
func (e *Emulator) grantToken(r *http.Request) (tokenResponse, *oauthError) {
	form, oerr := readTokenForm(r)
	if oerr != nil {
		return tokenResponse{}, oerr
	}
	// Counted as soon as the grant type is readable, so the per-grant
	// counters see every attempt whatever fails after this point.
	switch form.Get("grant_type") {
	case grantJWTBearer:
		e.jwtExchanges.Add(1)
	case grantAuthorizationCode:
		e.codeExchanges.Add(1)
	case grantRefreshToken:
		e.refreshExchanges.Add(1)
	}
	if oerr := checkSingleValued(form, "grant_type", "scope", "client_id", "client_secret", "assertion",
		"code", "redirect_uri", "code_verifier", "refresh_token"); oerr != nil {
		return tokenResponse{}, oerr
	}
	clientID, oerr := e.authenticateClient(r, form)
	if oerr != nil {
		return tokenResponse{}, oerr
	}
	grant, oerr := e.runGrant(r, clientID, form)
	if oerr != nil {
		return tokenResponse{}, oerr
	}
	return e.issueTokens(clientID, grant)
}

// readTokenForm reads the URL-encoded body. Query parameters are ignored:
// OAuth credentials and grants travel in the body only.
func readTokenForm(r *http.Request) (url.Values, *oauthError) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, invalidRequest(descContentType)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxTokenBody+1))
	if err != nil || len(body) > maxTokenBody {
		return nil, invalidRequest(descBadForm)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, invalidRequest(descBadForm)
	}
	return form, nil
}

// checkSingleValued enforces RFC 6749 §3.2: the named request parameters
// must not be included more than once.
func checkSingleValued(form url.Values, names ...string) *oauthError {
	for _, name := range names {
		if len(form[name]) > 1 {
			return errRepeatedParameter(name)
		}
	}
	return nil
}

// authenticateClient accepts either HTTP Basic credentials or client_id and
// client_secret in the body, never both, and returns the client ID.
func (e *Emulator) authenticateClient(r *http.Request, form url.Values) (string, *oauthError) {
	inBody := form.Has("client_id") || form.Has("client_secret")
	if r.Header.Get("Authorization") != "" {
		if inBody {
			return "", invalidRequest(descBothCredentials)
		}
		id, secret, ok := r.BasicAuth()
		if !ok {
			return "", invalidClient(descBadCredentials)
		}
		return e.checkClient(id, secret)
	}
	if !inBody {
		return "", invalidClient(descNoCredentials)
	}
	return e.checkClient(form.Get("client_id"), form.Get("client_secret"))
}

// checkClient verifies a confidential client's secret. Every registered app
// is confidential, so an empty secret never authenticates.
func (e *Emulator) checkClient(id, secret string) (string, *oauthError) {
	c, ok := e.clients[id]
	if !ok || secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		return "", invalidClient(descBadCredentials)
	}
	return id, nil
}

// runGrant dispatches on grant_type for the authenticated client. Each grant
// is its own function.
func (e *Emulator) runGrant(r *http.Request, clientID string, form url.Values) (tokenGrant, *oauthError) {
	switch form.Get("grant_type") {
	case grantClientCredentials:
		return grantClientCredentialsToken(form)
	case grantJWTBearer:
		return e.grantJWTBearerToken(r, clientID, form)
	case grantAuthorizationCode:
		return e.grantAuthorizationCodeToken(clientID, form)
	case grantRefreshToken:
		return e.grantRefreshedToken(clientID, form)
	default:
		return tokenGrant{}, invalidRequest(descInvalidGrantType)
	}
}

// grantClientCredentialsToken implements the two-legged grant: the token
// carries exactly the requested scopes, which are required.
func grantClientCredentialsToken(form url.Values) (tokenGrant, *oauthError) {
	raw := form.Get("scope")
	if raw == "" {
		return tokenGrant{}, errMissingParameter("scope")
	}
	scopes, ok := parseScopes(raw)
	if !ok || len(scopes) == 0 {
		return tokenGrant{}, errInvalidScope()
	}
	return tokenGrant{scopes: scopes}, nil
}

// narrowScopes applies the optional form scope of a grant that already
// holds granted scopes: absent, the token gets them all; present, it must
// name known scopes, all of them granted.
func narrowScopes(form url.Values, granted []string) ([]string, *oauthError) {
	raw := form.Get("scope")
	if raw == "" {
		return granted, nil
	}
	requested, ok := parseScopes(raw)
	if !ok || len(requested) == 0 {
		return nil, errInvalidScope()
	}
	for _, s := range requested {
		if !slices.Contains(granted, s) {
			return nil, errInvalidScope()
		}
	}
	return requested, nil
}

// issueTokens builds the response a successful grant earns: always an
// access token, a refresh token for the 3LO grants, and an ID token when
// the grant asks for one.
func (e *Emulator) issueTokens(clientID string, grant tokenGrant) (tokenResponse, *oauthError) {
	resp, oerr := e.issueAccessToken(clientID, grant)
	if oerr != nil {
		return tokenResponse{}, oerr
	}
	if grant.family != "" {
		resp.RefreshToken = e.issueRefreshToken(clientID, grant)
	}
	if grant.idToken {
		if resp.IDToken, oerr = e.issueIDToken(clientID, grant); oerr != nil {
			return tokenResponse{}, oerr
		}
	}
	return resp, nil
}

// issueAccessToken signs a JWT with APS's claim set, remembers it for bearer
// validation and builds the response. A grant with a user yields a
// user-context token whose payload carries "userid".
func (e *Emulator) issueAccessToken(clientID string, grant tokenGrant) (tokenResponse, *oauthError) {
	expires := e.now().Add(e.ttl)
	signed, err := e.signer.sign(accessClaims{
		Scope:    grant.scopes,
		ClientID: clientID,
		Issuer:   tokenIssuer,
		Audience: tokenAudience,
		ID:       rand.Text(),
		UserID:   grant.userID,
		Expiry:   expires.Unix(),
	})
	if err != nil {
		return tokenResponse{}, errServer()
	}
	e.mu.Lock()
	e.issued = append(e.issued, signed)
	// A family revoked while this grant ran (its code was replayed
	// concurrently) gets a token that never works, as if revoked at once.
	if !e.revokedFamilies[grant.family] {
		e.tokens[signed] = tokenInfo{clientID: clientID, scopes: grant.scopes, expires: expires, userID: grant.userID, family: grant.family}
	}
	e.mu.Unlock()
	return tokenResponse{AccessToken: signed, TokenType: "Bearer", ExpiresIn: e.expiresIn()}, nil
}

// expiresIn reports the token lifetime in whole seconds, never below 1 so a
// client never sees a token that is already expired on arrival.
func (e *Emulator) expiresIn() int64 {
	return max(int64(e.ttl/time.Second), 1)
}
