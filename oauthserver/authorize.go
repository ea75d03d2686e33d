package oauthserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/store"
)

// consentCookie ties a consent page to the browser that opened it, so a
// page built for one browser cannot be submitted from another.
const consentCookie = "aps_mcp_consent"

// authRequest is a client's authorization request once checked: what the
// code will be bound to.
type authRequest struct {
	ClientID    string   `json:"client_id"`
	ClientName  string   `json:"client_name"`
	RedirectURI string   `json:"redirect_uri"`
	State       string   `json:"state,omitempty"`
	Challenge   string   `json:"code_challenge"`
	Resource    string   `json:"resource"`
	Scopes      []string `json:"scopes"`
}

// pendingSignIn is an authorization request on its way through APS
// sign-in, keyed by the state APS sends back.
type pendingSignIn struct {
	Request  authRequest `json:"request"`
	Verifier string      `json:"verifier"` // PKCE verifier of the APS leg
	// Consented is true when the person allowed the client on the consent
	// page in this flow; false when a remembered consent of ExpectUser
	// skipped the page, which then holds only if APS signs in that person.
	Consented  bool   `json:"consented"`
	ExpectUser string `json:"expect_user,omitempty"`
}

// authorizeError is a failed authorization request: sent back to the
// client's redirect URI once that is known to be the client's, shown on
// a page before.
type authorizeError struct {
	code, description string
}

// serveAuthorize checks an authorization request and shows the consent
// page, or goes straight on to APS when this browser's person already
// allowed this client.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := s.lookupClient(r.Context(), q.Get("client_id"))
	if err != nil {
		s.log.Info("authorization request refused", "reason", err)
		renderMessage(w, http.StatusBadRequest, "Unknown application", "The application that sent you here is not registered with this server, so nothing happened.", err.Error())
		return
	}
	redirectURI := q.Get("redirect_uri")
	if redirectURI == "" && len(c.RedirectURIs) == 1 {
		redirectURI = c.RedirectURIs[0]
	}
	if !c.allowsRedirect(redirectURI) {
		renderMessage(w, http.StatusBadRequest, "Redirect not registered",
			"The application asked to send your sign-in to an address it did not register, so nothing happened.", redirectURI)
		return
	}
	req, aerr := s.checkAuthorizeRequest(q, c, redirectURI)
	if aerr != nil {
		s.redirectError(w, r, redirectURI, q.Get("state"), aerr)
		return
	}
	if s.skipConsent(w, r, req) {
		return
	}
	id := authproviders.RandomToken()
	raw, _ := json.Marshal(req)
	if err := s.cfg.Store.Put(r.Context(), "authz:"+id, raw, requestTTL); err != nil {
		s.unavailable(w, err)
		return
	}
	res, _ := s.resource(req.Resource)
	http.SetCookie(w, s.cookie(consentCookie, id, "/authorize", requestTTL))
	renderPage(w, http.StatusOK, "consent", consentView{
		Title: "Allow " + c.displayName() + "?", ServerName: s.cfg.ServerName, Resource: res.Name, Description: res.Description,
		ClientName: c.displayName(), ClientID: clientIDShown(c), RedirectHost: redirectHost(redirectURI),
		Scopes: req.Scopes, Request: id,
	})
}

// checkAuthorizeRequest checks what the client asked for: the code flow
// with PKCE S256, one of this server's resources, scopes it offers.
func (s *Server) checkAuthorizeRequest(q url.Values, c client, redirectURI string) (authRequest, *authorizeError) {
	if rt := q.Get("response_type"); rt != "code" {
		return authRequest{}, &authorizeError{"unsupported_response_type", fmt.Sprintf("response_type must be code, got %q", rt)}
	}
	challenge := q.Get("code_challenge")
	if q.Get("code_challenge_method") != "S256" || len(challenge) != 43 {
		return authRequest{}, &authorizeError{"invalid_request", "PKCE is required: send code_challenge (S256 of the verifier, base64url) with code_challenge_method=S256"}
	}
	resource := q.Get("resource")
	if resource == "" && len(s.cfg.Resources) == 1 {
		resource = s.ResourceURL(s.cfg.Resources[0].Path)
	}
	res, ok := s.resource(resource)
	if !ok {
		return authRequest{}, &authorizeError{"invalid_target", fmt.Sprintf("resource %q is not an MCP endpoint of this server", resource)}
	}
	scopes, err := grantedScopes(q.Get("scope"), res.Scopes)
	if err != nil {
		return authRequest{}, &authorizeError{"invalid_scope", err.Error()}
	}
	return authRequest{
		ClientID: c.ID, ClientName: c.displayName(), RedirectURI: redirectURI, State: q.Get("state"),
		Challenge: challenge, Resource: resource, Scopes: scopes,
	}, nil
}

// grantedScopes are the scopes a request gets: what it asked for, all of
// it offered by the resource, or everything the resource offers when it
// asked for nothing.
func grantedScopes(requested string, offered []string) ([]string, error) {
	asked := strings.Fields(requested)
	if len(asked) == 0 {
		return slices.Clone(offered), nil
	}
	for _, sc := range asked {
		if !slices.Contains(offered, sc) {
			return nil, fmt.Errorf("scope %q is not offered (offered: %s)", sc, strings.Join(offered, " "))
		}
	}
	return asked, nil
}

// skipConsent goes straight to APS sign-in when this browser's session
// names a person who allowed this client these scopes before. It reports
// whether it answered.
func (s *Server) skipConsent(w http.ResponseWriter, r *http.Request, req authRequest) bool {
	sess, ok := s.session(r)
	if !ok || !s.consented(r.Context(), sess.UserID, req) {
		return false
	}
	s.startSignIn(w, r, pendingSignIn{Request: req, ExpectUser: sess.UserID})
	return true
}

// serveConsentDecision takes the person's answer on the consent page.
func (s *Server) serveConsentDecision(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("request")
	cookie, err := r.Cookie(consentCookie)
	if id == "" || err != nil || cookie.Value != id {
		renderMessage(w, http.StatusBadRequest, "Consent not valid",
			"This consent page was not opened in this browser, or it has expired. Start again from your assistant.", "")
		return
	}
	http.SetCookie(w, s.cookie(consentCookie, "", "/authorize", -1))
	raw, err := s.cfg.Store.Take(r.Context(), "authz:"+id)
	if errors.Is(err, store.ErrNotFound) {
		renderMessage(w, http.StatusBadRequest, "Consent not valid", "This consent page was already answered or has expired. Start again from your assistant.", "")
		return
	}
	if err != nil {
		s.unavailable(w, err)
		return
	}
	var req authRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		s.unavailable(w, err)
		return
	}
	if r.PostFormValue("decision") != "allow" {
		s.log.Info("consent denied", "client", req.ClientName)
		s.redirectError(w, r, req.RedirectURI, req.State, &authorizeError{"access_denied", "the person denied the request"})
		return
	}
	s.startSignIn(w, r, pendingSignIn{Request: req, Consented: true})
}

// startSignIn sends the browser to APS sign-in with a fresh state and
// PKCE verifier of this server's own.
func (s *Server) startSignIn(w http.ResponseWriter, r *http.Request, p pendingSignIn) {
	res, _ := s.resource(p.Request.Resource)
	state := authproviders.RandomToken()
	p.Verifier = authproviders.RandomToken()
	raw, _ := json.Marshal(p)
	if err := s.cfg.Store.Put(r.Context(), "signin:"+state, raw, requestTTL); err != nil {
		s.unavailable(w, err)
		return
	}
	http.Redirect(w, r, res.SignIn.AuthorizeURL(state, p.Verifier), http.StatusFound)
}

// redirectError sends an authorization error back to the client's
// redirect URI (RFC 6749 §4.1.2.1), with the issuer (RFC 9207).
func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, redirectURI, state string, e *authorizeError) {
	v := url.Values{"error": {e.code}, "error_description": {e.description}, "iss": {s.issuer}}
	if state != "" {
		v.Set("state", state)
	}
	http.Redirect(w, r, withQuery(redirectURI, v), http.StatusFound)
}

// withQuery appends v to uri's query, keeping what uri already has.
func withQuery(uri string, v url.Values) string {
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	return uri + sep + v.Encode()
}

// redirectHost is the part of a redirect URI a person can judge.
func redirectHost(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri
	}
	if u.Host != "" {
		return u.Scheme + "://" + u.Host
	}
	return u.Scheme + ":"
}

// clientIDShown is the client id worth showing: a metadata document URL
// says who the client is; a random registered id says nothing.
func clientIDShown(c client) string {
	if c.FromMetadataDocument {
		return c.ID
	}
	return ""
}

// cookie is one of this server's cookies: HttpOnly, SameSite=Lax, Secure
// when the public URL is https; maxAge < 0 deletes it.
func (s *Server) cookie(name, value, path string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(s.issuer, "https://")}
	if secs := int(maxAge.Seconds()); secs > 0 {
		c.MaxAge = secs
	} else {
		c.MaxAge = -1
	}
	return c
}

// unavailable answers a store failure.
func (s *Server) unavailable(w http.ResponseWriter, err error) {
	s.log.Error("the team store failed", "error", err)
	renderMessage(w, http.StatusServiceUnavailable, "Try again shortly", "The server could not reach its store. Nothing was changed.", "")
}

// consentKey is where a person's consent to a client is remembered.
func consentKey(userID, clientID string) string { return hashKey("consent:", userID+"\x00"+clientID) }

// consented reports whether the person allowed the client every scope of
// req before.
func (s *Server) consented(ctx context.Context, userID string, req authRequest) bool {
	raw, err := s.cfg.Store.Get(ctx, consentKey(userID, req.ClientID))
	if err != nil {
		return false
	}
	var allowed map[string][]string // resource → scopes
	if json.Unmarshal(raw, &allowed) != nil {
		return false
	}
	for _, sc := range req.Scopes {
		if !slices.Contains(allowed[req.Resource], sc) {
			return false
		}
	}
	return true
}

// rememberConsent records that the person allowed the client req's scopes.
func (s *Server) rememberConsent(ctx context.Context, userID string, req authRequest) error {
	allowed := map[string][]string{}
	key := consentKey(userID, req.ClientID)
	if raw, err := s.cfg.Store.Get(ctx, key); err == nil {
		_ = json.Unmarshal(raw, &allowed)
	}
	for _, sc := range req.Scopes {
		if !slices.Contains(allowed[req.Resource], sc) {
			allowed[req.Resource] = append(allowed[req.Resource], sc)
		}
	}
	raw, _ := json.Marshal(allowed)
	return s.cfg.Store.Put(ctx, key, raw, consentTTL)
}
