package apsemu

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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
	issuesDetailMethod      = "Only GET is supported on this resource."
)

// issuesError is the body of the emulator's Issues 4xx answers. The spec
// declares none; {"title", "detail"} with the HTTP reason phrase as title
// is the emulator's own, unverified choice (the SSA management shape).
type issuesError struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// issuesPagination is the pagination member of every Issues list.
type issuesPagination struct {
	Limit        int `json:"limit"`
	Offset       int `json:"offset"`
	TotalResults int `json:"totalResults"`
}

// issuesPage is an Issues list body.
type issuesPage[T any] struct {
	Pagination issuesPagination `json:"pagination"`
	Results    []T              `json:"results"`
}

// issuesCall is a matched Issues request: the endpoint, the decoded path
// parameters and, once resolved, the project.
type issuesCall struct {
	handle    func(e *Emulator, w http.ResponseWriter, r *http.Request, call issuesCall)
	projectID string // ACC project ID, no "b."
	issueID   string
}

// serveIssues handles everything under /construction/ in gateway order
// (token, route, method, scope) and then as the Issues service: user
// context, x-ads-region, project.
func (e *Emulator) serveIssues(w http.ResponseWriter, r *http.Request) {
	info, ok := e.authenticateBearer(w, r)
	if !ok {
		return
	}
	segs, err := splitPath(r.URL.EscapedPath())
	if err != nil {
		writeIssuesError(w, http.StatusBadRequest, issuesDetailBadPath)
		return
	}
	call, ok := matchIssuesRoute(segs)
	if !ok {
		writeIssuesError(w, http.StatusNotFound, issuesDetailNotFound)
		return
	}
	if r.Method != http.MethodGet {
		setAllow(w, http.MethodGet)
		writeIssuesError(w, http.StatusMethodNotAllowed, issuesDetailMethod)
		return
	}
	if !requireScope(w, info, scopeDataRead) {
		return
	}
	// The docs require user context although the spec lists 2LO (NOTES §8).
	if info.userID == "" {
		writeIssuesError(w, http.StatusForbidden, dmDetailUserContextNeeded)
		return
	}
	region, hasRegion := "", false
	if vals := r.Header.Values(headerADSRegion); len(vals) > 0 {
		region, hasRegion = vals[0], true
		if !isIssuesRegion(region) {
			writeIssuesError(w, http.StatusBadRequest, issuesDetailRegion)
			return
		}
	}
	_, hub, ok := e.issuesProject(info, call.projectID)
	if !ok {
		detail := issuesDetailNoProject
		if rest, prefixed := strings.CutPrefix(call.projectID, bim360AccountPrefix); prefixed {
			if _, _, exists := e.issuesProject(info, rest); exists {
				detail = issuesDetailBPrefix
			}
		}
		writeIssuesError(w, http.StatusNotFound, detail)
		return
	}
	// A request routed to another region's data centre does not find the
	// project there (the emulator's reading; unverified).
	if hasRegion && region != hub.Region {
		writeIssuesError(w, http.StatusNotFound, issuesDetailWrongRegion)
		return
	}
	call.handle(e, w, r, call)
}

// matchIssuesRoute finds the endpoint for decoded segments ("construction",
// "issues", "v1", "projects", {projectId}, ...). Empty IDs match nothing.
func matchIssuesRoute(segs []string) (issuesCall, bool) {
	if len(segs) < 6 || segs[0] != "construction" || segs[1] != "issues" || segs[2] != "v1" || segs[3] != "projects" || segs[4] == "" {
		return issuesCall{}, false
	}
	call := issuesCall{projectID: segs[4]}
	rest := segs[5:]
	switch {
	case len(rest) == 1 && rest[0] == "issues":
		call.handle = (*Emulator).listIssues
	case len(rest) == 1 && rest[0] == "issue-types":
		call.handle = (*Emulator).listIssueTypes
	case len(rest) == 1 && rest[0] == "issue-root-cause-categories":
		call.handle = (*Emulator).listRootCauseCategories
	case len(rest) == 2 && rest[0] == "issues" && rest[1] != "":
		call.handle, call.issueID = (*Emulator).getIssue, rest[1]
	case len(rest) == 3 && rest[0] == "issues" && rest[1] != "" && rest[2] == "comments":
		call.handle, call.issueID = (*Emulator).listComments, rest[1]
	default:
		return issuesCall{}, false
	}
	return call, true
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
func (e *Emulator) listIssues(w http.ResponseWriter, r *http.Request, call issuesCall) {
	q := r.URL.Query()
	limit, offset, detail := parseOffsetPage(q)
	if detail != "" {
		writeIssuesError(w, http.StatusBadRequest, detail)
		return
	}
	keep, detail := parseIssueFilters(q)
	if detail != "" {
		writeIssuesError(w, http.StatusBadRequest, detail)
		return
	}
	order, detail := parseIssueSort(q, catalogueTitles(call.projectID))
	if detail != "" {
		writeIssuesError(w, http.StatusBadRequest, detail)
		return
	}
	e.mu.Lock()
	stored := e.issues[call.projectID]
	matched := make([]issueJSON, 0, len(stored))
	for _, is := range stored {
		if keep(is) {
			matched = append(matched, is)
		}
	}
	e.mu.Unlock()
	slices.SortStableFunc(matched, order)
	writeIssuesPage(w, limit, offset, matched)
}

// getIssue serves GET .../issues/{issueId}.
func (e *Emulator) getIssue(w http.ResponseWriter, _ *http.Request, call issuesCall) {
	is, ok := e.issue(call.projectID, call.issueID)
	if !ok {
		writeIssuesError(w, http.StatusNotFound, issuesDetailNoIssue)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, is)
}

// listComments serves GET .../issues/{issueId}/comments, oldest first
// unless sortBy says otherwise.
func (e *Emulator) listComments(w http.ResponseWriter, r *http.Request, call issuesCall) {
	q := r.URL.Query()
	limit, offset, detail := parseOffsetPage(q)
	if detail != "" {
		writeIssuesError(w, http.StatusBadRequest, detail)
		return
	}
	order, detail := parseSortBy(q, "createdAt", commentSortKey)
	if detail != "" {
		writeIssuesError(w, http.StatusBadRequest, detail)
		return
	}
	if _, ok := e.issue(call.projectID, call.issueID); !ok {
		writeIssuesError(w, http.StatusNotFound, issuesDetailNoIssue)
		return
	}
	e.mu.Lock()
	comments := slices.Clone(e.comments[call.issueID])
	e.mu.Unlock()
	slices.SortStableFunc(comments, order)
	writeIssuesPage(w, limit, offset, comments)
}

// listIssueTypes serves GET .../issue-types; include=subtypes adds each
// type's subtypes and filter[isActive] keeps types by their own flag.
func (e *Emulator) listIssueTypes(w http.ResponseWriter, r *http.Request, call issuesCall) {
	q := r.URL.Query()
	limit, offset, detail := parseOffsetPage(q)
	if detail != "" {
		writeIssuesError(w, http.StatusBadRequest, detail)
		return
	}
	active, detail := parseBoolFilter(q, paramIsActive)
	if detail != "" {
		writeIssuesError(w, http.StatusBadRequest, detail)
		return
	}
	withSubtypes := includes(q, "subtypes")
	var out []issueTypeJSON
	for _, t := range issueTypesFor(call.projectID) {
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
func (e *Emulator) listRootCauseCategories(w http.ResponseWriter, r *http.Request, call issuesCall) {
	q := r.URL.Query()
	limit, offset, detail := parseOffsetPage(q)
	if detail != "" {
		writeIssuesError(w, http.StatusBadRequest, detail)
		return
	}
	withCauses := includes(q, "rootcauses")
	cats := rootCauseCategoriesFor(call.projectID)
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
	page := []T{}
	if offset < len(items) {
		page = items[offset:min(offset+limit, len(items))]
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, issuesPage[T]{
		Pagination: issuesPagination{Limit: limit, Offset: offset, TotalResults: len(items)},
		Results:    page,
	})
}

// writeIssuesError sends an Issues error body titled with the reason phrase.
func writeIssuesError(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, contentTypeJSON, issuesError{Title: http.StatusText(status), Detail: detail})
}

// parseOffsetPage reads limit (1..100, default 100) and offset (≥ 0,
// default 0). A present but empty or non-integer value is invalid. detail
// is the 400 text, empty when both are valid.
func parseOffsetPage(q url.Values) (limit, offset int, detail string) {
	limit = issuesDefaultLimit
	if q.Has(paramLimit) {
		n, err := strconv.Atoi(q.Get(paramLimit))
		if err != nil || n < 1 || n > issuesMaxLimit {
			return 0, 0, issuesDetailLimit
		}
		limit = n
	}
	if q.Has(paramOffset) {
		n, err := strconv.Atoi(q.Get(paramOffset))
		if err != nil || n < 0 {
			return 0, 0, issuesDetailOffset
		}
		offset = n
	}
	return limit, offset, ""
}

// listValues gathers a parameter's comma-separated values over all its
// occurrences; nil when the parameter is absent.
func listValues(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}

// includes reports whether the include parameter names what.
func includes(q url.Values, what string) bool {
	return slices.Contains(listValues(q, paramInclude), what)
}

// parseBoolFilter reads a true/false filter; nil when absent.
func parseBoolFilter(q url.Values, name string) (*bool, string) {
	if !q.Has(name) {
		return nil, ""
	}
	v := q.Get(name)
	if v != "true" && v != "false" {
		return nil, "The " + name + " parameter must be true or false."
	}
	b := v == "true"
	return &b, ""
}

// issueFieldFilter is an exact-match filter on one string member; a null
// member matches no value.
type issueFieldFilter struct {
	name string
	get  func(is *issueJSON) *string
}

// issueFieldFilters are the exact-match filters the emulator implements.
// Date filters, filter[linkedDocumentUrn], filter[subLocationId],
// filter[customAttributes][...] and filter[valid] are ignored.
func issueFieldFilters() []issueFieldFilter {
	return []issueFieldFilter{
		{"filter[id]", func(is *issueJSON) *string { return &is.ID }},
		{"filter[issueTypeId]", func(is *issueJSON) *string { return &is.IssueTypeID }},
		{"filter[issueSubtypeId]", func(is *issueJSON) *string { return &is.IssueSubtypeID }},
		{"filter[assignedTo]", func(is *issueJSON) *string { return is.AssignedTo }},
		{"filter[rootCauseId]", func(is *issueJSON) *string { return is.RootCauseID }},
		{"filter[locationId]", func(is *issueJSON) *string { return is.LocationID }},
		{"filter[createdBy]", func(is *issueJSON) *string { return &is.CreatedBy }},
		{"filter[updatedBy]", func(is *issueJSON) *string { return &is.UpdatedBy }},
		{"filter[closedBy]", func(is *issueJSON) *string { return is.ClosedBy }},
	}
}

// parseIssueFilters turns the filter parameters into one predicate (all
// filters must pass; any of a filter's comma-separated values may match).
// Unknown statuses, assignee types and non-integer display IDs are 400s.
// filter[search] matches a case-insensitive substring of the title or the
// exact display ID; filter[deleted]=true keeps only deleted issues, of
// which the emulator has none.
func parseIssueFilters(q url.Values) (func(issueJSON) bool, string) {
	var preds []func(is *issueJSON) bool
	for _, f := range issueFieldFilters() {
		if vals := listValues(q, f.name); vals != nil {
			preds = append(preds, func(is *issueJSON) bool {
				v := f.get(is)
				return v != nil && slices.Contains(vals, *v)
			})
		}
	}
	if statuses := listValues(q, paramStatus); statuses != nil {
		for _, s := range statuses {
			if !isIssueStatus(s) {
				return nil, "The filter[status] value " + strconv.Quote(s) + " is not a valid status: use draft, open, pending, " +
					"in_progress, in_review, completed, not_approved, in_dispute or closed."
			}
		}
		preds = append(preds, func(is *issueJSON) bool { return slices.Contains(statuses, is.Status) })
	}
	if types := listValues(q, paramAssigneeTy); types != nil {
		for _, t := range types {
			if t != "user" && t != "company" && t != "role" && t != "null" {
				return nil, "The filter[assignedToType] value " + strconv.Quote(t) + " is not one of user, company, role or null."
			}
		}
		preds = append(preds, func(is *issueJSON) bool {
			if is.AssignedToType == nil {
				return slices.Contains(types, "null")
			}
			return slices.Contains(types, *is.AssignedToType)
		})
	}
	if raw := listValues(q, paramDisplayID); raw != nil {
		var ids []int
		for _, s := range raw {
			n, err := strconv.Atoi(s)
			if err != nil {
				return nil, "The filter[displayId] value " + strconv.Quote(s) + " is not an integer."
			}
			ids = append(ids, n)
		}
		preds = append(preds, func(is *issueJSON) bool { return slices.Contains(ids, is.DisplayID) })
	}
	if q.Has(paramSearch) {
		term := strings.ToLower(q.Get(paramSearch))
		preds = append(preds, func(is *issueJSON) bool {
			return strings.Contains(strings.ToLower(is.Title), term) || strconv.Itoa(is.DisplayID) == term
		})
	}
	deleted, detail := parseBoolFilter(q, paramDeleted)
	if detail != "" {
		return nil, detail
	}
	if deleted != nil {
		preds = append(preds, func(is *issueJSON) bool { return is.Deleted == *deleted })
	} else {
		preds = append(preds, func(is *issueJSON) bool { return !is.Deleted })
	}
	return func(is issueJSON) bool {
		for _, p := range preds {
			if !p(&is) {
				return false
			}
		}
		return true
	}, ""
}

// catalogueTitles maps a project's issue type and subtype IDs to their
// titles, for sortBy=issueType and issueSubType.
func catalogueTitles(projectID string) map[string]string {
	titles := map[string]string{}
	for _, t := range issueTypesFor(projectID) {
		titles[t.ID] = t.Title
		for _, s := range t.Subtypes {
			titles[s.ID] = s.Title
		}
	}
	return titles
}

// parseIssueSort reads sortBy for issues; ties (and the default) go by
// displayId ascending.
func parseIssueSort(q url.Values, titles map[string]string) (func(a, b issueJSON) int, string) {
	return parseSortBy(q, "displayId", func(key string) (func(a, b issueJSON) int, bool) {
		return issueSortKey(key, titles)
	}, func(a, b issueJSON) int { return cmp.Compare(a.DisplayID, b.DisplayID) })
}

// parseSortBy reads sortBy: comma-separated keys, each optionally prefixed
// with "-" for descending, applied in turn. def is the order without
// sortBy; tiebreak, if any, settles what the keys leave equal. Unknown or
// empty keys are 400s.
func parseSortBy[T any](q url.Values, def string, key func(string) (func(a, b T) int, bool), tiebreak ...func(a, b T) int) (func(a, b T) int, string) {
	names := listValues(q, paramSortBy)
	if names == nil {
		names = []string{def}
	}
	var cmps []func(a, b T) int
	for _, name := range names {
		field, desc := strings.CutPrefix(name, "-")
		c, ok := key(field)
		if !ok {
			return nil, "The sortBy value " + strconv.Quote(name) + " is not a field this list can be sorted by."
		}
		if desc {
			asc := c
			c = func(a, b T) int { return -asc(a, b) }
		}
		cmps = append(cmps, c)
	}
	cmps = append(cmps, tiebreak...)
	return func(a, b T) int {
		for _, c := range cmps {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return 0
	}, ""
}

// issueSortKey compares issues by one sortBy field, ascending: text
// case-insensitively (then byte-wise), timestamps and dates as their ISO
// strings, nulls after every value (so first when descending), false
// before true. customAttributes is accepted and leaves the order alone.
func issueSortKey(field string, titles map[string]string) (func(a, b issueJSON) int, bool) {
	text := func(get func(is issueJSON) string) func(a, b issueJSON) int {
		return func(a, b issueJSON) int { return compareText(get(a), get(b)) }
	}
	nullable := func(get func(is issueJSON) *string) func(a, b issueJSON) int {
		return func(a, b issueJSON) int { return compareNullable(get(a), get(b)) }
	}
	switch field {
	case "displayId":
		return func(a, b issueJSON) int { return cmp.Compare(a.DisplayID, b.DisplayID) }, true
	case "createdAt":
		return text(func(is issueJSON) string { return is.CreatedAt }), true
	case "updatedAt":
		return text(func(is issueJSON) string { return is.UpdatedAt }), true
	case "createdBy":
		return text(func(is issueJSON) string { return is.CreatedBy }), true
	case "title":
		return text(func(is issueJSON) string { return is.Title }), true
	case "description":
		return text(func(is issueJSON) string { return is.Description }), true
	case "status":
		return text(func(is issueJSON) string { return is.Status }), true
	case "issueType":
		return text(func(is issueJSON) string { return titles[is.IssueTypeID] }), true
	case "issueSubType":
		return text(func(is issueJSON) string { return titles[is.IssueSubtypeID] }), true
	case "assignedTo":
		return nullable(func(is issueJSON) *string { return is.AssignedTo }), true
	case "assignedToType":
		return nullable(func(is issueJSON) *string { return is.AssignedToType }), true
	case "dueDate":
		return nullable(func(is issueJSON) *string { return is.DueDate }), true
	case "startDate":
		return nullable(func(is issueJSON) *string { return is.StartDate }), true
	case "locationDetails":
		return nullable(func(is issueJSON) *string { return is.LocationDetails }), true
	case "closedBy":
		return nullable(func(is issueJSON) *string { return is.ClosedBy }), true
	case "closedAt":
		return nullable(func(is issueJSON) *string { return is.ClosedAt }), true
	case "published":
		return func(a, b issueJSON) int { return cmp.Compare(boolRank(a.Published), boolRank(b.Published)) }, true
	case "customAttributes":
		return func(issueJSON, issueJSON) int { return 0 }, true
	}
	return nil, false
}

// commentSortKey compares comments by one sortBy field, ascending.
func commentSortKey(field string) (func(a, b commentJSON) int, bool) {
	switch field {
	case "createdAt":
		return func(a, b commentJSON) int { return compareText(a.CreatedAt, b.CreatedAt) }, true
	case "updatedAt":
		return func(a, b commentJSON) int { return compareText(a.UpdatedAt, b.UpdatedAt) }, true
	case "createdBy":
		return func(a, b commentJSON) int { return compareText(a.CreatedBy, b.CreatedBy) }, true
	}
	return nil, false
}

// compareText orders case-insensitively, then byte-wise.
func compareText(a, b string) int {
	return cmp.Or(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
}

// compareNullable orders like compareText with nulls after every value.
func compareNullable(a, b *string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return compareText(*a, *b)
}

// boolRank orders false before true.
func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
