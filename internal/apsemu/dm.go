package apsemu

import (
	"math"
	"net/http"
	"net/url"
	"slices"
)

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

// dmErrors are DM's JSON:API answers for requests no handler serves. The
// emulator's DM serves people, not apps: an app-only token is refused
// even though the spec lists 2LO (see the package doc).
func dmErrors() apiErrors {
	return apiErrors{
		badPath:  func(w http.ResponseWriter) { writeBadInput(w, "The request path is not validly percent-encoded.") },
		notFound: writeDMNotFound,
		method: func(w http.ResponseWriter) {
			writeDMError(w, http.StatusMethodNotAllowed, dmCodeMethodNotAllowed, "Method Not Allowed", "Only GET is supported on this resource.")
		},
		appOnly: func(w http.ResponseWriter) {
			writeDMError(w, http.StatusForbidden, dmCodeUserContextRequired, "Forbidden", dmDetailUserContextNeeded)
		},
	}
}

// listHubs serves GET /project/v1/hubs: every reachable hub the caller
// sees that passes the filters, unpaginated (the endpoint takes no page
// parameters), and one meta.warnings entry per region holding unreachable
// hubs the caller would see.
func (e *Emulator) listHubs(w http.ResponseWriter, c *call) {
	j := jsonAPIOf(c)
	filters := parseFilters(j.q, paramFilterID, paramFilterName, paramFilterExtension)
	sees := e.hubVisibility(c.token)
	e.mu.Lock()
	hubs := e.hubsLocked()
	e.mu.Unlock()
	data := make([]hubResource, 0, len(hubs))
	var unreachable []string
	for _, h := range hubs {
		if !sees(h.ID) {
			continue
		}
		if h.Unreachable {
			// The region's backend fails as a whole, whatever the filters.
			if !slices.Contains(unreachable, h.Region) {
				unreachable = append(unreachable, h.Region)
			}
			continue
		}
		if filters.allow(paramFilterID, h.ID) && filters.allow(paramFilterName, h.Name) && filters.allow(paramFilterExtension, h.Type) {
			data = append(data, toHubResource(j.base, h))
		}
	}
	doc := j.document("/project/v1/hubs", data)
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
	writeDocument(w, doc)
}

// getHub serves GET /project/v1/hubs/{hub_id}.
func (e *Emulator) getHub(w http.ResponseWriter, c *call) {
	h, ok := e.dmHub(w, c)
	if !ok {
		return
	}
	j := jsonAPIOf(c)
	writeDocument(w, j.document(hubPath(h.ID), toHubResource(j.base, h)))
}

// listProjects serves GET /project/v1/hubs/{hub_id}/projects. As on DM,
// the page is cut before the filters apply, so a page may hold fewer than
// page[limit] projects (even none) while links.next still exists.
func (e *Emulator) listProjects(w http.ResponseWriter, c *call) {
	h, ok := e.dmHub(w, c)
	if !ok {
		return
	}
	qr := newQueryReader(c)
	number, limit := qr.page()
	if !qr.valid(w, writeBadInput) {
		return
	}
	j := jsonAPIOf(c)
	filters := parseFilters(j.q, paramFilterID, paramFilterExtension)
	e.mu.Lock()
	all := e.projectsLocked(h.ID)
	e.mu.Unlock()
	page, more := pageOf(all, number, limit)
	data := make([]projectResource, 0, len(page))
	for _, p := range page {
		if filters.allow(paramFilterID, p.ID) && filters.allow(paramFilterExtension, p.Type) {
			data = append(data, toProjectResource(j.base, p))
		}
	}
	writeDocument(w, j.page(hubPath(h.ID)+"/projects", number, more, data))
}

// getProject serves GET /project/v1/hubs/{hub_id}/projects/{project_id}.
func (e *Emulator) getProject(w http.ResponseWriter, c *call) {
	h, p, ok := e.dmProject(w, c)
	if !ok {
		return
	}
	j := jsonAPIOf(c)
	writeDocument(w, j.document(projectPath(h.ID, p.ID), toProjectResource(j.base, p)))
}

// dmHub resolves the path's hub for the caller, answering itself otherwise:
// 404 for an unknown hub or one the caller cannot see, 403 with the
// BIM360DM_ERROR of the hub listing for an unreachable one.
func (e *Emulator) dmHub(w http.ResponseWriter, c *call) (Hub, bool) {
	h, ok := e.hub(c.param("hub_id"))
	if !ok || !e.seesHub(c.token, h.ID) {
		writeDMNotFound(w)
		return Hub{}, false
	}
	return h, reachable(w, h)
}

// reachable answers 403 with the BIM360DM_ERROR of the hub listing for a
// hub whose region the caller cannot reach, and reports whether h is
// reachable.
func reachable(w http.ResponseWriter, h Hub) bool {
	if h.Unreachable {
		writeDMError(w, http.StatusForbidden, dmCodeBIM360, unreachableTitle(h.Region), dmDetailNoPermission)
		return false
	}
	return true
}

// dmProject resolves the call's hub (as dmHub) and the project in it,
// answering 404 itself when the project is not there.
func (e *Emulator) dmProject(w http.ResponseWriter, c *call) (Hub, Project, bool) {
	h, ok := e.dmHub(w, c)
	if !ok {
		return Hub{}, Project{}, false
	}
	p, ok := e.project(h.ID, c.param("project_id"))
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

// page reads page[number] (0-based, default 0) and page[limit] (1..200,
// default 200). A present but empty or non-integer value is invalid.
func (qr *queryReader) page() (number, limit int) {
	number = qr.intParam(paramPageNumber, 0, 0, math.MaxInt, dmDetailPageNumber)
	limit = qr.intParam(paramPageLimit, dmDefaultPageLimit, 1, dmMaxPageLimit, dmDetailPageLimit)
	return number, limit
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
		if vals := listValues(q, name); vals != nil {
			f[name] = vals
		}
	}
	return f
}

// allow reports whether value passes the named filter (absent filters pass).
func (f dmFilters) allow(name, value string) bool {
	vals, ok := f[name]
	return !ok || slices.Contains(vals, value)
}
