package apsemu

import (
	"cmp"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// offsetPage reads limit (1..100, default 100) and offset (≥ 0, default
// 0). A present but empty or non-integer value is invalid.
func (qr *queryReader) offsetPage() (limit, offset int) {
	limit = qr.intParam(paramLimit, issuesDefaultLimit, 1, issuesMaxLimit, issuesDetailLimit)
	offset = qr.intParam(paramOffset, 0, 0, math.MaxInt, issuesDetailOffset)
	return limit, offset
}

// includes reports whether the include parameter names what.
func includes(q url.Values, what string) bool {
	return slices.Contains(listValues(q, paramInclude), what)
}

// boolFilter reads a true/false filter; nil when absent or invalid.
func (qr *queryReader) boolFilter(name string) *bool {
	if !qr.q.Has(name) {
		return nil
	}
	v := qr.q.Get(name)
	if v != "true" && v != "false" {
		qr.fail("The " + name + " parameter must be true or false.")
		return nil
	}
	b := v == "true"
	return &b
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

// issueFilters turns the filter parameters into one predicate (all
// filters must pass; any of a filter's comma-separated values may match).
// Unknown statuses, assignee types and non-integer display IDs are 400s.
// filter[search] matches a case-insensitive substring of the title or the
// exact display ID; filter[deleted]=true keeps only deleted issues, of
// which the emulator has none.
func (qr *queryReader) issueFilters() func(*issueJSON) bool {
	q := qr.q
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
				qr.fail("The filter[status] value " + strconv.Quote(s) + " is not a valid status: use draft, open, pending, " +
					"in_progress, in_review, completed, not_approved, in_dispute or closed.")
				return nil
			}
		}
		preds = append(preds, func(is *issueJSON) bool { return slices.Contains(statuses, is.Status) })
	}
	if types := listValues(q, paramAssigneeTy); types != nil {
		for _, t := range types {
			if t != "user" && t != "company" && t != "role" && t != "null" {
				qr.fail("The filter[assignedToType] value " + strconv.Quote(t) + " is not one of user, company, role or null.")
				return nil
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
				qr.fail("The filter[displayId] value " + strconv.Quote(s) + " is not an integer.")
				return nil
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
	deleted := qr.boolFilter(paramDeleted)
	if deleted != nil {
		preds = append(preds, func(is *issueJSON) bool { return is.Deleted == *deleted })
	} else {
		preds = append(preds, func(is *issueJSON) bool { return !is.Deleted })
	}
	return func(is *issueJSON) bool {
		for _, p := range preds {
			if !p(is) {
				return false
			}
		}
		return true
	}
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

// issueSort reads sortBy for issues; ties (and the default) go by
// displayId ascending.
func (qr *queryReader) issueSort(titles map[string]string) func(a, b *issueJSON) int {
	return sortBy(qr, "displayId", func(key string) (func(a, b *issueJSON) int, bool) {
		return issueSortKey(key, titles)
	}, func(a, b *issueJSON) int { return cmp.Compare(a.DisplayID, b.DisplayID) })
}

// sortBy reads sortBy: comma-separated keys, each optionally prefixed
// with "-" for descending, applied in turn. def is the order without
// sortBy; tiebreak, if any, settles what the keys leave equal. Unknown or
// empty keys are 400s.
func sortBy[T any](qr *queryReader, def string, key func(string) (func(a, b T) int, bool), tiebreak ...func(a, b T) int) func(a, b T) int {
	names := listValues(qr.q, paramSortBy)
	if names == nil {
		names = []string{def}
	}
	var cmps []func(a, b T) int
	for _, name := range names {
		field, desc := strings.CutPrefix(name, "-")
		c, ok := key(field)
		if !ok {
			qr.fail("The sortBy value " + strconv.Quote(name) + " is not a field this list can be sorted by.")
			return nil
		}
		if desc {
			asc := c
			c = func(a, b T) int { return -asc(a, b) }
		}
		cmps = append(cmps, c)
	}
	return inTurn(append(cmps, tiebreak...))
}

// inTurn orders by the first of cmps that tells a and b apart.
func inTurn[T any](cmps []func(a, b T) int) func(a, b T) int {
	return func(a, b T) int {
		for _, c := range cmps {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return 0
	}
}

// issueSortKey compares issues by one sortBy field, ascending: text
// case-insensitively (then byte-wise), timestamps and dates as their ISO
// strings, nulls after every value (so first when descending), false
// before true. customAttributes is accepted and leaves the order alone.
func issueSortKey(field string, titles map[string]string) (func(a, b *issueJSON) int, bool) {
	text := func(get func(is *issueJSON) string) func(a, b *issueJSON) int {
		return func(a, b *issueJSON) int { return compareText(get(a), get(b)) }
	}
	nullable := func(get func(is *issueJSON) *string) func(a, b *issueJSON) int {
		return func(a, b *issueJSON) int { return compareNullable(get(a), get(b)) }
	}
	switch field {
	case "displayId":
		return func(a, b *issueJSON) int { return cmp.Compare(a.DisplayID, b.DisplayID) }, true
	case "createdAt":
		return text(func(is *issueJSON) string { return is.CreatedAt }), true
	case "updatedAt":
		return text(func(is *issueJSON) string { return is.UpdatedAt }), true
	case "createdBy":
		return text(func(is *issueJSON) string { return is.CreatedBy }), true
	case "title":
		return text(func(is *issueJSON) string { return is.Title }), true
	case "description":
		return text(func(is *issueJSON) string { return is.Description }), true
	case "status":
		return text(func(is *issueJSON) string { return is.Status }), true
	case "issueType":
		return text(func(is *issueJSON) string { return titles[is.IssueTypeID] }), true
	case "issueSubType":
		return text(func(is *issueJSON) string { return titles[is.IssueSubtypeID] }), true
	case "assignedTo":
		return nullable(func(is *issueJSON) *string { return is.AssignedTo }), true
	case "assignedToType":
		return nullable(func(is *issueJSON) *string { return is.AssignedToType }), true
	case "dueDate":
		return nullable(func(is *issueJSON) *string { return is.DueDate }), true
	case "startDate":
		return nullable(func(is *issueJSON) *string { return is.StartDate }), true
	case "locationDetails":
		return nullable(func(is *issueJSON) *string { return is.LocationDetails }), true
	case "closedBy":
		return nullable(func(is *issueJSON) *string { return is.ClosedBy }), true
	case "closedAt":
		return nullable(func(is *issueJSON) *string { return is.ClosedAt }), true
	case "published":
		return func(a, b *issueJSON) int { return cmp.Compare(boolRank(a.Published), boolRank(b.Published)) }, true
	case "customAttributes":
		return func(*issueJSON, *issueJSON) int { return 0 }, true
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
