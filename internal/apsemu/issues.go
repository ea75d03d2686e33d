package apsemu

import (
	"net/http"
	"slices"
	"strings"
)

// issuesPathPrefix starts every construction API path; the emulator
// implements ACC Issues v1 below it.
const issuesPathPrefix = "/construction/"

// Offset pagination bounds of ACC Issues (NOTES §7). The spec documents
// them for GET issues; the emulator applies them to every Issues list.
const (
	issuesDefaultLimit = 100
	issuesMaxLimit     = 100
)

// Issues query parameters and header.
const (
	paramLimit      = "limit"
	paramOffset     = "offset"
	paramSortBy     = "sortBy"
	paramInclude    = "include"
	paramSearch     = "filter[search]"
	paramStatus     = "filter[status]"
	paramDisplayID  = "filter[displayId]"
	paramAssigneeTy = "filter[assignedToType]"
	paramDeleted    = "filter[deleted]"
	paramIsActive   = "filter[isActive]"
	headerADSRegion = "x-ads-region"
)

// Issues error texts, all the emulator's own (the spec declares no bodies).
const (
	issuesDetailLimit       = "The limit parameter must be an integer between 1 and 100."
	issuesDetailOffset      = "The offset parameter must be a non-negative integer."
	issuesDetailRegion      = "The x-ads-region header must be one of US, EMEA, AUS, CAN, DEU, IND, JPN, GBR."
	issuesDetailNotFound    = "The requested resource could not be found."
	issuesDetailNoProject   = "The project could not be found."
	issuesDetailBPrefix     = "The project could not be found. ACC project IDs have no \"b.\" prefix: use the Data Management project ID without it."
	issuesDetailWrongRegion = "The project could not be found in the region the x-ads-region header names."
	issuesDetailNoIssue     = "The issue could not be found."
	issuesDetailBadPath     = "The request path is not validly percent-encoded."
	issuesDetailMethod      = "The method is not allowed on this resource; the Allow header lists the methods that are."
)

// issuesError is the body of the emulator's Issues 4xx answers. The spec
// declares none; {"title", "detail"} with the HTTP reason phrase as title
// is the emulator's own, unverified choice (the SSA management shape).
type issuesError struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// offsetPagination is the pagination member of every Issues list and of
// Model Derivative's properties:query.
type offsetPagination struct {
	Limit        int `json:"limit"`
	Offset       int `json:"offset"`
	TotalResults int `json:"totalResults"`
}

// issuesPage is an Issues list body.
type issuesPage[T any] struct {
	Pagination offsetPagination `json:"pagination"`
	Results    []T              `json:"results"`
}

// issuesErrors are the Issues service's answers for requests no handler
// serves. The docs require user context although the spec lists 2LO
// (NOTES §8).
func issuesErrors() apiErrors {
	return apiErrors{
		badPath:  answer(writeIssuesError, http.StatusBadRequest, issuesDetailBadPath),
		notFound: answer(writeIssuesError, http.StatusNotFound, issuesDetailNotFound),
		method:   answer(writeIssuesError, http.StatusMethodNotAllowed, issuesDetailMethod),
		appOnly:  answer(writeIssuesError, http.StatusForbidden, dmDetailUserContextNeeded),
	}
}

// withIssuesProject checks, as the Issues service does before any
// endpoint, the x-ads-region header and that the caller sees the
// {projectId} there; then h serves the request.
func withIssuesProject(h handler) handler {
	return func(e *Emulator, w http.ResponseWriter, c *call) {
		if e.issuesProjectFound(w, c) {
			h(e, w, c)
		}
	}
}

// issuesProjectFound resolves the call's project, answering 400 for a bad
// region header and 404 for a project the caller does not see (in the
// region the header names) itself.
func (e *Emulator) issuesProjectFound(w http.ResponseWriter, c *call) bool {
	region, hasRegion := "", false
	if vals := c.r.Header.Values(headerADSRegion); len(vals) > 0 {
		region, hasRegion = vals[0], true
		if !isIssuesRegion(region) {
			writeIssuesError(w, http.StatusBadRequest, issuesDetailRegion)
			return false
		}
	}
	id := c.param("projectId")
	_, hub, ok := e.issuesProject(c.token, id)
	if !ok {
		detail := issuesDetailNoProject
		if rest, prefixed := strings.CutPrefix(id, bim360AccountPrefix); prefixed {
			if _, _, exists := e.issuesProject(c.token, rest); exists {
				detail = issuesDetailBPrefix
			}
		}
		writeIssuesError(w, http.StatusNotFound, detail)
		return false
	}
	// A request routed to another region's data centre does not find the
	// project there (the emulator's reading; unverified).
	if hasRegion && region != hub.Region {
		writeIssuesError(w, http.StatusNotFound, issuesDetailWrongRegion)
		return false
	}
	return true
}

// isIssuesRegion reports whether s is in Issues.yaml's region enum
// (case-sensitive, as the enum is).
func isIssuesRegion(s string) bool {
	switch s {
	case "US", "EMEA", "AUS", "CAN", "DEU", "IND", "JPN", "GBR":
		return true
	}
	return false
}

// listIssues serves GET .../issues: filter, sort, then cut the page;
// totalResults counts every issue passing the filters.
func (e *Emulator) listIssues(w http.ResponseWriter, c *call) {
	projectID := c.param("projectId")
	qr := newQueryReader(c)
	limit, offset := qr.offsetPage()
	keep := qr.issueFilters()
	order := qr.issueSort(catalogueTitles(projectID))
	if !qr.valid(w, writeIssuesBadRequest) {
		return
	}
	// The issues are filtered and sorted in place, by pointer, and only
	// the page is copied out: copying every issue of a large project for
	// each page made the emulator, not APS's latency, what a listing of
	// concurrent pages waited for.
	e.mu.Lock()
	stored := e.issues[projectID]
	matched := make([]*issueJSON, 0, len(stored))
	for i := range stored {
		if keep(&stored[i]) {
			matched = append(matched, &stored[i])
		}
	}
	slices.SortStableFunc(matched, order)
	n := pageLen(len(matched), limit, offset)
	page := make([]issueJSON, n)
	for i, is := range matched[min(offset, len(matched)):][:n] {
		page[i] = *is
	}
	e.mu.Unlock()
	writeOffsetPage(w, limit, offset, len(matched), page)
}

// getIssue serves GET .../issues/{issueId}.
func (e *Emulator) getIssue(w http.ResponseWriter, c *call) {
	is, ok := e.issue(c.param("projectId"), c.param("issueId"))
	if !ok {
		writeIssuesError(w, http.StatusNotFound, issuesDetailNoIssue)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, is)
}

// listComments serves GET .../issues/{issueId}/comments, oldest first
// unless sortBy says otherwise.
func (e *Emulator) listComments(w http.ResponseWriter, c *call) {
	qr := newQueryReader(c)
	limit, offset := qr.offsetPage()
	order := sortBy(qr, "createdAt", commentSortKey)
	if !qr.valid(w, writeIssuesBadRequest) {
		return
	}
	issueID := c.param("issueId")
	if _, ok := e.issue(c.param("projectId"), issueID); !ok {
		writeIssuesError(w, http.StatusNotFound, issuesDetailNoIssue)
		return
	}
	e.mu.Lock()
	comments := slices.Clone(e.comments[issueID])
	e.mu.Unlock()
	slices.SortStableFunc(comments, order)
	writeIssuesPage(w, limit, offset, comments)
}

// listIssueTypes serves GET .../issue-types; include=subtypes adds each
// type's subtypes and filter[isActive] keeps types by their own flag.
func (e *Emulator) listIssueTypes(w http.ResponseWriter, c *call) {
	qr := newQueryReader(c)
	limit, offset := qr.offsetPage()
	active := qr.boolFilter(paramIsActive)
	if !qr.valid(w, writeIssuesBadRequest) {
		return
	}
	withSubtypes := includes(qr.q, "subtypes")
	var out []issueTypeJSON
	for _, t := range issueTypesFor(c.param("projectId")) {
		if active != nil && t.IsActive != *active {
			continue
		}
		if !withSubtypes {
			t.Subtypes = nil
		}
		out = append(out, t)
	}
	writeIssuesPage(w, limit, offset, out)
}

// listRootCauseCategories serves GET .../issue-root-cause-categories;
// include=rootcauses adds each category's root causes (Issues.yaml).
func (e *Emulator) listRootCauseCategories(w http.ResponseWriter, c *call) {
	qr := newQueryReader(c)
	limit, offset := qr.offsetPage()
	if !qr.valid(w, writeIssuesBadRequest) {
		return
	}
	withCauses := includes(qr.q, "rootcauses")
	cats := rootCauseCategoriesFor(c.param("projectId"))
	for i := range cats {
		if !withCauses {
			cats[i].RootCauses = nil
		}
	}
	writeIssuesPage(w, limit, offset, cats)
}

// writeIssuesPage sends items[offset:offset+limit] with the pagination
// member; results is [] (never null) past the end.
func writeIssuesPage[T any](w http.ResponseWriter, limit, offset int, items []T) {
	page := items[min(offset, len(items)):][:pageLen(len(items), limit, offset)]
	writeOffsetPage(w, limit, offset, len(items), page)
}

// pageLen is how many of total items the page at offset holds.
func pageLen(total, limit, offset int) int {
	return max(0, min(limit, total-offset))
}

// writeOffsetPage sends page, the items at offset of total, with the
// pagination member; results is [] (never null) when page is empty.
func writeOffsetPage[T any](w http.ResponseWriter, limit, offset, total int, page []T) {
	if page == nil {
		page = []T{}
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, issuesPage[T]{
		Pagination: offsetPagination{Limit: limit, Offset: offset, TotalResults: total},
		Results:    page,
	})
}

// writeIssuesError sends an Issues error body titled with the reason phrase.
func writeIssuesError(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, contentTypeJSON, issuesError{Title: http.StatusText(status), Detail: detail})
}

// writeIssuesBadRequest answers 400 with detail.
func writeIssuesBadRequest(w http.ResponseWriter, detail string) {
	writeIssuesError(w, http.StatusBadRequest, detail)
}
