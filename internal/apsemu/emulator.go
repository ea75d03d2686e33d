package apsemu

import (
	"crypto/rand"
	"crypto/rsa"
	mathrand "math/rand/v2"
	"net/http"
	"slices"
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
	// RateLimits are the per-application endpoint budgets the gateway
	// enforces (see RateLimit); nil enforces none, PublishedRateLimits()
	// enforces APS's documented ones. A limit on an endpoint the emulator
	// does not serve makes New panic.
	RateLimits []RateLimit
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
	apis    []api        // what the gateway routes to; never changed after New
	rates   *rateLimiter // Options.RateLimits; nil when there are none

	tokenRequests    atomic.Int64
	jwtExchanges     atomic.Int64
	authorizations   atomic.Int64
	codeExchanges    atomic.Int64
	refreshExchanges atomic.Int64
	revocations      atomic.Int64
	injected429      atomic.Int64
	injected503      atomic.Int64
	injectedCuts     atomic.Int64

	mu              sync.Mutex
	tokens          map[string]tokenInfo          // issued access token → grant facts
	codes           map[string]*authCode          // authorization code → its binding (kept once spent, to detect reuse)
	refreshTokens   map[string]refreshInfo        // live refresh token → grant facts
	issued          []string                      // every access and refresh token ever issued
	revokedFamilies map[string]bool               // token families revoked because their code was reused
	denial          string                        // non-empty: the simulated user denies consent with this description
	serviceAccounts map[string]*serviceAccount    // serviceAccountId → account and its keys
	buckets         map[string]Bucket             // bucket key → bucket (keys are global across apps and regions)
	bucketGrants    map[string][]permission       // bucket key → other apps its creator allowed
	objects         map[string]map[string]Object  // bucket key → object key → object
	sortedObjects   map[string][]Object           // bucket key → its objects by key; dropped on change
	users           map[string]User               // user ID → a person who can sign in
	hubs            map[string]Hub                // hub ID → hub
	projects        map[string]map[string]Project // hub ID → project ID → project
	issues          map[string][]issueJSON        // ACC project ID (no "b.") → issues in displayId order
	comments        map[string][]commentJSON      // issue ID → comments, oldest first
	rfis            map[string][]rfiDetailJSON    // ACC project ID → RFIs in creation order
	signedDownloads map[string]signedDownload     // signed S3 URL token → what it grants
	uploads         map[string]*s3Upload          // uploadKey → signed S3 upload session
	uploadURLs      map[string]string             // signed S3 upload URL token → its uploadKey
	uploadedContent map[string]map[string][]byte  // bucket key → object key → bytes a completed upload stored
	metadataSeen    map[string]bool               // metadataKey → a metadata request for it was answered
	metadataReady   bool                          // metadata answers 200 at once, without the 202 phase
	translations    map[string]*translation       // source URN → its Model Derivative translation (jobs add and replace them)
	hooks           []*webhook                    // webhooks in the order they were created
	hookPageSize    int                           // webhooks per listed page: 200, as documented; smaller in tests
	faults          Faults                        // current fault injection, zero = none
	faultRand       *mathrand.Rand                // decides which requests fail; reseeded by SetFaults
	bomb            gzipBomb                      // the last gzip bomb built, kept for the next request
	log             []Request                     // the most recent requests, at most maxLoggedRequests
	logDropped      int                           // older requests dropped from the front of log
	maxLog          int                           // maxLoggedRequests; smaller in tests

	// Written while New seeds the demo data and never changed afterwards,
	// so they are read without holding mu.
	content    map[string]*dmContent          // DM project ID → its seeded folders, items and versions
	dmStorage  map[string]string              // object key in the DM storage bucket → DM project ID
	submittals map[string][]submittalItemJSON // ACC project ID → submittal items by number
}

// New returns an Emulator seeded with demo data owned by the first client in
// Options.Clients (or by the demo client). It panics if Options.RateLimits
// names an endpoint the emulator does not serve, and if the RSA signing key
// cannot be generated, which crypto/rand does not allow to happen.
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
		bucketGrants:    make(map[string][]permission),
		objects:         make(map[string]map[string]Object),
		sortedObjects:   make(map[string][]Object),
		maxLog:          maxLoggedRequests,
		users:           make(map[string]User),
		hubs:            make(map[string]Hub),
		projects:        make(map[string]map[string]Project),
		issues:          make(map[string][]issueJSON),
		comments:        make(map[string][]commentJSON),
		rfis:            make(map[string][]rfiDetailJSON),
		signedDownloads: make(map[string]signedDownload),
		uploads:         make(map[string]*s3Upload),
		uploadURLs:      make(map[string]string),
		uploadedContent: make(map[string]map[string][]byte),
		metadataSeen:    make(map[string]bool),
		content:         make(map[string]*dmContent),
		dmStorage:       make(map[string]string),
		translations:    make(map[string]*translation),
		hookPageSize:    webhooksPageSize,
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
	e.apis = apis()
	e.rates = newRateLimiter(opts.RateLimits, e.apis)
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
	if i := entry - e.logDropped; i >= 0 {
		e.log[i].Status = status
	}
	e.mu.Unlock()
}

// TokenRequests returns the number of POST /authentication/v2/token requests
// that reached the token service, whatever their outcome. Requests the
// gateway answered with an injected fault (Faults.IncludeAuth) never reach
// it and are not counted; FaultsInjected and Requests see them.
func (e *Emulator) TokenRequests() int64 {
	return e.tokenRequests.Load()
}

// maxLoggedRequests bounds the request log, so an emulator serving for
// hours (aps-mcp emulator, --emulator) or a benchmark does not grow without
// end; tests stay far below it.
const maxLoggedRequests = 50000

// Requests returns a copy of the log of the requests received, in order:
// every request, or the most recent 50,000 once there were more.
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
	if len(e.log) >= e.maxLog {
		half := e.maxLog / 2
		e.log = append(e.log[:0], e.log[half:]...)
		e.logDropped += half
	}
	e.log = append(e.log, req)
	return e.logDropped + len(e.log) - 1
}
