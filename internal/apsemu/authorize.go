package apsemu

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// authorizePath is the browser endpoint that starts the authorization code
// flow (Authentication v2).
const authorizePath = "/authentication/v2/authorize"

// Authorization request limits and the code's lifetime (NOTES §2.2). The
// scope limit here is stricter than the token endpoint's 3000 characters.
const (
	maxAuthorizeScopeChars = 2000
	authCodeTTL            = 5 * time.Minute
)

// authCodeLength is the length of an issued code. APS codes are opaque and
// their length undocumented; 32 alphanumerics carry about 190 random bits.
const authCodeLength = 32

// codeChallengeMethodS256 is the only PKCE method APS supports.
const codeChallengeMethodS256 = "S256"

// authorizeParams are the query parameters authorize reads besides
// client_id and redirect_uri, which are checked first and apart because
// their errors must not redirect. Each may appear at most once (RFC 6749
// §3.1); unknown parameters are ignored.
func authorizeParams() []string {
	return []string{"response_type", "scope", "state", "nonce", "response_mode", "prompt", "authoptions",
		"code_challenge", "code_challenge_method"}
}

// authCode is what the emulator remembers about an issued authorization
// code: everything it is bound to, and whether it has been presented.
type authCode struct {
	clientID    string
	redirectURI string
	scopes      []string
	userID      string
	challenge   string // PKCE S256 challenge; empty when none was sent
	nonce       string // echoed into the ID token; empty when none was sent
	expires     time.Time
	// family names every token issued from this code, directly or through
	// refreshes, so a replayed code can revoke them all.
	family string
	// spent is set by the first exchange attempt, whatever its outcome.
	spent bool
}

// authorizeRequest is a validated authorization request.
type authorizeRequest struct {
	scopes    []string
	challenge string
	nonce     string
}

// Authorizations returns the number of GET /authentication/v2/authorize
// requests received, whatever their outcome.
func (e *Emulator) Authorizations() int64 {
	return e.authorizations.Load()
}

// DenyConsent makes the simulated user refuse every later authorization:
// authorize redirects with error=access_denied and error_description set
// to description, verbatim (URL-encoded on the wire). DenyConsent("")
// restores consent.
func (e *Emulator) DenyConsent(description string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.denial = description
}

// handleAuthorize serves GET /authentication/v2/authorize. The user the
// browser's session names (SessionCookie; DemoUserID without one) is
// signed in and, unless DenyConsent is in force, consents at once, so a
// valid request goes straight back to the redirect URI with a code.
func (e *Emulator) handleAuthorize(w http.ResponseWriter, c *call) {
	e.authorizations.Add(1)
	q, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		// The client_id and redirect_uri cannot be trusted, so no redirect.
		writeAuthorizePage(w, http.StatusBadRequest, "invalid_request", "The request query is not validly URL-encoded.")
		return
	}
	redirectURI, aerr := e.checkRedirect(q)
	if aerr != nil {
		writeAuthorizePage(w, http.StatusBadRequest, aerr.Code, aerr.Description)
		return
	}
	// The browser's Autodesk session decides who signs in; a session for
	// nobody is a broken browser, not the client's error, so no redirect.
	userID, ok := e.sessionUser(c.r)
	if !ok {
		writeAuthorizePage(w, http.StatusBadRequest, "login_required",
			"The browser's Autodesk session (cookie "+SessionCookie+") names no registered user; sign in at "+SignInPath+".")
		return
	}
	state := q.Get("state")
	req, aerr := parseAuthorizeRequest(q)
	if aerr != nil {
		redirectBack(w, redirectURI, url.Values{"error": {aerr.Code}, "error_description": {aerr.Description}}, state)
		return
	}
	e.mu.Lock()
	denial := e.denial
	e.mu.Unlock()
	if denial != "" {
		redirectBack(w, redirectURI, url.Values{"error": {"access_denied"}, "error_description": {denial}}, state)
		return
	}
	code := e.newAuthCode(authCode{
		clientID:    q.Get("client_id"),
		redirectURI: redirectURI,
		scopes:      req.scopes,
		userID:      userID,
		challenge:   req.challenge,
		nonce:       req.nonce,
	})
	redirectBack(w, redirectURI, url.Values{"code": {code}}, state)
}

// checkRedirect validates client_id and redirect_uri, the parameters that
// decide whether redirecting is safe at all, and returns the redirect URI.
func (e *Emulator) checkRedirect(q url.Values) (string, *oauthError) {
	for _, name := range []string{"client_id", "redirect_uri"} {
		switch {
		case len(q[name]) > 1:
			return "", errRepeatedParameter(name)
		case q.Get(name) == "":
			return "", errMissingParameter(name)
		}
	}
	client, ok := e.clients[q.Get("client_id")]
	if !ok {
		return "", &oauthError{Code: "invalid_client", Description: "The 'client_id' is not the client ID of a registered application."}
	}
	redirectURI := q.Get("redirect_uri")
	if !allowsRedirect(client, redirectURI) {
		return "", invalidRequest("The 'redirect_uri' does not match a callback URL registered for this application.")
	}
	return redirectURI, nil
}

// allowsRedirect reports whether client may be sent to raw: one of its
// registered URIs, compared as strings, or with none registered any
// absolute http URL on localhost or 127.0.0.1 (any port). A fragment is
// never allowed (RFC 6749 §3.1.2).
func allowsRedirect(client Client, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Opaque != "" || strings.Contains(raw, "#") {
		return false
	}
	if len(client.RedirectURIs) > 0 {
		return slices.Contains(client.RedirectURIs, raw)
	}
	if u.Scheme != "http" || u.User != nil || strings.HasSuffix(u.Host, ":") {
		return false
	}
	if host := u.Hostname(); !strings.EqualFold(host, "localhost") && host != "127.0.0.1" {
		return false
	}
	if port := u.Port(); port != "" {
		n, err := strconv.Atoi(port)
		return err == nil && n >= 1 && n <= 65535
	}
	return true
}

// parseAuthorizeRequest validates everything but client_id and
// redirect_uri, in the order RFC 6749 lists the parameters. prompt, nonce
// and authoptions are accepted with any value: the simulated user is
// always signed in, so neither prompt=login nor prompt=none changes the
// outcome.
func parseAuthorizeRequest(q url.Values) (authorizeRequest, *oauthError) {
	for _, name := range authorizeParams() {
		if len(q[name]) > 1 {
			return authorizeRequest{}, errRepeatedParameter(name)
		}
	}
	switch rt := q.Get("response_type"); rt {
	case "code":
	case "":
		return authorizeRequest{}, errMissingParameter("response_type")
	default:
		return authorizeRequest{}, &oauthError{Code: "unsupported_response_type",
			Description: fmt.Sprintf("The 'response_type' %q is not supported; the emulator implements response_type=code only.", rt)}
	}
	if mode := q.Get("response_mode"); mode != "" && mode != "query" {
		return authorizeRequest{}, invalidRequest(fmt.Sprintf("The 'response_mode' %q is not supported; the emulator implements response_mode=query only.", mode))
	}
	raw := q.Get("scope")
	if raw == "" {
		return authorizeRequest{}, errMissingParameter("scope")
	}
	scopes, ok := parseScopes(raw)
	if !ok || len(scopes) == 0 || len(raw) > maxAuthorizeScopeChars {
		return authorizeRequest{}, errInvalidScope()
	}
	if state := q.Get("state"); !validState(state) {
		return authorizeRequest{}, invalidRequest("The 'state' parameter may contain only alphanumeric characters, commas, periods, underscores and hyphens.")
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case challenge == "" && method != "":
		return authorizeRequest{}, invalidRequest("The 'code_challenge_method' parameter requires a 'code_challenge'.")
	case challenge != "" && method != codeChallengeMethodS256:
		return authorizeRequest{}, invalidRequest("The 'code_challenge_method' must be S256 when a 'code_challenge' is sent.")
	case challenge != "" && !validChallenge(challenge):
		return authorizeRequest{}, invalidRequest("The 'code_challenge' must be 43 base64url characters: BASE64URL(SHA256(code_verifier)) without padding.")
	}
	return authorizeRequest{scopes: scopes, challenge: challenge, nonce: q.Get("nonce")}, nil
}

// validState reports whether state uses only the characters APS allows:
// alphanumerics, ',', '.', '_' and '-'. The empty state means none.
func validState(state string) bool {
	for _, c := range []byte(state) {
		if !isAlnum(c) && !strings.ContainsRune(",._-", rune(c)) {
			return false
		}
	}
	return true
}

// validChallenge reports whether s is an S256 challenge: the canonical
// unpadded base64url encoding of 32 bytes, so exactly 43 characters.
func validChallenge(s string) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == 32
}

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// newAuthCode stores code facts under a fresh code, starting a new token
// family, and returns the code.
func (e *Emulator) newAuthCode(ac authCode) string {
	ac.expires = e.now().Add(authCodeTTL)
	ac.family = rand.Text()
	code := randomAlnum(authCodeLength)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.codes[code] = &ac
	return code
}

// redirectBack answers 302 to redirectURI with params (plus state, when
// the request had one) appended to whatever query the URI already has, so
// a registered URI's own parameters reach the client unchanged.
func redirectBack(w http.ResponseWriter, redirectURI string, params url.Values, state string) {
	if state != "" {
		params.Set("state", state)
	}
	sep := "?"
	if strings.Contains(redirectURI, "?") {
		sep = "&"
		if strings.HasSuffix(redirectURI, "?") || strings.HasSuffix(redirectURI, "&") {
			sep = ""
		}
	}
	w.Header().Set("Location", redirectURI+sep+params.Encode())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

// writeAuthorizePage answers an authorize error that must not redirect
// with a small plain-text page for the user's browser. It never echoes the
// request, so nothing the caller sent is rendered. The page's exact
// content on APS is unverified.
func writeAuthorizePage(w http.ResponseWriter, status int, code, description string) {
	writePage(w, status, code+": "+description)
}

// randomAlnum returns n random characters of [A-Za-z0-9], the alphabet of
// the documented APS refresh tokens.
func randomAlnum(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		_, _ = rand.Read(buf[:]) // crypto/rand.Read never fails
		for _, b := range buf {
			// 248 is the largest multiple of 62 below 256: dropping the
			// bytes above it keeps every character equally likely.
			if b < 248 && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}
