// Package apsemu is a faithful fake of the Autodesk Platform Services (APS)
// REST endpoints the MCP server calls. Tests drive it over real loopback HTTP
// and the server's --emulator mode runs it in place of APS.
//
// Wire formats follow the APS OpenAPI specs and documented examples (see
// NOTES.md in the shared aps-openapi folder): OAuth 2.0 error bodies on the
// token endpoint, Apigee-style gateway bodies for bad or under-scoped bearer
// tokens, OSS {"reason": ...} bodies from the storage service and JSON:API
// documents from Data Management.
//
// Routing summary:
//
//	POST /authentication/v2/token                           token grant (client_credentials, jwt-bearer)
//	GET  /authentication/v2/keys                            JWKS for the token signing key
//	GET  /oss/v2/buckets                                    bucket:read
//	GET  /oss/v2/buckets/{bucketKey}/details                bucket:read (or viewables:read)
//	GET  /oss/v2/buckets/{bucketKey}/objects                data:read
//	GET  /oss/v2/buckets/{bucketKey}/objects/{key}/details  data:read
//	GET  /project/v1/hubs                                   data:read, user context
//	GET  /project/v1/hubs/{hub_id}                          data:read, user context
//	GET  /project/v1/hubs/{hub_id}/projects                 data:read, user context
//	GET  /project/v1/hubs/{hub_id}/projects/{project_id}    data:read, user context
//
// Unknown paths under /oss/ answer 404 with an OSS body {"reason": ...} and
// unknown paths under /project/ a JSON:API 404, both after the bearer token
// has been checked (the gateway authenticates before the service routes);
// unknown paths anywhere else answer 404 with a gateway-style body
// {"developerMessage": ..., "moreInfo": ...}. A known path with the wrong
// method answers 405 with an Allow header.
//
// # Secure Service Accounts
//
// The jwt-bearer grant (urn:ietf:params:oauth:grant-type:jwt-bearer)
// exchanges an assertion signed by a key registered with AddServiceAccount
// for a user-context token whose payload carries "userid" (the service
// account ID). The assertion is checked as NOTES §3.2 describes: alg RS256
// only, kid a key of the account named by sub, a valid signature, iss the
// authenticated client, sub an enabled account of that client, aud exactly
// the token URL as this emulator is reached (scheme and Host header, so an
// assertion for the public APS URL is refused), exp in the future and at
// most 300 s ahead (10 s of skew allowed either way, the emulator's own
// choice), nbf if present already passed, and scope a non-empty JSON array
// of known scopes. Failures answer 400 invalid_grant with APS's documented
// "The 'assertion' is invalid" followed by the specific reason; the exact
// reasons are the emulator's own.
//
// # Data Management
//
// DM documents are JSON:API 1.0 with absolute links built from the request's
// scheme and Host; IDs inside links are percent-encoded except for RFC 3986
// unreserved characters. Hubs and projects are listed by name, then ID
// (byte order). Project lists are paginated with page[number] (0-based) and
// page[limit] (1..200, default 200), applied before filter[id] and
// filter[extension.type], so a short or empty page may still carry
// links.next; GET hubs is not paginated and also takes filter[name].
// Filters match values exactly; unsupported filters are ignored. Hubs marked
// Unreachable are left out of GET hubs, which then carries one meta.warnings
// entry per unreachable region in the observed BIM360DM_ERROR shape; asking
// for such a hub directly answers 403 with that error in a JSON:API body.
//
// Who sees what is deliberately simple: the hubs belong to the first
// registered client, so its user-context tokens see every reachable hub and
// other clients' user tokens see none (unknown and invisible hubs both
// answer 404). App-only (client_credentials) tokens are refused with 403
// and a JSON:API error whose code USER_CONTEXT_REQUIRED and wording are the
// emulator's own and unverified: the DM spec also lists 2LO access (with
// x-user-id), which the emulator does not model. Likewise unverified: the
// Content-Type application/vnd.api+json, the texts of 400/404 errors
// (modelled on the synthesized examples), and 405 bodies.
package apsemu

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DemoClientID is the client ID of the app registered when Options.Clients is empty.
const DemoClientID = "apsemu-demo-client-id"

// DemoClientSecret is the client secret of the app registered when Options.Clients is empty.
const DemoClientSecret = "apsemu-demo-client-secret"

// defaultTokenTTL matches the expires_in of every documented APS token response.
const defaultTokenTTL = 3599 * time.Second

// Options configures an Emulator. Zero value = sensible defaults.
type Options struct {
	// TokenTTL is the access token lifetime; default 3599s. expires_in is
	// reported in whole seconds, at least 1, while the token itself expires
	// after exactly TokenTTL (so tests can use sub-second lifetimes).
	TokenTTL time.Duration
	// Clients are the registered apps; default: one demo client
	// (DemoClientID/DemoClientSecret). The first one owns the seeded demo data.
	Clients []Client
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Client is a registered APS app (a confidential client).
type Client struct {
	ID, Secret string
}

// Request is one logged request as the emulator received it.
type Request struct {
	Method string
	// Path is r.URL.EscapedPath() exactly as received.
	Path     string
	RawQuery string
	// Header is a copy of the request headers with any Authorization value
	// replaced by "REDACTED".
	Header http.Header
}

// Emulator is an in-memory APS. It implements http.Handler and is safe for
// concurrent use.
type Emulator struct {
	ttl     time.Duration
	now     func() time.Time
	clients map[string]string // client ID → secret
	owner   string            // first registered client: owns the demo data
	signer  *signingKey

	tokenRequests atomic.Int64
	jwtExchanges  atomic.Int64

	mu              sync.Mutex
	tokens          map[string]tokenInfo          // issued access token → grant facts
	serviceAccounts map[string]*serviceAccount    // serviceAccountId → account and its keys
	buckets         map[string]Bucket             // bucket key → bucket (keys are global across apps and regions)
	objects         map[string]map[string]Object  // bucket key → object key → object
	hubs            map[string]Hub                // hub ID → hub
	projects        map[string]map[string]Project // hub ID → project ID → project
	log             []Request
}

// New returns an Emulator seeded with demo data owned by the first client in
// Options.Clients (or by the demo client). It panics only if the RSA signing
// key cannot be generated, which crypto/rand does not allow to happen.
func New(opts Options) *Emulator {
	clients := opts.Clients
	if len(clients) == 0 {
		clients = []Client{{ID: DemoClientID, Secret: DemoClientSecret}}
	}
	e := &Emulator{
		ttl:             opts.TokenTTL,
		now:             opts.Now,
		clients:         make(map[string]string, len(clients)),
		owner:           clients[0].ID,
		tokens:          make(map[string]tokenInfo),
		serviceAccounts: make(map[string]*serviceAccount),
		buckets:         make(map[string]Bucket),
		objects:         make(map[string]map[string]Object),
		hubs:            make(map[string]Hub),
		projects:        make(map[string]map[string]Project),
	}
	if e.ttl <= 0 {
		e.ttl = defaultTokenTTL
	}
	if e.now == nil {
		e.now = time.Now
	}
	for _, c := range clients {
		e.clients[c.ID] = c.Secret
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("apsemu: generating RSA key: " + err.Error())
	}
	e.signer = newSigningKey(key)
	seedDemoData(e)
	return e
}

// ServeHTTP logs the request and dispatches it to the matching endpoint.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.record(r)
	path := r.URL.EscapedPath()
	switch {
	case path == tokenPath:
		e.handleToken(w, r)
	case path == keysPath:
		e.handleKeys(w, r)
	case strings.HasPrefix(path, "/oss/"):
		e.serveOSS(w, r)
	case strings.HasPrefix(path, "/project/"):
		e.serveDM(w, r)
	default:
		writeGatewayNotFound(w)
	}
}

// TokenRequests returns the number of POST /authentication/v2/token requests
// received, whatever their outcome.
func (e *Emulator) TokenRequests() int64 {
	return e.tokenRequests.Load()
}

// Requests returns a copy of the log of every request received, in order.
func (e *Emulator) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Request, len(e.log))
	for i, req := range e.log {
		req.Header = req.Header.Clone()
		out[i] = req
	}
	return out
}

// RevokeTokens invalidates every access token issued so far; tokens issued
// afterwards are valid as usual. Tests use it to provoke 401s.
func (e *Emulator) RevokeTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	clear(e.tokens)
}

// record appends r to the request log, keeping credentials out of it.
func (e *Emulator) record(r *http.Request) {
	h := r.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if _, ok := h["Authorization"]; ok {
		h["Authorization"] = []string{"REDACTED"}
	}
	req := Request{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: h}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = append(e.log, req)
}
