package apsemu

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// Bounds of search:rfis (rfis-rfi-search-POST): limit 1..200, default 10.
const (
	rfiDefaultLimit = 10
	rfiMaxLimit     = 200
	rfiMaxReference = 20
)

// RFIs error texts, the emulator's own; the bodies take the Issues
// service's {"title", "detail"} shape (an unverified choice, as there).
const (
	rfiDetailBody     = "The request body must be a JSON object of the documented fields."
	rfiDetailLimit    = "limit must be an integer between 1 and 200 and offset a non-negative integer."
	rfiDetailStatus   = "A filter[status] value is not an RFI status."
	rfiDetailSort     = "Each sort rule needs a field (createdAt, updatedAt, dueDate, title, status or priority) and an order (ASC or DESC)."
	rfiDetailNoRFI    = "The RFI could not be found."
	rfiDetailTitle    = "title is required."
	rfiDetailNewState = "A new RFI's status must be draft or submitted."
	rfiDetailField    = "priority must be High, Normal or Low, costImpact and scheduleImpact Yes, No or Unknown, reference at most 20 characters and dueDate an ISO 8601 date."
	rfiDetailText     = "text is required; state must be draft or submitted and status answered or rejected."
	rfiDetailDraft    = "A draft RFI takes no responses; it must be submitted first."
)

// stringList is a filter value: the docs type them as arrays while their
// example sends lone strings, so both are read.
type stringList []string

// UnmarshalJSON reads a string or an array of strings.
func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// rfiSearch is the body of search:rfis. Filters the emulator does not
// apply are accepted and ignored.
type rfiSearch struct {
	Limit  *int   `json:"limit"`
	Offset *int   `json:"offset"`
	Search string `json:"search"`
	Sort   []struct {
		Field string `json:"field"`
		Order string `json:"order"`
	} `json:"sort"`
	Filter struct {
		Status                 stringList      `json:"status"`
		OfficialResponseStatus stringList      `json:"officialResponseStatus"`
		AssignedTo             stringList      `json:"assignedTo"`
		CreatedBy              stringList      `json:"createdBy"`
		Priority               stringList      `json:"priority"`
		ID                     stringList      `json:"id"`
		CostImpact             stringList      `json:"costImpact"`
		ScheduleImpact         stringList      `json:"scheduleImpact"`
		IncludeHidden          *bool           `json:"includeHidden"`
		Locations              json.RawMessage `json:"locations"`
		CreatedAt              json.RawMessage `json:"createdAt"`
		UpdatedAt              json.RawMessage `json:"updatedAt"`
		ClosedAt               json.RawMessage `json:"closedAt"`
		DueDate                json.RawMessage `json:"dueDate"`
		Reference              json.RawMessage `json:"reference"`
		Discipline             json.RawMessage `json:"discipline"`
		Category               json.RawMessage `json:"category"`
		CustomAttributes       json.RawMessage `json:"customAttributes"`
		RFITypeID              json.RawMessage `json:"rfiTypeId"`
	} `json:"filter"`
	Fields json.RawMessage `json:"fields"`
}

// searchRFIs serves POST .../search:rfis: filter, sort (by createdAt when
// no rule is given), then cut the page.
func (e *Emulator) searchRFIs(w http.ResponseWriter, c *call) {
	var q rfiSearch
	if !decodeStrict(w, c.r, &q) {
		writeIssuesBadRequest(w, rfiDetailBody)
		return
	}
	limit, offset := rfiDefaultLimit, 0
	if q.Limit != nil {
		limit = *q.Limit
	}
	if q.Offset != nil {
		offset = *q.Offset
	}
	order, ok := rfiOrder(q)
	switch {
	case limit < 1 || limit > rfiMaxLimit || offset < 0:
		writeIssuesBadRequest(w, rfiDetailLimit)
		return
	case slices.ContainsFunc(q.Filter.Status, func(s string) bool { return !slices.Contains(rfiStatuses(), s) }):
		writeIssuesBadRequest(w, rfiDetailStatus)
		return
	case !ok:
		writeIssuesBadRequest(w, rfiDetailSort)
		return
	}
	e.mu.Lock()
	var matched []rfiJSON
	for _, r := range e.rfis[c.param("projectId")] {
		if rfiMatches(q, r.rfiJSON) {
			matched = append(matched, r.rfiJSON)
		}
	}
	e.mu.Unlock()
	slices.SortStableFunc(matched, order)
	writeIssuesPage(w, limit, offset, matched)
}

// rfiMatches reports whether r passes every filter of q (any of a
// filter's values may match).
func rfiMatches(q rfiSearch, r rfiJSON) bool {
	f := q.Filter
	one := func(vals stringList, v *string) bool {
		return len(vals) == 0 || (v != nil && slices.Contains(vals, *v))
	}
	anyOf := func(vals stringList, got []actor) bool {
		return len(vals) == 0 || slices.ContainsFunc(got, func(a actor) bool { return slices.Contains(vals, a.ID) })
	}
	text := strings.ToLower(q.Search)
	return one(f.Status, &r.Status) && one(f.OfficialResponseStatus, &r.OfficialResponseStatus) &&
		one(f.CreatedBy, &r.CreatedBy) && one(f.Priority, r.Priority) && one(f.ID, &r.ID) &&
		one(f.CostImpact, r.CostImpact) && one(f.ScheduleImpact, r.ScheduleImpact) && anyOf(f.AssignedTo, r.AssignedTo) &&
		(text == "" || strings.Contains(strings.ToLower(r.Title), text) ||
			(r.Question != nil && strings.Contains(strings.ToLower(*r.Question), text)) ||
			strings.Contains(strings.ToLower(r.OfficialResponse), text))
}

// rfiOrder is the order q's sort rules ask for; false when one is unknown.
func rfiOrder(q rfiSearch) (func(a, b rfiJSON) int, bool) {
	key := func(field string) func(r rfiJSON) string {
		deref := func(s *string) string {
			if s == nil {
				return ""
			}
			return *s
		}
		switch field {
		case "createdAt":
			return func(r rfiJSON) string { return r.CreatedAt }
		case "updatedAt":
			return func(r rfiJSON) string { return r.UpdatedAt }
		case "dueDate":
			return func(r rfiJSON) string { return deref(r.DueDate) }
		case "title":
			return func(r rfiJSON) string { return strings.ToLower(r.Title) }
		case "status":
			return func(r rfiJSON) string { return r.Status }
		case "priority":
			return func(r rfiJSON) string { return deref(r.Priority) }
		}
		return nil
	}
	var cmps []func(a, b rfiJSON) int
	for _, rule := range q.Sort {
		k := key(rule.Field)
		if k == nil || (rule.Order != "ASC" && rule.Order != "DESC") {
			return nil, false
		}
		desc := rule.Order == "DESC"
		cmps = append(cmps, func(a, b rfiJSON) int {
			if desc {
				return cmp.Compare(k(b), k(a))
			}
			return cmp.Compare(k(a), k(b))
		})
	}
	return inTurn(append(cmps, func(a, b rfiJSON) int { return cmp.Compare(a.CreatedAt, b.CreatedAt) })), true
}

// getRFI serves GET .../rfis/{rfiId}.
func (e *Emulator) getRFI(w http.ResponseWriter, c *call) {
	e.mu.Lock()
	i := e.rfiIndexLocked(c.param("projectId"), c.param("rfiId"))
	var r rfiDetailJSON
	if i >= 0 {
		r = e.rfis[c.param("projectId")][i]
	}
	e.mu.Unlock()
	if i < 0 {
		writeIssuesError(w, http.StatusNotFound, rfiDetailNoRFI)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, r)
}

// rfiIndexLocked is the index of an RFI in its project's list, or -1.
// e.mu must be held.
func (e *Emulator) rfiIndexLocked(projectID, rfiID string) int {
	return slices.IndexFunc(e.rfis[projectID], func(r rfiDetailJSON) bool { return r.ID == rfiID })
}

// rfiPayload is the body of POST rfis (rfis-rfis-POST); members the
// emulator does not model are accepted and ignored.
type rfiPayload struct {
	ID                  *string         `json:"id"`
	Status              string          `json:"status"`
	Title               string          `json:"title"`
	Question            *string         `json:"question"`
	SuggestedAnswer     string          `json:"suggestedAnswer"`
	AssignedTo          []actor         `json:"assignedTo"`
	LocationDescription *string         `json:"locationDescription"`
	Locations           []string        `json:"locations"`
	DueDate             *string         `json:"dueDate"`
	CostImpact          *string         `json:"costImpact"`
	ScheduleImpact      *string         `json:"scheduleImpact"`
	Priority            *string         `json:"priority"`
	Discipline          []string        `json:"discipline"`
	Category            []string        `json:"category"`
	Reference           string          `json:"reference"`
	CoReviewers         []actor         `json:"coReviewers"`
	Watchers            []actor         `json:"watchers"`
	CustomAttributes    json.RawMessage `json:"customAttributes"`
}

// check says what is wrong with p for a new RFI, or "".
func (p rfiPayload) check() string {
	in := func(v *string, allowed ...string) bool { return v == nil || slices.Contains(allowed, *v) }
	switch {
	case strings.TrimSpace(p.Title) == "":
		return rfiDetailTitle
	case p.Status != rfiStatusDraft && p.Status != rfiStatusSubmitted:
		return rfiDetailNewState
	case !in(p.Priority, "High", "Normal", "Low"), !in(p.CostImpact, "Yes", "No", "Unknown"),
		!in(p.ScheduleImpact, "Yes", "No", "Unknown"), utf8.RuneCountInString(p.Reference) > rfiMaxReference,
		p.DueDate != nil && !isRFIDate(*p.DueDate):
		return rfiDetailField
	}
	return ""
}
