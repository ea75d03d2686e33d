package apsemu

import (
	"net/http"
	"net/url"
	"strings"
)

// Gateway error codes (https://aps.autodesk.com/en/docs/oauth/v2/developers_guide/error_handling/).
const (
	codeNoAPIAccess       = "AUTH-001"
	codeInvalidToken      = "AUTH-006"
	codeInsufficientScope = "AUTH-010"
)

// Gateway error messages. The AUTH-006 and AUTH-010 texts follow the
// documented examples; the missing-header text is the emulator's own and is
// sent with AUTH-006 too, so clients can key on the code alone.
const (
	msgMissingHeader     = "The Authorization header is missing."
	msgInvalidToken      = "The access token is invalid."
	msgInsufficientScope = "Token does not have the privilege for this request."
)

// The AUTH-001 body as observed (NOTES §1.4): an app not provisioned for an
// API product. Its moreInfo still points at the Forge-era URL, unlike the
// synthesized gateway bodies; the observed text is kept verbatim.
const (
	msgNoAPIAccess      = "The client_id specified does not have access to the api product"
	noAPIAccessMoreInfo = "https://forge.autodesk.com/en/docs/oauth/v2/developers_guide/error_handling/"
)

// handler serves a request the gateway has let through.
type handler func(e *Emulator, w http.ResponseWriter, c *call)

// route is one endpoint: a method, a path pattern whose "{name}" segments
// capture path parameters (a last "{name...}" captures the rest of the
// path), the scopes of which the token needs one (none: no scope check)
// and the handler.
type route struct {
	method  string
	pattern string
	scopes  []string
	handle  handler
}

// api is one service the emulator plays: the paths it owns (exact paths,
// or prefixes when they end in "/"), how the gateway treats its requests,
// the answers it gives when a request goes wrong before any handler runs,
// and its routes.
type api struct {
	paths  []string
	faults faultCover
	// bearer puts the API behind the gateway's token check: a bearer token
	// (401 AUTH-006 otherwise) of an app entitled to it (403 AUTH-001).
	bearer bool
	// rawPath leaves path parameters percent-encoded, as received.
	rawPath bool
	// emptyParams lets a "{name}" capture an empty segment.
	emptyParams bool
	errs        apiErrors
	routes      []route
	segs        [][]string // each route's pattern split on "/", set by compile
}

// apiErrors are an API's own answers for requests no handler serves.
type apiErrors struct {
	badPath  func(w http.ResponseWriter) // a path segment is not validly percent-encoded
	notFound func(w http.ResponseWriter) // no route has the path
	method   func(w http.ResponseWriter) // a route has the path but not the method; Allow is set
	// appOnly, when set, refuses app-only (two-legged) tokens once the
	// scope has been checked: the API needs a user.
	appOnly func(w http.ResponseWriter)
}

// call is a request the gateway let through: the HTTP request, the
// caller's token (zero for endpoints that take none), the matched route
// and the path parameters it captured, decoded.
type call struct {
	r      *http.Request
	token  tokenInfo
	route  *route
	params map[string]string
}

// param returns the path parameter captured by "{name}".
func (c *call) param(name string) string { return c.params[name] }

// base is the scheme and host the client used.
func (c *call) base() string { return baseURL(c.r) }

// query is the request's parsed query.
func (c *call) query() url.Values { return c.r.URL.Query() }

// serve runs a request through the gateway, in the order APS's Apigee
// gateway applies its checks: injected faults (it rate-limits before it
// looks at the token), the bearer token and the app's entitlement, the
// route, the method (405 with Allow), the scope and the user context; then
// the route's handler gets the resolved call.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	a := e.apiFor(path)
	w, served, done := e.injectFault(w, r, a.faults)
	if done {
		return
	}
	defer served()
	var token tokenInfo
	if a.bearer {
		var ok bool
		if token, ok = e.authenticateBearer(w, r); !ok {
			return
		}
	}
	segs, err := splitPath(path, !a.rawPath)
	if err != nil {
		a.errs.badPath(w)
		return
	}
	rt, params, allowed := a.match(segs, r.Method)
	switch {
	case len(allowed) == 0:
		a.errs.notFound(w)
		return
	case rt == nil:
		setAllow(w, allowed...)
		a.errs.method(w)
		return
	}
	if e.overRateLimit(w, r, rt, token) {
		return
	}
	if len(rt.scopes) > 0 && !requireScope(w, token, rt.scopes...) {
		return
	}
	if a.errs.appOnly != nil && token.userID == "" {
		a.errs.appOnly(w)
		return
	}
	rt.handle(e, w, &call{r: r, token: token, route: rt, params: params})
}

// apiFor finds the API owning an escaped path: the one naming it exactly,
// else the one with the longest prefix of it.
func (e *Emulator) apiFor(path string) *api {
	var best *api
	longest := -1
	for i := range e.apis {
		a := &e.apis[i]
		for _, p := range a.paths {
			switch {
			case p == path:
				return a
			case strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) && len(p) > longest:
				best, longest = a, len(p)
			}
		}
	}
	return best
}

// compile splits every route pattern once, so matching does not.
func compile(apis []api) []api {
	for i := range apis {
		for _, rt := range apis[i].routes {
			apis[i].segs = append(apis[i].segs, strings.Split(strings.TrimPrefix(rt.pattern, "/"), "/"))
		}
	}
	return apis
}

// match finds the route for path segments and method. allowed lists the
// methods the path has routes for (empty: an unknown path); the route is
// nil when method is not among them.
func (a *api) match(segs []string, method string) (rt *route, params map[string]string, allowed []string) {
	for i := range a.routes {
		candidate := &a.routes[i]
		p, ok := a.matchPattern(a.segs[i], segs)
		if !ok {
			continue
		}
		allowed = append(allowed, candidate.method)
		if candidate.method == method && rt == nil {
			rt, params = candidate, p
		}
	}
	return rt, params, allowed
}

// matchPattern matches path segments against a split pattern, capturing
// its parameters.
func (a *api) matchPattern(pattern, segs []string) (params map[string]string, ok bool) {
	capture := func(name, value string) {
		if params == nil {
			params = map[string]string{}
		}
		params[name] = value
	}
	for i, p := range pattern {
		name, isParam := strings.CutPrefix(p, "{")
		name, _ = strings.CutSuffix(name, "}")
		if rest, ok := strings.CutSuffix(name, "..."); ok && isParam && i == len(pattern)-1 {
			if i >= len(segs) {
				return nil, false
			}
			capture(rest, strings.Join(segs[i:], "/"))
			return params, true
		}
		switch {
		case i >= len(segs):
			return nil, false
		case !isParam:
			if segs[i] != p {
				return nil, false
			}
		case segs[i] == "" && !a.emptyParams:
			return nil, false
		default:
			capture(name, segs[i])
		}
	}
	return params, len(pattern) == len(segs)
}

// splitPath splits an escaped path on "/" and, if decode, unescapes each
// segment on its own, so an encoded "%2F" stays inside its segment (object
// keys may hold "/").
func splitPath(escaped string, decode bool) ([]string, error) {
	segs := strings.Split(strings.TrimPrefix(escaped, "/"), "/")
	if !decode {
		return segs, nil
	}
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, err
		}
		segs[i] = u
	}
	return segs, nil
}

// authenticateBearer plays the API gateway: it resolves the request's bearer
// token or answers 401 itself. Unknown, revoked and expired tokens are
// indistinguishable to the caller, as on APS. A token of an app not
// entitled to the API product of the path (Client.NoAPIAccess) answers 403
// AUTH-001 before the service routes the request.
func (e *Emulator) authenticateBearer(w http.ResponseWriter, r *http.Request) (tokenInfo, bool) {
	header := r.Header.Get("Authorization")
	if header == "" {
		writeGatewayError(w, http.StatusUnauthorized, codeInvalidToken, msgMissingHeader)
		return tokenInfo{}, false
	}
	info, ok := e.lookupToken(header)
	if !ok {
		writeGatewayError(w, http.StatusUnauthorized, codeInvalidToken, msgInvalidToken)
		return tokenInfo{}, false
	}
	if e.lacksAPIAccess(info.clientID, r.URL.EscapedPath()) {
		writeJSON(w, http.StatusForbidden, contentTypeJSON, gatewayError{
			DeveloperMessage: msgNoAPIAccess,
			MoreInfo:         noAPIAccessMoreInfo,
			ErrorCode:        codeNoAPIAccess,
		})
		return tokenInfo{}, false
	}
	return info, true
}

// lacksAPIAccess reports whether clientID is registered as not entitled to
// the API product escapedPath belongs to. Registrations never change after
// New, so no lock is needed.
func (e *Emulator) lacksAPIAccess(clientID, escapedPath string) bool {
	for _, prefix := range e.clients[clientID].NoAPIAccess {
		if strings.HasPrefix(escapedPath, prefix) {
			return true
		}
	}
	return false
}

// lookupToken resolves an Authorization header value ("Bearer <token>", the
// scheme matched case-insensitively per RFC 9110) to a live token.
func (e *Emulator) lookupToken(header string) (tokenInfo, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return tokenInfo{}, false
	}
	e.mu.Lock()
	info, ok := e.tokens[token]
	e.mu.Unlock()
	if !ok || !e.now().Before(info.expires) {
		return tokenInfo{}, false
	}
	return info, true
}

// requireScope answers 403 AUTH-010 unless the token carries one of wanted.
func requireScope(w http.ResponseWriter, info tokenInfo, wanted ...string) bool {
	if hasAnyScope(info.scopes, wanted...) {
		return true
	}
	writeGatewayError(w, http.StatusForbidden, codeInsufficientScope, msgInsufficientScope)
	return false
}

// baseURL is the scheme and host the client used, so next and location links
// point back at the emulator rather than at developer.api.autodesk.com.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
