// Package apsemu is a faithful fake of the Autodesk Platform Services (APS)
// REST endpoints the MCP server calls. Tests drive it over real loopback HTTP
// and the server's --emulator mode runs it in place of APS.
//
// Wire formats follow the APS OpenAPI specs and documented examples (see
// NOTES.md in the shared aps-openapi folder): OAuth 2.0 error bodies on the
// token endpoint, Apigee-style gateway bodies for bad or under-scoped bearer
// tokens, OSS {"reason": ...} bodies from the storage service, JSON:API
// documents from Data Management and plain JSON from ACC Issues.
//
// Routing summary:
//
//	GET  /authentication/v2/authorize                       3LO sign-in and consent (browser redirects)
//	POST /authentication/v2/token                           token grant (client_credentials, jwt-bearer,
//	                                                        authorization_code, refresh_token)
//	GET  /authentication/v2/keys                            JWKS for the token and ID token signing key
//	GET  /userinfo                                          the token's user, user context, no scope
//	GET  /oss/v2/buckets                                    bucket:read
//	GET  /oss/v2/buckets/{bucketKey}/details                bucket:read (or viewables:read)
//	GET  /oss/v2/buckets/{bucketKey}/objects                data:read
//	GET  /oss/v2/buckets/{bucketKey}/objects/{key}/details  data:read
//	GET  /project/v1/hubs                                   data:read, user context
//	GET  /project/v1/hubs/{hub_id}                          data:read, user context
//	GET  /project/v1/hubs/{hub_id}/projects                 data:read, user context
//	GET  /project/v1/hubs/{hub_id}/projects/{project_id}    data:read, user context
//	GET  /construction/issues/v1/projects/{projectId}/...   ACC Issues, all data:read, user context:
//	     .../issues                                         the project's issues, offset-paginated
//	     .../issues/{issueId}                               one issue
//	     .../issues/{issueId}/comments                      its comments, offset-paginated
//	     .../issue-types                                    issue types (include=subtypes)
//	     .../issue-root-cause-categories                    root causes (include=rootcauses)
//
// Unknown paths under /oss/ answer 404 with an OSS body {"reason": ...},
// unknown paths under /project/ a JSON:API 404 and unknown paths under
// /construction/ an Issues 404, all after the bearer token has been checked
// (the gateway authenticates before the service routes);
// unknown paths anywhere else answer 404 with a gateway-style body
// {"developerMessage": ..., "moreInfo": ...}. A known path with the wrong
// method answers 405 with an Allow header.
//
// # Gateway
//
// Before any service sees a request, the emulator plays the Apigee gateway
// in this order: injected faults (see Faults; the gateway rate-limits
// before it looks at the token), then the bearer token (401 AUTH-006),
// then the app's entitlement to the API product: a token of a Client whose
// NoAPIAccess lists a prefix of the escaped path answers 403 with the
// observed AUTH-001 body, verbatim (its moreInfo is the Forge-era URL),
// whatever the grant. Scope checks (403 AUTH-010) follow routing. The
// request log (Requests) records each request's arrival time on the
// emulator's clock and, once answered, its status.
//
// Faults cover every request except those under /authentication/; with
// IncludeAuth they also cover POST /authentication/v2/token, never
// authorize or keys. An injected 429 carries the documented body
// {"developerMessage":"Quota limit exceeded."} exactly, Content-Type
// application/json and Retry-After; an injected 503 carries Retry-After
// and a gateway body whose text and errorCode ERR-003 are the emulator's
// own and unverified.
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
// # Three-legged OAuth
//
// GET /authentication/v2/authorize plays the browser flow of NOTES §2.2
// with a simulated user, DemoUserID, who is always signed in and consents
// at once: a valid request answers 302 to redirect_uri with code and state
// appended to any query the URI already has. Errors about client_id or
// redirect_uri answer 400 with a plain-text page and never redirect (RFC
// 6749 §4.1.2.1); every other error redirects with error,
// error_description and state. A client registered without RedirectURIs
// accepts any http://localhost or http://127.0.0.1 redirect URI, any port;
// one with RedirectURIs accepts exactly those strings. DenyConsent makes
// the user refuse (error=access_denied). Only response_type=code and
// response_mode=query are implemented; id_token, fragment and form_post are
// refused, although APS documents them. The texts of all these errors and
// the exact shape of the error page are the emulator's own.
//
// The code lives 5 minutes on the emulator's clock and is bound to the
// client, redirect URI, scopes, user, PKCE challenge (S256 only) and nonce.
// The first exchange attempt that names a live code spends it, whatever its
// outcome (a stricter reading than APS documents, so clients cannot come to
// rely on retrying a code); presenting a spent code again answers
// invalid_grant and revokes every access and refresh token descended from
// it (RFC 6749 §4.1.2). A code exchange answers access_token, token_type,
// expires_in and refresh_token, plus an RS256 id_token (iss, sub, aud,
// exp, iat and nonce; valid 60 minutes) when the scope includes openid.
// Refresh tokens are opaque, bound to the client, live 15 days from their
// own issue (so each rotation starts a new 15 days; APS documents no
// absolute limit) and are single use: a successful refresh answers a new
// one and invalidates the one presented. A failed refresh does not use the
// token up, and presenting a rotated-out token does not revoke its
// successors; APS behaviour on either point is unverified. Refresh never
// returns an id_token (NOTES §2.1).
//
// GET /userinfo answers the profile of the token's user in the shape of
// the documented example (a subset of its members). It needs a
// user-context token but no scope; an app-only token answers the gateway
// 401. For a Secure Service Account token the user is the service account
// itself: sub is its ID and email <name>@<client ID>.adskserviceaccount.autodesk.com,
// the form APS gives service account emails, with the lower-cased account
// ID as the name (the emulator does not model account names).
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
// registered client, so its user-context tokens (the demo user's from the
// authorization code and refresh grants as much as its service accounts'
// from the jwt-bearer grant) see every reachable hub, and other clients'
// user tokens, the demo user's included, see none (unknown and invisible
// hubs both answer 404). App-only (client_credentials) tokens are refused with 403
// and a JSON:API error whose code USER_CONTEXT_REQUIRED and wording are the
// emulator's own and unverified: the DM spec also lists 2LO access (with
// x-user-id), which the emulator does not model. Likewise unverified: the
// Content-Type application/vnd.api+json, the texts of 400/404 errors
// (modelled on the synthesized examples), and 405 bodies.
//
// # ACC Issues
//
// The Issues API takes the project ID without DM's "b." prefix and serves
// the projects of kind ACC (extension.data.projectType) in reachable hubs,
// to the same users who see them in DM; anything else, BIM 360 projects
// included (they belong to the older BIM 360 Issues API), answers 404. A
// "b."-prefixed ID answers 404 too, as an unknown project would (APS's
// choice between 400 and 404 is unverified), with a detail that names the
// mistake when the ID without the prefix exists. As the docs say and the
// spec does not, a user-context token with data:read is needed: an
// app-only token answers 403 with the wording of DM's refusal. The
// optional x-ads-region header must be one of US, EMEA, AUS, CAN, DEU,
// IND, JPN, GBR (400 otherwise); naming a region other than the hub's
// answers 404, the project not being in that data centre (unverified).
//
// Lists use offset pagination: limit 1..100 (default 100), offset ≥ 0
// (default 0), {"pagination":{"limit","offset","totalResults"},"results"}
// with totalResults counting everything the filters pass and no next link;
// an offset past the end gives empty results. GET issues filters on
// filter[status] (values of the spec's enum, else 400), filter[displayId]
// (integers, else 400), filter[assignedToType] (user, company, role or
// null, else 400), filter[search] (a case-insensitive substring of the
// title, or the exact display ID), filter[deleted] (true or false; no
// demo issue is deleted) and exact matches on filter[id], issueTypeId,
// issueSubtypeId, assignedTo, rootCauseId, locationId, createdBy,
// updatedBy and closedBy; each takes comma-separated values, any of which
// matches. Other filters (dates, linked documents, custom attributes, ...)
// are ignored. sortBy takes comma-separated fields of the spec's enum,
// "-" for descending, default displayId; text compares case-insensitively,
// nulls sort after values (before them descending), ties go by displayId,
// customAttributes is accepted without effect and unknown fields are 400s.
// Comments list oldest first (sortBy createdAt, updatedAt or createdBy).
// issue-types adds subtypes with include=subtypes and takes
// filter[isActive]; issue-root-cause-categories adds rootCauses with
// include=rootcauses, as the spec says. Every ACC project has the same
// three issue types and two root cause categories (IDs derived from the
// project); the demo issues live in the big hub's first project (230) and
// in "Bahnhof Zürich – Umbau" (5). Issue containerId is the project ID.
// Error bodies are {"title": <reason phrase>, "detail": <text>}: the spec
// declares none, so shape and texts are the emulator's own and unverified.
package apsemu

import (
	"crypto/rand"
	"crypto/rsa"
	mathrand "math/rand/v2"
	"net/http"
	"slices"
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
	// RedirectURIs are the app's registered callback URLs, matched exactly
	// at authorize. With none, any http://localhost or http://127.0.0.1
	// redirect URI is accepted, so tests and --emulator on random ports
	// need no registration.
	RedirectURIs []string
	// NoAPIAccess are escaped path prefixes (e.g. "/construction/") of the
	// API products this app is not entitled to: requests under them with
	// any token of this app answer the gateway's 403 AUTH-001, checked
	// right after the token is authenticated and before any routing.
	NoAPIAccess []string
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
	// Time is when the request arrived, on the emulator's clock.
	Time time.Time
	// Status is the status the emulator answered with; 0 while the request
	// is still being served, and for a request whose client gave up (its
	// context ended) before any answer was written.
	Status int
}

// Emulator is an in-memory APS. It implements http.Handler and is safe for
// concurrent use.
type Emulator struct {
	ttl     time.Duration
	now     func() time.Time
	clients map[string]Client // client ID → registration
	owner   string            // first registered client: owns the demo data
	signer  *signingKey

	tokenRequests    atomic.Int64
	jwtExchanges     atomic.Int64
	authorizations   atomic.Int64
	codeExchanges    atomic.Int64
	refreshExchanges atomic.Int64
	injected429      atomic.Int64
	injected503      atomic.Int64

	mu              sync.Mutex
	tokens          map[string]tokenInfo          // issued access token → grant facts
	codes           map[string]*authCode          // authorization code → its binding (kept once spent, to detect reuse)
	refreshTokens   map[string]refreshInfo        // live refresh token → grant facts
	issued          []string                      // every access and refresh token ever issued
	revokedFamilies map[string]bool               // token families revoked because their code was reused
	denial          string                        // non-empty: the simulated user denies consent with this description
	serviceAccounts map[string]*serviceAccount    // serviceAccountId → account and its keys
	buckets         map[string]Bucket             // bucket key → bucket (keys are global across apps and regions)
	objects         map[string]map[string]Object  // bucket key → object key → object
	hubs            map[string]Hub                // hub ID → hub
	projects        map[string]map[string]Project // hub ID → project ID → project
	issues          map[string][]issueJSON        // ACC project ID (no "b.") → issues in displayId order
	comments        map[string][]commentJSON      // issue ID → comments, oldest first
	faults          Faults                        // current fault injection, zero = none
	faultRand       *mathrand.Rand                // decides which requests fail; reseeded by SetFaults
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
		clients:         make(map[string]Client, len(clients)),
		owner:           clients[0].ID,
		tokens:          make(map[string]tokenInfo),
		codes:           make(map[string]*authCode),
		refreshTokens:   make(map[string]refreshInfo),
		revokedFamilies: make(map[string]bool),
		serviceAccounts: make(map[string]*serviceAccount),
		buckets:         make(map[string]Bucket),
		objects:         make(map[string]map[string]Object),
		hubs:            make(map[string]Hub),
		projects:        make(map[string]map[string]Project),
		issues:          make(map[string][]issueJSON),
		comments:        make(map[string][]commentJSON),
	}
	if e.ttl <= 0 {
		e.ttl = defaultTokenTTL
	}
	if e.now == nil {
		e.now = time.Now
	}
	for _, c := range clients {
		c.RedirectURIs = slices.Clone(c.RedirectURIs)
		c.NoAPIAccess = slices.Clone(c.NoAPIAccess)
		e.clients[c.ID] = c
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("apsemu: generating RSA key: " + err.Error())
	}
	e.signer = newSigningKey(key)
	seedDemoData(e)
	return e
}

// ServeHTTP logs the request, lets the injected faults (see SetFaults) have
// their say and dispatches it to the matching endpoint; the log entry gets
// the answered status once the handler has run.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	entry := e.record(r)
	sw := &statusWriter{ResponseWriter: w}
	e.serve(sw, r)
	status := sw.status
	if status == 0 && r.Context().Err() == nil {
		status = http.StatusOK // what net/http sends for a handler that wrote nothing
	}
	e.mu.Lock()
	e.log[entry].Status = status
	e.mu.Unlock()
}

// serve answers r: an injected fault first (the gateway rate-limits before
// it looks at the bearer token), then the endpoint.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	if e.injectFault(w, r, path) {
		return
	}
	switch {
	case path == authorizePath:
		e.handleAuthorize(w, r)
	case path == tokenPath:
		e.handleToken(w, r)
	case path == keysPath:
		e.handleKeys(w, r)
	case path == userInfoPath:
		e.handleUserInfo(w, r)
	case strings.HasPrefix(path, "/oss/"):
		e.serveOSS(w, r)
	case strings.HasPrefix(path, "/project/"):
		e.serveDM(w, r)
	case strings.HasPrefix(path, issuesPathPrefix):
		e.serveIssues(w, r)
	default:
		writeGatewayNotFound(w)
	}
}

// TokenRequests returns the number of POST /authentication/v2/token requests
// that reached the token service, whatever their outcome. Requests the
// gateway answered with an injected fault (Faults.IncludeAuth) never reach
// it and are not counted; FaultsInjected and Requests see them.
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

// RevokeTokens invalidates every access token and every refresh token
// issued so far, as if every user had withdrawn the apps' access; tokens
// issued afterwards, and authorization codes not yet exchanged, are valid
// as usual. Tests use it to provoke 401s; ExpireAccessTokens is the
// variant that keeps refresh tokens.
func (e *Emulator) RevokeTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	clear(e.tokens)
	clear(e.refreshTokens)
}

// record appends r to the request log, keeping credentials out of it, and
// returns the index of its entry.
func (e *Emulator) record(r *http.Request) int {
	h := r.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if _, ok := h["Authorization"]; ok {
		h["Authorization"] = []string{"REDACTED"}
	}
	req := Request{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: h, Time: e.now()}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = append(e.log, req)
	return len(e.log) - 1
}
