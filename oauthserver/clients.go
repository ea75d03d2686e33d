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
	"unicode"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/store"
)

// client is a registered MCP client: dynamically registered here (RFC
// 7591) or described by its Client ID Metadata Document.
type client struct {
	ID           string   `json:"client_id"`
	Name         string   `json:"client_name,omitempty"`
	URI          string   `json:"client_uri,omitempty"`
	RedirectURIs []string `json:"redirect_uris"`
	IssuedAt     int64    `json:"client_id_issued_at,omitempty"`
	// FromMetadataDocument is true for a client whose id is the URL of its
	// metadata document.
	FromMetadataDocument bool `json:"-"`
}

// displayName is what the consent page calls the client.
func (c client) displayName() string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// errUnknownClient is a client id nobody registered.
var errUnknownClient = errors.New("unknown client_id")

// lookupClient finds the client an id names: a metadata document URL is
// fetched (and cached), any other id must have been registered here.
func (s *Server) lookupClient(ctx context.Context, id string) (client, error) {
	if isMetadataDocumentURL(id) {
		return s.fetcher.client(ctx, id)
	}
	if id == "" || len(id) > 200 {
		return client{}, errUnknownClient
	}
	raw, err := s.cfg.Store.Get(ctx, "client:"+id)
	if errors.Is(err, store.ErrNotFound) {
		return client{}, errUnknownClient
	}
	if err != nil {
		return client{}, fmt.Errorf("reading the client registration: %w", err)
	}
	var c client
	if err := json.Unmarshal(raw, &c); err != nil {
		return client{}, fmt.Errorf("client registration %s does not decode: %w", id, err)
	}
	return c, nil
}

// keepClient renews a registered client's lifetime: it is in use.
func (s *Server) keepClient(ctx context.Context, id string) {
	if isMetadataDocumentURL(id) {
		return
	}
	raw, err := s.cfg.Store.Get(ctx, "client:"+id)
	if err == nil {
		err = s.cfg.Store.Put(ctx, "client:"+id, raw, clientTTL)
	}
	if err != nil {
		s.log.Warn("renewing a client registration failed", "error", err)
	}
}

// allowsRedirect reports whether uri is one of the client's redirect URIs:
// exactly, except that a loopback http URI may use any port (RFC 8252
// §7.3), since native apps listen on whatever port is free.
func (c client) allowsRedirect(uri string) bool {
	if slices.Contains(c.RedirectURIs, uri) {
		return true
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "http" || !isLoopbackHost(u.Hostname()) {
		return false
	}
	for _, reg := range c.RedirectURIs {
		r, err := url.Parse(reg)
		if err == nil && r.Scheme == "http" && r.Hostname() == u.Hostname() &&
			r.EscapedPath() == u.EscapedPath() && r.RawQuery == u.RawQuery {
			return true
		}
	}
	return false
}

// checkRedirectURI says why uri cannot be a redirect URI, or nil: https,
// http on a loopback address, or an app's private-use scheme (RFC 8252
// §7.1); never a fragment, and never a scheme a browser would run.
func checkRedirectURI(uri string) error {
	u, err := url.Parse(uri)
	switch {
	case err != nil || u.Scheme == "":
		return fmt.Errorf("redirect URI %q is not an absolute URI", uri)
	case u.Fragment != "" || strings.Contains(uri, "#"):
		return fmt.Errorf("redirect URI %q has a fragment", uri)
	case u.Scheme == "https":
		if u.Host == "" {
			return fmt.Errorf("redirect URI %q has no host", uri)
		}
	case u.Scheme == "http":
		if !isLoopbackHost(u.Hostname()) {
			return fmt.Errorf("redirect URI %q uses plain http on a host other than 127.0.0.1, [::1] or localhost", uri)
		}
	case slices.Contains([]string{"javascript", "data", "vbscript", "file", "blob", "about", "ftp", "ws", "wss"}, strings.ToLower(u.Scheme)):
		return fmt.Errorf("redirect URI %q uses the %s scheme", uri, u.Scheme)
	}
	return nil
}

// registration is an RFC 7591 client registration request.
type registration struct {
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	ClientName              string   `json:"client_name"`
	ClientURI               string   `json:"client_uri"`
	Scope                   string   `json:"scope"`
}

// registrationResponse is the RFC 7591 §3.2.1 answer.
type registrationResponse struct {
	client
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
}

// maxRegistrationBytes bounds a registration request.
const maxRegistrationBytes = 64 << 10

// serveRegister is dynamic client registration for public clients: they
// authenticate with PKCE alone, so no secret is issued.
func (s *Server) serveRegister(w http.ResponseWriter, r *http.Request) {
	var reg registration
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRegistrationBytes))
	if err := dec.Decode(&reg); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", "the registration must be a JSON object: "+err.Error())
		return
	}
	c, err := reg.check()
	if err != nil {
		writeOAuthError(w, http.StatusBadRequest, codeOf(err), err.Error())
		return
	}
	c.ID = authproviders.RandomToken()
	c.IssuedAt = s.now().Unix()
	raw, _ := json.Marshal(c)
	// Anyone may register, so a registration lives a day until someone
	// signs in with it (keepClient), which bounds what a flood of them
	// can fill the store with.
	if err := s.cfg.Store.Put(r.Context(), "client:"+c.ID, raw, unusedClientTTL); err != nil {
		s.log.Error("storing a client registration failed", "error", err)
		writeOAuthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "the registration could not be stored; try again")
		return
	}
	s.log.Info("client registered", "client", c.displayName(), "redirect_uris", c.RedirectURIs)
	writeJSON(w, http.StatusCreated, registrationResponse{
		client: c, TokenEndpointAuthMethod: "none",
		GrantTypes: []string{"authorization_code", "refresh_token"}, ResponseTypes: []string{"code"},
	})
}

// metadataError is a registration or metadata document problem with its
// RFC 7591 error code.
type metadataError struct{ code, msg string }

func (e *metadataError) Error() string { return e.msg }

func codeOf(err error) string {
	var me *metadataError
	if errors.As(err, &me) {
		return me.code
	}
	return "invalid_client_metadata"
}

// check validates a registration (or a metadata document) and returns the
// client it describes, without an id.
func (reg registration) check() (client, error) {
	bad := func(code, format string, args ...any) (client, error) {
		return client{}, &metadataError{code, fmt.Sprintf(format, args...)}
	}
	if len(reg.RedirectURIs) == 0 || len(reg.RedirectURIs) > 20 {
		return bad("invalid_redirect_uri", "redirect_uris must list 1 to 20 URIs")
	}
	for _, u := range reg.RedirectURIs {
		if err := checkRedirectURI(u); err != nil {
			return bad("invalid_redirect_uri", "%v", err)
		}
	}
	if m := reg.TokenEndpointAuthMethod; m != "" && m != "none" {
		return bad("invalid_client_metadata", "token_endpoint_auth_method %q is not offered: clients here are public and prove themselves with PKCE (use none)", m)
	}
	for _, g := range reg.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			return bad("invalid_client_metadata", "grant type %q is not offered (authorization_code, refresh_token)", g)
		}
	}
	for _, rt := range reg.ResponseTypes {
		if rt != "code" {
			return bad("invalid_client_metadata", "response type %q is not offered (code)", rt)
		}
	}
	if len(reg.ClientName) > 200 || strings.IndexFunc(reg.ClientName, unicode.IsControl) >= 0 {
		return bad("invalid_client_metadata", "client_name must be at most 200 printable characters")
	}
	if reg.ClientURI != "" {
		if u, err := url.Parse(reg.ClientURI); err != nil || u.Scheme != "https" || u.Host == "" {
			return bad("invalid_client_metadata", "client_uri must be an https URL")
		}
	}
	return client{Name: reg.ClientName, URI: reg.ClientURI, RedirectURIs: reg.RedirectURIs}, nil
}

// isMetadataDocumentURL reports whether a client id is a Client ID
// Metadata Document URL: https with a path beyond "/", no fragment, no
// credentials, no dot segments.
func isMetadataDocumentURL(id string) bool {
	u, err := url.Parse(id)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" ||
		u.Path == "" || u.Path == "/" {
		return false
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}
