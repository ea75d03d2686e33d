package apsemu

import (
	"cmp"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Webhooks paths (more/webhooks.yaml).
const (
	webhooksPathPrefix = "/webhooks/"
	webhooksBase       = "/webhooks/v1"
)

// webhooksPageSize is the documented page size of the webhook listings.
const webhooksPageSize = 200

// Webhooks error codes and texts. The spec gives error bodies only an id;
// the {"id","status","code","detail":[...]} shape follows its Token answer
// and what APS is reported to send (unverified), and the texts are the
// emulator's own except the 409's, which is the spec's description.
const (
	hookCodeBadInput = "BAD_INPUT"
	hookCodeNotFound = "NOT_FOUND"
	hookCodeConflict = "CONFLICT"
	hookCodeMethod   = "METHOD_NOT_ALLOWED"

	hookDetailBody      = "The request body must be a JSON object with callbackUrl and scope."
	hookDetailCallback  = "callbackUrl must be an absolute http or https URL."
	hookDetailScope     = "scope must name the folder (system data) or the workflow (system derivative) to watch."
	hookDetailSystem    = "Unknown system or event: the emulator serves the data (dm.*) and derivative (extraction.*) events."
	hookDetailRegion    = "region must be one of US, EMEA, AUS, CAN, DEU, IND, JPN, GBR."
	hookDetailStatus    = "status must be active or inactive."
	hookDetailPageState = "pageState is not one the service handed out."
	hookDetailNotFound  = "The specified resource was not found."
	hookDetailExists    = "The specified hook already exists."
	hookDetailMethod    = "The request method is not allowed for this resource."
)

// hookEvents are the events the emulator serves, per system: the Data
// Management and Model Derivative entries of the spec's Events enum.
func hookEvents() map[string][]string {
	return map[string][]string{
		"data": {"dm.version.added", "dm.version.modified", "dm.version.deleted", "dm.version.moved", "dm.version.moved.out",
			"dm.version.copied", "dm.version.copied.out", "dm.lineage.reserved", "dm.lineage.unreserved", "dm.lineage.updated",
			"dm.folder.added", "dm.folder.modified", "dm.folder.deleted", "dm.folder.purged", "dm.folder.moved",
			"dm.folder.moved.out", "dm.folder.copied", "dm.folder.copied.out", "dm.operation.started", "dm.operation.completed"},
		"derivative": {"extraction.finished", "extraction.updated"},
	}
}

// hookScopeKey is the scope member a system's hooks must set.
func hookScopeKey(system string) string {
	return map[string]string{"data": "folder", "derivative": "workflow"}[system]
}

// hookError is the body of a Webhooks error.
type hookError struct {
	ID     string   `json:"id"`
	Status int      `json:"status"`
	Code   string   `json:"code"`
	Detail []string `json:"detail"`
}

// writeHookError sends a Webhooks error.
func writeHookError(w http.ResponseWriter, status int, code, detail string) {
	writeJSON(w, status, contentTypeJSON, hookError{ID: newUUID(), Status: status, Code: code, Detail: []string{detail}})
}

// webhooksErrors are Webhooks' answers for requests no handler serves.
func webhooksErrors() apiErrors {
	return apiErrors{
		badPath: func(w http.ResponseWriter) {
			writeHookError(w, http.StatusBadRequest, hookCodeBadInput, hookDetailNotFound)
		},
		notFound: func(w http.ResponseWriter) {
			writeHookError(w, http.StatusNotFound, hookCodeNotFound, hookDetailNotFound)
		},
		method: func(w http.ResponseWriter) {
			writeHookError(w, http.StatusMethodNotAllowed, hookCodeMethod, hookDetailMethod)
		},
	}
}

// webhooksAPI is Webhooks v1: hooks listed (data:read), created and
// deleted (data:write), with app-only or user tokens.
func webhooksAPI() api {
	const system = webhooksBase + "/systems/{system}"
	const event = system + "/events/{event}/hooks"
	read, write := []string{scopeDataRead}, []string{scopeDataWrite}
	return api{paths: []string{webhooksPathPrefix}, bearer: true, errs: webhooksErrors(), routes: []route{
		{http.MethodGet, webhooksBase + "/hooks", read, (*Emulator).listHooks},
		{http.MethodGet, system + "/hooks", read, (*Emulator).listHooks},
		{http.MethodGet, event, read, (*Emulator).listHooks},
		{http.MethodPost, event, write, (*Emulator).createHook},
		{http.MethodGet, event + "/{hook_id}", read, (*Emulator).getHook},
		{http.MethodDelete, event + "/{hook_id}", write, (*Emulator).deleteHook},
	}}
}

// webhook is a stored hook; detail renders it as HookDetails.
type webhook struct {
	id, system, event, callbackURL, region string
	scopeKey, scopeValue                   string
	clientID, userID                       string // who created it: the app, and the user of a user token
	autoReactivate                         bool
	created                                time.Time
}

// hookDetails is a hook as the API shows it (HookDetails).
type hookDetails struct {
	HookID             string            `json:"hookId"`
	Tenant             string            `json:"tenant"`
	CallbackURL        string            `json:"callbackUrl"`
	CreatedBy          string            `json:"createdBy"`
	Event              string            `json:"event"`
	CreatedDate        string            `json:"createdDate"`
	LastUpdatedDate    string            `json:"lastUpdatedDate"`
	System             string            `json:"system"`
	CreatorType        string            `json:"creatorType"`
	Status             string            `json:"status"`
	AutoReactivateHook bool              `json:"autoReactivateHook"`
	Scope              map[string]string `json:"scope"`
	URN                string            `json:"urn"`
	Self               string            `json:"__self__"`
}

// hookTime formats a time as the spec's examples do (2017-09-14T06:57:50.597+0000).
func hookTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }

// path is the hook's path below /webhooks/v1.
func (h *webhook) path() string {
	return "/systems/" + h.system + "/events/" + h.event + "/hooks/" + h.id
}

func (h *webhook) detail() hookDetails {
	d := hookDetails{HookID: h.id, Tenant: h.scopeValue, CallbackURL: h.callbackURL, CreatedBy: h.clientID, Event: h.event,
		CreatedDate: hookTime(h.created), LastUpdatedDate: hookTime(h.created), System: h.system, CreatorType: "Application",
		Status: "active", AutoReactivateHook: h.autoReactivate, Scope: map[string]string{h.scopeKey: h.scopeValue},
		URN: "urn:adsk.webhooks:events.hook:" + h.id, Self: h.path()}
	if h.userID != "" {
		d.CreatedBy, d.CreatorType = h.userID, "O2User"
	}
	return d
}

// visibleTo reports whether the token sees the hook: an app its own
// app-only hooks, a user the hooks they created through the app.
func (h *webhook) visibleTo(c *call) bool {
	return h.clientID == c.token.clientID && h.userID == c.token.userID
}

// hookRegion is the request's region: the x-ads-region header wins over
// the region query parameter (webhooks.yaml); US when neither is sent. It
// answers 400 itself for one of no data centre.
func hookRegion(w http.ResponseWriter, c *call) (string, bool) {
	region := cmp.Or(c.r.Header.Get(headerADSRegion), c.r.URL.Query().Get("region"), defaultRegion)
	if !isIssuesRegion(region) {
		writeHookError(w, http.StatusBadRequest, hookCodeBadInput, hookDetailRegion)
		return "", false
	}
	return region, true
}

// hookSystem checks the path's system and event (when it has one).
func hookSystem(c *call) bool {
	events, ok := hookEvents()[c.param("system")]
	if !ok {
		return false
	}
	ev, hasEvent := c.params["event"]
	return !hasEvent || slices.Contains(events, ev)
}

// hookRequest is the part of HookPayload the emulator reads.
type hookRequest struct {
	CallbackURL        string            `json:"callbackUrl"`
	Scope              map[string]string `json:"scope"`
	AutoReactivateHook bool              `json:"autoReactivateHook"`
}

// createHook serves POST .../systems/{system}/events/{event}/hooks: 201
// with the new hook's URL in Location and no body, as APS answers; 409
// when the caller already has a hook of that event, scope and callback.
func (e *Emulator) createHook(w http.ResponseWriter, c *call) {
	region, ok := hookRegion(w, c)
	if !ok {
		return
	}
	if !hookSystem(c) {
		writeHookError(w, http.StatusBadRequest, hookCodeBadInput, hookDetailSystem)
		return
	}
	var req hookRequest
	if !decodeJSON(w, c.r, &req) {
		writeHookError(w, http.StatusBadRequest, hookCodeBadInput, hookDetailBody)
		return
	}
	if u, err := url.Parse(req.CallbackURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		writeHookError(w, http.StatusBadRequest, hookCodeBadInput, hookDetailCallback)
		return
	}
	key := hookScopeKey(c.param("system"))
	if req.Scope[key] == "" || len(req.Scope) != 1 {
		writeHookError(w, http.StatusBadRequest, hookCodeBadInput, hookDetailScope)
		return
	}
	h := &webhook{id: newUUID(), system: c.param("system"), event: c.param("event"), callbackURL: req.CallbackURL, region: region,
		scopeKey: key, scopeValue: req.Scope[key], clientID: c.token.clientID, userID: c.token.userID,
		autoReactivate: req.AutoReactivateHook, created: e.now()}
	e.mu.Lock()
	for _, o := range e.hooks {
		if o.visibleTo(c) && o.region == region && o.system == h.system && o.event == h.event && o.callbackURL == h.callbackURL && o.scopeValue == h.scopeValue {
			e.mu.Unlock()
			writeHookError(w, http.StatusConflict, hookCodeConflict, hookDetailExists)
			return
		}
	}
	e.hooks = append(e.hooks, h)
	e.mu.Unlock()
	w.Header().Set("Location", c.base()+webhooksBase+h.path())
	w.WriteHeader(http.StatusCreated)
}

// findHookLocked returns the index of the path's hook among those the caller
// sees in the request's region, or -1. e.mu must be held.
func (e *Emulator) findHookLocked(c *call, region string) int {
	for i, h := range e.hooks {
		if h.id == c.param("hook_id") && h.system == c.param("system") && h.event == c.param("event") && h.region == region && h.visibleTo(c) {
			return i
		}
	}
	return -1
}

// onHook runs f with e.mu held on the path's hook, among those the caller
// sees in the request's region, and reports whether there was one,
// answering 400 or 404 itself otherwise.
func (e *Emulator) onHook(w http.ResponseWriter, c *call, f func(i int)) bool {
	region, ok := hookRegion(w, c)
	if !ok {
		return false
	}
	e.mu.Lock()
	i := e.findHookLocked(c, region)
	if i >= 0 {
		f(i)
	}
	e.mu.Unlock()
	if i < 0 {
		writeHookError(w, http.StatusNotFound, hookCodeNotFound, hookDetailNotFound)
	}
	return i >= 0
}

// getHook serves GET .../hooks/{hook_id}.
func (e *Emulator) getHook(w http.ResponseWriter, c *call) {
	var d hookDetails
	if e.onHook(w, c, func(i int) { d = e.hooks[i].detail() }) {
		writeJSON(w, http.StatusOK, contentTypeJSON, d)
	}
}

// deleteHook serves DELETE .../hooks/{hook_id}: 204 without a body; a hook
// the caller does not see is not found.
func (e *Emulator) deleteHook(w http.ResponseWriter, c *call) {
	if e.onHook(w, c, func(i int) { e.hooks = append(e.hooks[:i:i], e.hooks[i+1:]...) }) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// hooksPage is a listing's body (Hooks).
type hooksPage struct {
	Links *struct {
		Next string `json:"next"`
	} `json:"links,omitempty"`
	Data []hookDetails `json:"data"`
}

// listHooks serves the three listings: every hook the caller sees in the
// region, or those of the path's system, or of its system and event;
// optionally only of one status. Pages hold hookPageSize hooks, oldest
// first; links.next carries the next page's pageState, an opaque base64
// string, relative to /webhooks/v1 as in the spec's example. No hook at
// all answers 204 without a body, as the spec says.
func (e *Emulator) listHooks(w http.ResponseWriter, c *call) {
	region, ok := hookRegion(w, c)
	if !ok {
		return
	}
	if _, scoped := c.params["system"]; scoped && !hookSystem(c) {
		writeHookError(w, http.StatusBadRequest, hookCodeBadInput, hookDetailSystem)
		return
	}
	q := c.r.URL.Query()
	status := q.Get("status")
	if status != "" && status != "active" && status != "inactive" {
		writeHookError(w, http.StatusBadRequest, hookCodeBadInput, hookDetailStatus)
		return
	}
	start := 0
	if ps := q.Get("pageState"); ps != "" {
		n, err := decodePageState(ps)
		if err != nil {
			writeHookError(w, http.StatusBadRequest, hookCodeBadInput, hookDetailPageState)
			return
		}
		start = n
	}
	var all []hookDetails
	e.mu.Lock()
	size := e.hookPageSize
	for _, h := range e.hooks {
		if h.visibleTo(c) && h.region == region && (c.param("system") == "" || h.system == c.param("system")) &&
			(c.param("event") == "" || h.event == c.param("event")) && (status == "" || status == "active") {
			all = append(all, h.detail())
		}
	}
	e.mu.Unlock()
	if len(all) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	end := min(start+size, len(all))
	page := hooksPage{Data: all[min(start, end):end]}
	if end < len(all) {
		next := url.Values{"pageState": {encodePageState(end)}}
		if r := q.Get("region"); r != "" {
			next.Set("region", r)
		}
		page.Links = &struct {
			Next string `json:"next"`
		}{Next: strings.TrimPrefix(c.r.URL.Path, webhooksBase) + "?" + next.Encode()}
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, page)
}

// pageStatePrefix marks the emulator's page states, so that a made-up
// one is refused rather than read as an offset.
const pageStatePrefix = "apsemu-hooks:"

func encodePageState(offset int) string {
	return base64.StdEncoding.EncodeToString([]byte(pageStatePrefix + strconv.Itoa(offset)))
}

func decodePageState(s string) (int, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return 0, err
	}
	rest, ok := strings.CutPrefix(string(b), pageStatePrefix)
	if !ok {
		return 0, strconv.ErrSyntax
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 {
		return 0, strconv.ErrSyntax
	}
	return n, nil
}
