// Package oauthserver is the team server's OAuth 2.1 authorization server:
// MCP clients discover it (RFC 9728, RFC 8414), register (Client ID
// Metadata Documents, RFC 7591), send the person to its consent page and on
// to APS sign-in (authorization code with PKCE), and get tokens bound to
// one MCP endpoint (RFC 8707). APS sign-in is its login, never its token:
// MCP tokens stay here and APS tokens never reach a client.
//
// All state lives in a store.Store, so any replica can serve any step:
// MCP tokens only as SHA-256 hashes, APS tokens sealed with AES-256-GCM.
package oauthserver

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/store"
)

// Lifetimes of what the server hands out and remembers.
const (
	requestTTL      = 10 * time.Minute    // a consent page, then the APS sign-in
	codeTTL         = 2 * time.Minute     // an authorization code
	accessTokenTTL  = time.Hour           // an MCP access token
	refreshTokenTTL = 30 * 24 * time.Hour // an MCP refresh token (rotated on use)
	consentTTL      = 365 * 24 * time.Hour
	sessionTTL      = 30 * 24 * time.Hour  // the browser's sign-in session here
	unusedClientTTL = 24 * time.Hour       // a registration nobody has signed in with yet
	clientTTL       = 365 * 24 * time.Hour // a registration in use, renewed at each token
	apsGrantTTL     = 15 * 24 * time.Hour  // APS refresh tokens live 15 days
)

// Resource is one MCP endpoint the server protects, with what signing in
// for it means.
type Resource struct {
	// Path is the endpoint's path under the public URL, e.g. "/mcp".
	Path string
	// Name names the endpoint on the consent page (the profile's name).
	Name string
	// Description says what the endpoint offers.
	Description string
	// Scopes are the APS scopes the sign-in asks for, shown at consent and
	// granted to the MCP token.
	Scopes []string
	// SignIn is the APS sign-in for this endpoint (its scopes).
	SignIn *authproviders.SignIn
	// KeepsAPSTokens says whether tool calls act with the person's own APS
	// tokens (3lo) or with the app's identity, the sign-in only saying who
	// calls (2lo, ssa: the APS tokens are revoked at once).
	KeepsAPSTokens bool
}

// Allowed limits who may sign in; empty lets every APS user in.
type Allowed struct {
	Emails  []string // exact addresses, any case
	Domains []string // e-mail domains, any case ("example.com")
}

// Config is what a Server is built from.
type Config struct {
	// PublicURL is the server's base URL as clients reach it, without a
	// trailing slash (https, or http on a loopback host).
	PublicURL string
	// CallbackPath is where APS sends the browser back ("/callback").
	CallbackPath string
	Resources    []Resource
	Store        store.Store
	Sealer       *store.Sealer
	Allowed      Allowed
	Logger       *slog.Logger
	// MetadataClient fetches Client ID Metadata Documents; nil is a client
	// that refuses private, loopback and link-local addresses.
	MetadataClient *http.Client
	// ServerName names the server on its pages.
	ServerName string
	// OnSignOut, if set, is told who signed out (to drop what a replica
	// caches of them).
	OnSignOut func(userID string)
}

// Server is the authorization server and the bearer check of its
// resources.
type Server struct {
	cfg      Config
	issuer   string
	log      *slog.Logger
	now      func() time.Time
	verified *verifiedCache
	fetcher  *metadataFetcher
}

// New checks cfg and returns the server; it contacts nothing.
func New(cfg Config) (*Server, error) {
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("public URL %q must be a scheme and host with no path", cfg.PublicURL)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopbackHost(u.Hostname())) {
		return nil, fmt.Errorf("public URL %q must be https (http only on 127.0.0.1, [::1] or localhost)", cfg.PublicURL)
	}
	if cfg.Store == nil || cfg.Sealer == nil || len(cfg.Resources) == 0 {
		return nil, errors.New("oauthserver needs a store, a sealer and at least one resource")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.CallbackPath == "" {
		cfg.CallbackPath = "/callback"
	}
	if cfg.ServerName == "" {
		cfg.ServerName = "aps-mcp"
	}
	s := &Server{
		cfg:      cfg,
		issuer:   strings.TrimRight(cfg.PublicURL, "/"),
		log:      cfg.Logger,
		now:      time.Now,
		verified: newVerifiedCache(),
	}
	s.fetcher = newMetadataFetcher(cfg.MetadataClient, cfg.Store)
	return s, nil
}

// Issuer is the server's issuer identifier, its public URL.
func (s *Server) Issuer() string { return s.issuer }

// ResourceURL is the identifier of the resource at path (RFC 8707).
func (s *Server) ResourceURL(path string) string { return s.issuer + path }

// Routes registers the authorization server's endpoints on mux: metadata,
// registration, authorization and consent, the APS callback, token,
// revocation and sign-out. The resources' own endpoints are the caller's,
// wrapped with Protect.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", s.serveASMetadata)
	mux.HandleFunc("OPTIONS /.well-known/oauth-authorization-server", serveCORSPreflight)
	s.routeResourceMetadata(mux)
	mux.HandleFunc("POST /register", s.serveRegister)
	mux.HandleFunc("OPTIONS /register", serveCORSPreflight)
	mux.HandleFunc("GET /authorize", s.serveAuthorize)
	mux.HandleFunc("POST /authorize", s.serveConsentDecision)
	mux.HandleFunc("GET "+s.cfg.CallbackPath, s.serveCallback)
	mux.HandleFunc("POST /token", s.serveToken)
	mux.HandleFunc("OPTIONS /token", serveCORSPreflight)
	mux.HandleFunc("POST /revoke", s.serveRevoke)
	mux.HandleFunc("OPTIONS /revoke", serveCORSPreflight)
	mux.HandleFunc("GET /signout", s.serveSignOutPage)
	mux.HandleFunc("POST /signout", s.serveSignOut)
}

// resource returns the protected resource named by its identifier.
func (s *Server) resource(id string) (Resource, bool) {
	for _, r := range s.cfg.Resources {
		if s.ResourceURL(r.Path) == id {
			return r, true
		}
	}
	return Resource{}, false
}

// hashKey is the store key of an opaque token: only its SHA-256 is kept,
// so the store never holds a usable MCP token.
func hashKey(prefix, token string) string {
	sum := sha256.Sum256([]byte(token))
	return prefix + hex.EncodeToString(sum[:])
}

func isLoopbackHost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
