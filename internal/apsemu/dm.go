package apsemu

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// contentTypeJSONAPI is the JSON:API media type DM answers with. The spec
// declares application/json; the exact header is unverified, and clients
// should accept both.
const contentTypeJSONAPI = "application/vnd.api+json"

// Page size bounds of the DM list endpoints (NOTES §5.2).
const (
	dmDefaultPageLimit = 200
	dmMaxPageLimit     = 200
)

// DM query parameters. url.Values decodes both the literal ("page[limit]")
// and the encoded ("page%5Blimit%5D") spelling to these keys.
const (
	paramPageNumber      = "page[number]"
	paramPageLimit       = "page[limit]"
	paramFilterID        = "filter[id]"
	paramFilterName      = "filter[name]"
	paramFilterExtension = "filter[extension.type]"
)

// DM error codes and texts. BAD_INPUT and NOT_FOUND follow the synthesized
// examples; BIM360DM_ERROR and its texts are observed on hub listings;
// USER_CONTEXT_REQUIRED and METHOD_NOT_ALLOWED are the emulator's own.
const (
	dmCodeBadInput            = "BAD_INPUT"
	dmCodeNotFound            = "NOT_FOUND"
	dmCodeBIM360              = "BIM360DM_ERROR"
	dmCodeUserContextRequired = "USER_CONTEXT_REQUIRED"
	dmCodeMethodNotAllowed    = "METHOD_NOT_ALLOWED"

	dmDetailNotFound          = "The requested resource could not be found."
	dmDetailNoPermission      = "You don't have permission to access this API"
	dmDetailPageLimit         = "The page[limit] parameter must be between 1 and 200."
	dmDetailPageNumber        = "The page[number] parameter must be a non-negative integer."
	dmDetailUserContextNeeded = "This API needs a three-legged (user context) access token, such as one from the " +
		"authorization code or Secure Service Account (JWT bearer) grant; a two-legged client_credentials token is not accepted."
)

// jsonAPIVersion is the top-level "jsonapi" member.
type jsonAPIVersion struct {
	Version string `json:"version"`
}

// jsonAPI10 is the only JSON:API version DM speaks.
func jsonAPI10() jsonAPIVersion { return jsonAPIVersion{Version: "1.0"} }

// link is a JSON:API link object.
type link struct {
	Href string `json:"href"`
}

// topLinks are a document's links; first, prev and next only on pages.
type topLinks struct {
	Self  link  `json:"self"`
	First *link `json:"first,omitempty"`
	Prev  *link `json:"prev,omitempty"`
	Next  *link `json:"next,omitempty"`
}

// dmDocument is a successful DM response body.
type dmDocument struct {
	JSONAPI jsonAPIVersion `json:"jsonapi"`
	Links   topLinks       `json:"links"`
	Data    any            `json:"data"`
	// Included holds the tip versions of listed items (folder contents,
	// get item) or the items of listed versions (search).
	Included any     `json:"included,omitempty"`
	Meta     *dmMeta `json:"meta,omitempty"`
}

// dmMeta carries the hub listing's partial-failure warnings.
type dmMeta struct {
	Warnings []hubWarning `json:"warnings"`
}

// hubWarning is one meta.warnings entry, capitalised keys and nulls exactly
// as NOTES §5 quotes them.
type hubWarning struct {
	ID             *string `json:"Id"`
	HTTPStatusCode string  `json:"HttpStatusCode"`
	ErrorCode      string  `json:"ErrorCode"`
	Title          string  `json:"Title"`
	Detail         string  `json:"Detail"`
	AboutLink      *string `json:"AboutLink"`
	Source         *string `json:"Source"`
	Meta           any     `json:"meta"`
}

// dmErrorDocument is a JSON:API error body.
type dmErrorDocument struct {
	JSONAPI jsonAPIVersion `json:"jsonapi"`
	Errors  []dmError      `json:"errors"`
}

// dmError is one JSON:API error object.
type dmError struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// extension is a resource's attributes.extension.
type extension struct {
	Type    string            `json:"type"`
	Version string            `json:"version"`
	Schema  link              `json:"schema"`
	Data    map[string]string `json:"data"`
}

// resourceLinks are a resource's own links.
type resourceLinks struct {
	Self link `json:"self"`
}

// relatedLinks points at a related collection or resource.
type relatedLinks struct {
	Related link `json:"related"`
}

// resourceIdentifier is a JSON:API resource linkage.
type resourceIdentifier struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// hubResource is a "hubs" resource object.
type hubResource struct {
	Type          string           `json:"type"`
	ID            string           `json:"id"`
	Attributes    hubAttributes    `json:"attributes"`
	Links         resourceLinks    `json:"links"`
	Relationships hubRelationships `json:"relationships"`
}

type hubAttributes struct {
	Name      string    `json:"name"`
	Extension extension `json:"extension"`
	Region    string    `json:"region"`
}

type hubRelationships struct {
	Projects linksOnly `json:"projects"`
}

// linksOnly is a relationship with links and no linkage.
type linksOnly struct {
	Links relatedLinks `json:"links"`
}

// projectResource is a "projects" resource object.
type projectResource struct {
	Type          string               `json:"type"`
	ID            string               `json:"id"`
	Attributes    projectAttributes    `json:"attributes"`
	Links         resourceLinks        `json:"links"`
	Relationships projectRelationships `json:"relationships"`
}

type projectAttributes struct {
	Name      string    `json:"name"`
	Scopes    []string  `json:"scopes"`
	Extension extension `json:"extension"`
}

type projectRelationships struct {
	Hub        hubLinkage    `json:"hub"`
	RootFolder folderLinkage `json:"rootFolder"`
	TopFolders linksOnly     `json:"topFolders"`
}

type hubLinkage struct {
	Data  resourceIdentifier `json:"data"`
	Links relatedLinks       `json:"links"`
}

type folderLinkage struct {
	Data resourceIdentifier `json:"data"`
	Meta linkMeta           `json:"meta"`
}

type linkMeta struct {
	Link link `json:"link"`
}

// dmCall is a matched DM request: the endpoint, its decoded path
// parameters and the caller's token.
type dmCall struct {
	handle    func(e *Emulator, w http.ResponseWriter, r *http.Request, call dmCall)
	hubID     string
	projectID string
	folderID  string
	itemID    string
	versionID string
	// search marks folder search, whose security requirement lists
	// data:search beside data:read; as for other such lists in the specs
	// (bucket details, manifest), the emulator accepts either.
	search bool
	info   tokenInfo
}

// serveDM handles everything under /project/ and /data/ in gateway order
// (token, route, method, scope) and then as DM itself: user context
// required.
func (e *Emulator) serveDM(w http.ResponseWriter, r *http.Request) {
	info, ok := e.authenticateBearer(w, r)
	if !ok {
		return
	}
	segs, err := splitPath(r.URL.EscapedPath())
	if err != nil {
		writeDMError(w, http.StatusBadRequest, dmCodeBadInput, "Bad Input", "The request path is not validly percent-encoded.")
		return
	}
	call, ok := matchDMRoute(segs)
	if !ok {
		writeDMNotFound(w)
		return
	}
	if r.Method != http.MethodGet {
		setAllow(w, http.MethodGet)
		writeDMError(w, http.StatusMethodNotAllowed, dmCodeMethodNotAllowed, "Method Not Allowed", "Only GET is supported on this resource.")
		return
	}
	scopes := []string{scopeDataRead}
	if call.search {
		scopes = append(scopes, scopeDataSearch)
	}
	if !requireScope(w, info, scopes...) {
		return
	}
	// The emulator's DM serves people, not apps: an app-only token is
	// refused even though the spec lists 2LO (see the package doc).
	if info.userID == "" {
		writeDMError(w, http.StatusForbidden, dmCodeUserContextRequired, "Forbidden", dmDetailUserContextNeeded)
		return
	}
	call.info = info
	call.handle(e, w, r, call)
}

// matchDMRoute finds the endpoint for decoded segments ("project", "v1",
// "hubs", ... or "data", "v1", "projects", ...). Empty IDs match nothing.
func matchDMRoute(segs []string) (dmCall, bool) {
	if len(segs) >= 3 && segs[0] == "data" && segs[1] == "v1" && segs[2] == "projects" {
		return matchDataRoute(segs[3:])
	}
	if len(segs) < 3 || segs[0] != "project" || segs[1] != "v1" || segs[2] != "hubs" {
		return dmCall{}, false
	}
	rest := segs[3:]
	switch {
	case len(rest) == 0:
		return dmCall{handle: (*Emulator).listHubs}, true
	case rest[0] == "":
		return dmCall{}, false
	case len(rest) == 1:
		return dmCall{handle: (*Emulator).getHub, hubID: rest[0]}, true
	case rest[1] != "projects":
		return dmCall{}, false
	case len(rest) == 2:
		return dmCall{handle: (*Emulator).listProjects, hubID: rest[0]}, true
	case rest[2] == "":
		return dmCall{}, false
	case len(rest) == 3:
		return dmCall{handle: (*Emulator).getProject, hubID: rest[0], projectID: rest[2]}, true
	case len(rest) == 4 && rest[3] == "topFolders":
		return dmCall{handle: (*Emulator).listTopFolders, hubID: rest[0], projectID: rest[2]}, true
	}
	return dmCall{}, false
}

// matchDataRoute finds the /data/v1/projects/{project_id}/... endpoint for
// the segments after "projects".
func matchDataRoute(rest []string) (dmCall, bool) {
	if len(rest) < 3 || rest[0] == "" || rest[2] == "" {
		return dmCall{}, false
	}
	call := dmCall{projectID: rest[0]}
	kind, id, sub := rest[1], rest[2], strings.Join(rest[3:], "/")
	switch {
	case kind == "folders" && sub == "":
		call.handle, call.folderID = (*Emulator).getFolder, id
	case kind == "folders" && sub == "contents":
		call.handle, call.folderID = (*Emulator).listFolderContents, id
	case kind == "folders" && sub == "search":
		call.handle, call.folderID, call.search = (*Emulator).searchFolder, id, true
	case kind == "items" && sub == "":
		call.handle, call.itemID = (*Emulator).getItem, id
	case kind == "items" && sub == "tip":
		call.handle, call.itemID = (*Emulator).getItemTip, id
	case kind == "items" && sub == "versions":
		call.handle, call.itemID = (*Emulator).listItemVersions, id
	case kind == "versions" && sub == "":
		call.handle, call.versionID = (*Emulator).getVersion, id
	default:
		return dmCall{}, false
	}
	return call, true
}

// seesHubs reports whether the caller sees the DM data: the seeded and
// added hubs belong to the first registered client's users, whoever they
// are (the demo user signed in through the authorization code flow or a
// service account), and to no one else's.
func (e *Emulator) seesHubs(info tokenInfo) bool {
	return info.clientID == e.owner
}

// listHubs serves GET /project/v1/hubs: every reachable hub passing the
// filters, unpaginated (the endpoint takes no page parameters), and one
// meta.warnings entry per region holding unreachable hubs.
func (e *Emulator) listHubs(w http.ResponseWriter, r *http.Request, call dmCall) {
	q := r.URL.Query()
	filters := parseFilters(q, paramFilterID, paramFilterName, paramFilterExtension)
	var hubs []Hub
	if e.seesHubs(call.info) {
		e.mu.Lock()
		hubs = e.hubsLocked()
		e.mu.Unlock()
	}
	base := baseURL(r)
	data := make([]hubResource, 0, len(hubs))
	var unreachable []string
	for _, h := range hubs {
		if h.Unreachable {
			// The region's backend fails as a whole, whatever the filters.
			if !slices.Contains(unreachable, h.Region) {
				unreachable = append(unreachable, h.Region)
			}
			continue
		}
		if filters.allow(paramFilterID, h.ID) && filters.allow(paramFilterName, h.Name) && filters.allow(paramFilterExtension, h.Type) {
			data = append(data, toHubResource(base, h))
		}
	}
	doc := dmDocument{JSONAPI: jsonAPI10(), Links: topLinks{Self: selfLink(base, "/project/v1/hubs", q)}, Data: data}
	if len(unreachable) > 0 {
		slices.Sort(unreachable)
		doc.Meta = &dmMeta{}
		for _, region := range unreachable {
			doc.Meta.Warnings = append(doc.Meta.Warnings, hubWarning{
				HTTPStatusCode: "403",
				ErrorCode:      dmCodeBIM360,
				Title:          unreachableTitle(region),
				Detail:         dmDetailNoPermission,
			})
		}
	}
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, doc)
}

// getHub serves GET /project/v1/hubs/{hub_id}.
func (e *Emulator) getHub(w http.ResponseWriter, r *http.Request, call dmCall) {
	h, ok := e.dmHub(w, call)
	if !ok {
		return
	}
	base := baseURL(r)
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, dmDocument{
		JSONAPI: jsonAPI10(),
		Links:   topLinks{Self: selfLink(base, hubPath(h.ID), r.URL.Query())},
		Data:    toHubResource(base, h),
	})
}

// listProjects serves GET /project/v1/hubs/{hub_id}/projects. As on DM,
// the page is cut before the filters apply, so a page may hold fewer than
// page[limit] projects (even none) while links.next still exists.
func (e *Emulator) listProjects(w http.ResponseWriter, r *http.Request, call dmCall) {
	h, ok := e.dmHub(w, call)
	if !ok {
		return
	}
	q := r.URL.Query()
	number, limit, detail := parsePage(q)
	if detail != "" {
		writeDMError(w, http.StatusBadRequest, dmCodeBadInput, "Bad Input", detail)
		return
	}
	filters := parseFilters(q, paramFilterID, paramFilterExtension)
	e.mu.Lock()
	all := e.projectsLocked(h.ID)
	e.mu.Unlock()
	page, more := pageOf(all, number, limit)

	base := baseURL(r)
	data := make([]projectResource, 0, len(page))
	for _, p := range page {
		if filters.allow(paramFilterID, p.ID) && filters.allow(paramFilterExtension, p.Type) {
			data = append(data, toProjectResource(base, p))
		}
	}
	path := hubPath(h.ID) + "/projects"
	links := topLinks{Self: selfLink(base, path, q)}
	if number > 0 {
		links.First = pageLink(base, path, q, 0)
		links.Prev = pageLink(base, path, q, number-1)
	}
	if more {
		links.Next = pageLink(base, path, q, number+1)
	}
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, dmDocument{JSONAPI: jsonAPI10(), Links: links, Data: data})
}

// getProject serves GET /project/v1/hubs/{hub_id}/projects/{project_id}.
func (e *Emulator) getProject(w http.ResponseWriter, r *http.Request, call dmCall) {
	h, p, ok := e.dmProject(w, call)
	if !ok {
		return
	}
	base := baseURL(r)
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, dmDocument{
		JSONAPI: jsonAPI10(),
		Links:   topLinks{Self: selfLink(base, projectPath(h.ID, p.ID), r.URL.Query())},
		Data:    toProjectResource(base, p),
	})
}

// dmHub resolves the path's hub for the caller, answering itself otherwise:
// 404 for an unknown hub or one the caller cannot see, 403 with the
// BIM360DM_ERROR of the hub listing for an unreachable one.
func (e *Emulator) dmHub(w http.ResponseWriter, call dmCall) (Hub, bool) {
	h, ok := e.hub(call.hubID)
	if !ok || !e.seesHubs(call.info) {
		writeDMNotFound(w)
		return Hub{}, false
	}
	if h.Unreachable {
		writeDMError(w, http.StatusForbidden, dmCodeBIM360, unreachableTitle(h.Region), dmDetailNoPermission)
		return Hub{}, false
	}
	return h, true
}

// dmProject resolves the call's hub (as dmHub) and the project in it,
// answering 404 itself when the project is not there.
func (e *Emulator) dmProject(w http.ResponseWriter, call dmCall) (Hub, Project, bool) {
	h, ok := e.dmHub(w, call)
	if !ok {
		return Hub{}, Project{}, false
	}
	p, ok := e.project(h.ID, call.projectID)
	if !ok {
		writeDMNotFound(w)
		return Hub{}, Project{}, false
	}
	return h, p, true
}

// unreachableTitle is the observed title of a region's hub failure.
func unreachableTitle(region string) string {
	return "Unable to get hubs from BIM360DM " + region + "."
}

// toHubResource renders a hub with absolute links.
func toHubResource(base string, h Hub) hubResource {
	return hubResource{
		Type: "hubs",
		ID:   h.ID,
		Attributes: hubAttributes{
			Name:      h.Name,
			Extension: newExtension(base, h.Type, nil),
			Region:    h.Region,
		},
		Links:         resourceLinks{Self: link{Href: base + hubPath(h.ID)}},
		Relationships: hubRelationships{Projects: linksOnly{Links: relatedLinks{Related: link{Href: base + hubPath(h.ID) + "/projects"}}}},
	}
}

// toProjectResource renders a project with absolute links.
func toProjectResource(base string, p Project) projectResource {
	var data map[string]string
	if p.ProjectType != "" {
		data = map[string]string{"projectType": p.ProjectType}
	}
	folder := rootFolderID(p.ID)
	self := base + projectPath(p.HubID, p.ID)
	return projectResource{
		Type: "projects",
		ID:   p.ID,
		Attributes: projectAttributes{
			Name:      p.Name,
			Scopes:    []string{"global"},
			Extension: newExtension(base, p.Type, data),
		},
		Links: resourceLinks{Self: link{Href: self}},
		Relationships: projectRelationships{
			Hub: hubLinkage{
				Data:  resourceIdentifier{Type: "hubs", ID: p.HubID},
				Links: relatedLinks{Related: link{Href: base + hubPath(p.HubID)}},
			},
			RootFolder: folderLinkage{
				Data: resourceIdentifier{Type: "folders", ID: folder},
				Meta: linkMeta{Link: link{Href: base + folderPath(p.ID, folder)}},
			},
			TopFolders: linksOnly{Links: relatedLinks{Related: link{Href: self + "/topFolders"}}},
		},
	}
}

// newExtension builds attributes.extension; data is never null on the wire.
func newExtension(base, extType string, data map[string]string) extension {
	if data == nil {
		data = map[string]string{}
	}
	return extension{
		Type:    extType,
		Version: "1.0",
		Schema:  link{Href: base + "/schema/v1/versions/" + escapeID(extType+"-1.0")},
		Data:    data,
	}
}

// rootFolderID derives a stable, realistic-looking root folder URN.
func rootFolderID(projectID string) string {
	sum := sha256.Sum256([]byte("apsemu root folder " + projectID))
	return "urn:adsk.wipprod:fs.folder:co." + base64.RawURLEncoding.EncodeToString(sum[:])[:22]
}

// hubPath and projectPath are the escaped API paths of a hub and a project.
func hubPath(hubID string) string {
	return "/project/v1/hubs/" + escapeID(hubID)
}

func projectPath(hubID, projectID string) string {
	return hubPath(hubID) + "/projects/" + escapeID(projectID)
}

// escapeID percent-encodes an ID as one path segment, leaving only RFC 3986
// unreserved characters bare: DM links encode ':', '?' and '=' inside IDs
// (NOTES §1.3), which url.PathEscape would leave alone.
func escapeID(id string) string {
	return strings.ReplaceAll(url.QueryEscape(id), "+", "%20")
}

// selfLink is the request's own absolute URL with its query re-encoded.
func selfLink(base, path string, q url.Values) link {
	href := base + path
	if len(q) > 0 {
		href += "?" + q.Encode()
	}
	return link{Href: href}
}

// pageLink is the absolute URL of another page: the request's query (page
// size and filters included) with page[number] replaced, encoded.
func pageLink(base, path string, q url.Values, number int) *link {
	next := url.Values{}
	for k, v := range q {
		next[k] = slices.Clone(v)
	}
	next.Set(paramPageNumber, strconv.Itoa(number))
	l := link{Href: base + path + "?" + next.Encode()}
	return &l
}

// parsePage reads page[number] (0-based, default 0) and page[limit] (1..200,
// default 200). A present but empty or non-integer value is invalid. detail
// is the 400 text, empty when both are valid.
func parsePage(q url.Values) (number, limit int, detail string) {
	limit = dmDefaultPageLimit
	if q.Has(paramPageNumber) {
		n, err := strconv.Atoi(q.Get(paramPageNumber))
		if err != nil || n < 0 {
			return 0, 0, dmDetailPageNumber
		}
		number = n
	}
	if q.Has(paramPageLimit) {
		n, err := strconv.Atoi(q.Get(paramPageLimit))
		if err != nil || n < 1 || n > dmMaxPageLimit {
			return 0, 0, dmDetailPageLimit
		}
		limit = n
	}
	return number, limit, ""
}

// pageOf returns page number (0-based) of items and whether later pages exist.
func pageOf[T any](items []T, number, limit int) ([]T, bool) {
	// number > len(items) is past the end for any limit ≥ 1; checking it
	// first keeps number*limit from overflowing.
	if number > len(items) || number*limit >= len(items) {
		return nil, false
	}
	start := number * limit
	end := min(start+limit, len(items))
	return items[start:end], end < len(items)
}

// dmFilters maps a filter parameter to the values it accepts.
type dmFilters map[string][]string

// parseFilters reads the given filter parameters; each may repeat and hold
// comma-separated values, any of which matches. Filters the endpoint does
// not support are ignored.
func parseFilters(q url.Values, names ...string) dmFilters {
	f := dmFilters{}
	for _, name := range names {
		for _, v := range q[name] {
			f[name] = append(f[name], strings.Split(v, ",")...)
		}
	}
	return f
}

// allow reports whether value passes the named filter (absent filters pass).
func (f dmFilters) allow(name, value string) bool {
	vals, ok := f[name]
	return !ok || slices.Contains(vals, value)
}

// writeDMError sends a JSON:API error body with a fresh error id.
func writeDMError(w http.ResponseWriter, status int, code, title, detail string) {
	writeJSON(w, status, contentTypeJSONAPI, dmErrorDocument{
		JSONAPI: jsonAPI10(),
		Errors:  []dmError{{ID: newUUID(), Status: strconv.Itoa(status), Code: code, Title: title, Detail: detail}},
	})
}

// writeDMNotFound answers an unknown hub, project or path.
func writeDMNotFound(w http.ResponseWriter) {
	writeDMError(w, http.StatusNotFound, dmCodeNotFound, "Not Found", dmDetailNotFound)
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return formatUUID(b)
}

// formatUUID stamps b as a version 4, RFC 4122 variant UUID and formats it.
func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
