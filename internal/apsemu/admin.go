package apsemu

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// adminPathPrefix starts the ACC Account Admin API, which the emulator
// serves beside Issues under /construction/.
const adminPathPrefix = "/construction/admin/"

// Offset pagination bounds of GET projects/{projectId}/users
// (accountadmin.yaml: limit 1-200, default 20).
const (
	adminDefaultLimit = 20
	adminMaxLimit     = 200
)

// Account Admin query parameters.
const (
	paramUserName      = "filter[name]"
	paramUserEmail     = "filter[email]"
	paramUserCompany   = "filter[companyName]"
	paramUserStatus    = "filter[status]"
	paramUserAccess    = "filter[accessLevels]"
	paramTextMatch     = "filterTextMatch"
	paramUserSort      = "sort"
	userStatusActive   = "active"
	userStatusPending  = "pending"
	userStatusDeleted  = "deleted"
	scopeAccountRead   = "account:read"
	adminDetailLimit   = "The limit parameter must be an integer between 1 and 200."
	adminDetailProject = "The project could not be found."
)

// adminAPI is the ACC Account Admin API: the project users list, GET with
// account:read and, as the emulator's other ACC APIs, a user (the spec
// also lists 2LO, which the emulator does not model here).
func adminAPI() api {
	return api{paths: []string{adminPathPrefix}, bearer: true, errs: issuesErrors(), routes: []route{
		{http.MethodGet, "/construction/admin/v1/projects/{projectId}/users", []string{scopeAccountRead}, (*Emulator).listProjectUsers},
	}}
}

// adminPage is the body of an Account Admin list: its pagination member
// carries links to the next and previous pages besides the offsets.
type adminPage[T any] struct {
	Pagination adminPagination `json:"pagination"`
	Results    []T             `json:"results"`
}

type adminPagination struct {
	Limit        int    `json:"limit"`
	Offset       int    `json:"offset"`
	TotalResults int    `json:"totalResults"`
	NextURL      string `json:"nextUrl,omitempty"`
	PreviousURL  string `json:"previousUrl,omitempty"`
}

// listProjectUsers serves GET .../projects/{projectId}/users: the members
// of a BIM 360 or ACC project the caller sees, filtered, sorted, then cut
// to the page.
func (e *Emulator) listProjectUsers(w http.ResponseWriter, c *call) {
	id := c.param("projectId")
	p, h, ok := e.findProject(bim360AccountPrefix + id)
	if !ok || p.Type != projectTypeBIM360 || h.Unreachable || !e.seesHub(c.token, h.ID) {
		detail := adminDetailProject
		if strings.HasPrefix(id, bim360AccountPrefix) {
			detail = issuesDetailBPrefix
		}
		writeIssuesError(w, http.StatusNotFound, detail)
		return
	}
	qr := newQueryReader(c)
	limit := qr.intParam(paramLimit, adminDefaultLimit, 1, adminMaxLimit, adminDetailLimit)
	offset := qr.intParam(paramOffset, 0, 0, math.MaxInt, issuesDetailOffset)
	keep := qr.projectUserFilters()
	order := qr.projectUserSort()
	if !qr.valid(w, writeIssuesBadRequest) {
		return
	}
	var matched []projectUserJSON
	for _, u := range e.projectUsers(p, h) {
		if keep(&u) {
			matched = append(matched, u)
		}
	}
	slices.SortStableFunc(matched, order)
	writeLinkedPage(w, c, limit, offset, matched)
}

// writeLinkedPage sends items[offset:offset+limit] with a pagination
// member that links to the next and previous pages, as Account Admin and
// Submittals lists do; results is [] (never null) past the end.
func writeLinkedPage[T any](w http.ResponseWriter, c *call, limit, offset int, items []T) {
	page := []T{}
	if offset < len(items) {
		page = items[offset:min(offset+limit, len(items))]
	}
	pg := adminPagination{Limit: limit, Offset: offset, TotalResults: len(items)}
	link := func(at int) string {
		q := c.query()
		q.Set(paramOffset, strconv.Itoa(at))
		q.Set(paramLimit, strconv.Itoa(limit))
		return c.base() + c.r.URL.EscapedPath() + "?" + q.Encode()
	}
	if offset+limit < len(items) {
		pg.NextURL = link(offset + limit)
	}
	if offset > 0 {
		pg.PreviousURL = link(max(offset-limit, 0))
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, adminPage[T]{Pagination: pg, Results: page})
}

// projectUserFilters reads the filters the emulator implements: text
// filters on name, email and company name (filterTextMatch contains, the
// default, startsWith, endsWith or equals; case-insensitive), statuses
// (default active and pending), access levels (any of them), and exact
// company, role and user IDs. fields, orFilters and filter[products] are
// accepted and ignored.
func (qr *queryReader) projectUserFilters() func(u *projectUserJSON) bool {
	match := qr.textMatch()
	statuses := qr.enumList(paramUserStatus, []string{userStatusActive, userStatusPending, userStatusDeleted})
	if statuses == nil {
		statuses = []string{userStatusActive, userStatusPending}
	}
	access := qr.enumList(paramUserAccess, []string{"accountAdmin", "projectAdmin", "executive"})
	texts := map[string]func(u *projectUserJSON) string{
		paramUserName:    func(u *projectUserJSON) string { return u.Name },
		paramUserEmail:   func(u *projectUserJSON) string { return u.Email },
		paramUserCompany: func(u *projectUserJSON) string { return u.CompanyName },
	}
	exact := map[string]func(u *projectUserJSON) []string{
		"filter[companyId]":  func(u *projectUserJSON) []string { return []string{u.CompanyID} },
		"filter[roleId]":     func(u *projectUserJSON) []string { return u.RoleIDs },
		"filter[roleIds]":    func(u *projectUserJSON) []string { return u.RoleIDs },
		"filter[autodeskId]": func(u *projectUserJSON) []string { return []string{u.AutodeskID} },
		"filter[id]":         func(u *projectUserJSON) []string { return []string{u.ID} },
	}
	q := qr.q
	return func(u *projectUserJSON) bool {
		if !slices.Contains(statuses, u.Status) || (access != nil && !u.AccessLevels.any(access)) {
			return false
		}
		for name, get := range texts {
			if q.Has(name) && !match(get(u), q.Get(name)) {
				return false
			}
		}
		for name, get := range exact {
			if want := listValues(q, name); want != nil && !slices.ContainsFunc(get(u), func(v string) bool { return slices.Contains(want, v) }) {
				return false
			}
		}
		return true
	}
}

// textMatch reads filterTextMatch.
func (qr *queryReader) textMatch() func(value, pattern string) bool {
	how := qr.q.Get(paramTextMatch)
	match := map[string]func(s, p string) bool{
		"": strings.Contains, "contains": strings.Contains, "startsWith": strings.HasPrefix,
		"endsWith": strings.HasSuffix, "equals": func(s, p string) bool { return s == p },
	}[how]
	if match == nil {
		qr.fail("The filterTextMatch parameter must be one of contains, startsWith, endsWith, equals.")
		return nil
	}
	return func(value, pattern string) bool { return match(strings.ToLower(value), strings.ToLower(pattern)) }
}

// enumList reads a comma-separated list of allowed values; nil when the
// parameter is absent.
func (qr *queryReader) enumList(name string, allowed []string) []string {
	vals := listValues(qr.q, name)
	for _, v := range vals {
		if !slices.Contains(allowed, v) {
			qr.fail("The " + name + " value " + strconv.Quote(v) + " is not one of " + strings.Join(allowed, ", ") + ".")
		}
	}
	return vals
}

// projectUserSort reads sort: comma-separated "<field> asc|desc" of the
// spec's enum; the emulator orders by name, email, firstName, lastName,
// companyName, status and addedOn, takes the spec's other fields without
// effect, and breaks ties by ID. Default: name ascending (APS's default is
// unverified).
func (qr *queryReader) projectUserSort() func(a, b projectUserJSON) int {
	keys := map[string]func(u projectUserJSON) string{
		"name": func(u projectUserJSON) string { return strings.ToLower(u.Name) }, "email": func(u projectUserJSON) string { return u.Email },
		"firstName": func(u projectUserJSON) string { return u.FirstName }, "lastName": func(u projectUserJSON) string { return u.LastName },
		"companyName": func(u projectUserJSON) string { return u.CompanyName }, "status": func(u projectUserJSON) string { return u.Status },
		"addedOn": func(u projectUserJSON) string { return u.AddedOn },
	}
	inert := []string{"addressLine1", "addressLine2", "city", "stateOrProvince", "phone", "postalCode", "country"}
	specs := listValues(qr.q, paramUserSort)
	if specs == nil {
		specs = []string{"name asc"}
	}
	var cmps []func(a, b projectUserJSON) int
	for _, s := range specs {
		field, dir, _ := strings.Cut(strings.TrimSpace(s), " ")
		key, known := keys[field]
		if (!known && !slices.Contains(inert, field)) || (dir != "asc" && dir != "desc") {
			qr.fail("The sort value " + strconv.Quote(s) + " is not a field and direction this list can be sorted by.")
			return nil
		}
		if !known {
			continue
		}
		sign := 1
		if dir == "desc" {
			sign = -1
		}
		cmps = append(cmps, func(a, b projectUserJSON) int { return sign * strings.Compare(key(a), key(b)) })
	}
	return inTurn(append(cmps, func(a, b projectUserJSON) int { return strings.Compare(a.ID, b.ID) }))
}
