package apsemu

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the Issues write bodies: the spec gives title, description and
// comment bodies at most 10,000 characters, and location details 8,300.
const (
	issuesMaxText     = 10000
	issuesMaxLocation = 8300
)

// Issues write error texts, the emulator's own (the spec declares no bodies).
const (
	issuesDetailBody        = "The request body must be a JSON object of the issue's fields."
	issuesDetailTitle       = "title is required and must be at most 10000 characters."
	issuesDetailSubtype     = "issueSubtypeId must be the id of an active subtype of one of the project's issue types."
	issuesDetailStatus      = "status is required and must be one of draft, open, pending, in_progress, in_review, completed, not_approved, in_dispute or closed."
	issuesDetailAssignee    = "assignedTo and assignedToType (user, company or role) must be given together."
	issuesDetailDueDate     = "dueDate and startDate must be dates in the format YYYY-MM-DD."
	issuesDetailRootCause   = "rootCauseId must be the id of one of the project's root causes."
	issuesDetailText        = "description must be at most 10000 characters and locationDetails at most 8300."
	issuesDetailTransition  = "The user may not move this issue to that status; permittedStatuses lists the ones allowed."
	issuesDetailCommentBody = "body is required and must be at most 10000 characters."
)

// issuePayload is the body of POST issues and PATCH issues/{issueId}
// (Issues.yaml IssuePayload), the fields the emulator applies. A nil
// member was not sent. Members the spec lists that the emulator does not
// model (snapshotUrn, watchers, customAttributes, ...) are accepted and
// ignored; anything else is a 400.
type issuePayload struct {
	Title           *string         `json:"title"`
	Description     *string         `json:"description"`
	IssueSubtypeID  *string         `json:"issueSubtypeId"`
	Status          *string         `json:"status"`
	AssignedTo      *string         `json:"assignedTo"`
	AssignedToType  *string         `json:"assignedToType"`
	DueDate         *string         `json:"dueDate"`
	StartDate       *string         `json:"startDate"`
	LocationID      *string         `json:"locationId"`
	LocationDetails *string         `json:"locationDetails"`
	RootCauseID     *string         `json:"rootCauseId"`
	Published       *bool           `json:"published"`
	SnapshotURN     json.RawMessage `json:"snapshotUrn"`
	IssueTemplateID json.RawMessage `json:"issueTemplateId"`
	Watchers        json.RawMessage `json:"watchers"`
	CustomAttrs     json.RawMessage `json:"customAttributes"`
	PermittedActs   json.RawMessage `json:"permittedActions"`
	GPSCoordinates  json.RawMessage `json:"gpsCoordinates"`
}

// createIssue serves POST .../issues: the new issue gets the project's next
// display id and the caller as creator, and answers 200 as the spec says.
func (e *Emulator) createIssue(w http.ResponseWriter, c *call) {
	var p issuePayload
	if !decodeStrict(w, c.r, &p) {
		writeIssuesBadRequest(w, issuesDetailBody)
		return
	}
	projectID := c.param("projectId")
	switch {
	case p.Title == nil:
		writeIssuesBadRequest(w, issuesDetailTitle)
		return
	case p.Status == nil:
		writeIssuesBadRequest(w, issuesDetailStatus)
		return
	case p.IssueSubtypeID == nil:
		writeIssuesBadRequest(w, issuesDetailSubtype)
		return
	}
	now := e.now().UTC()
	is := newIssue(projectID, newUUID(), c.token.userID, now)
	if detail := applyIssuePayload(&is, p, projectID, c.token.userID, now); detail != "" {
		writeIssuesBadRequest(w, detail)
		return
	}
	e.mu.Lock()
	list := e.issues[projectID]
	is.DisplayID = 1
	if len(list) > 0 {
		is.DisplayID = list[len(list)-1].DisplayID + 1
	}
	e.putIssueLocked(projectID, is, nil)
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, contentTypeJSON, is)
}

// patchIssue serves PATCH .../issues/{issueId}: the members sent replace
// the issue's, a status only among its permittedStatuses.
func (e *Emulator) patchIssue(w http.ResponseWriter, c *call) {
	var p issuePayload
	if !decodeStrict(w, c.r, &p) {
		writeIssuesBadRequest(w, issuesDetailBody)
		return
	}
	projectID, issueID := c.param("projectId"), c.param("issueId")
	e.mu.Lock()
	defer e.mu.Unlock()
	i := e.issueIndexLocked(projectID, issueID)
	if i < 0 {
		writeIssuesError(w, http.StatusNotFound, issuesDetailNoIssue)
		return
	}
	is := e.issues[projectID][i]
	if p.Status != nil && *p.Status != is.Status && !slices.Contains(is.PermittedStatuses, *p.Status) {
		writeIssuesBadRequest(w, issuesDetailTransition)
		return
	}
	if detail := applyIssuePayload(&is, p, projectID, c.token.userID, e.now().UTC()); detail != "" {
		writeIssuesBadRequest(w, detail)
		return
	}
	e.issues[projectID][i] = is
	writeJSON(w, http.StatusOK, contentTypeJSON, is)
}

// applyIssuePayload checks p and applies what it sends to is, as user at
// now; it returns what is wrong, or "".
func applyIssuePayload(is *issueJSON, p issuePayload, projectID, user string, now time.Time) string {
	if detail := checkIssuePayload(p, is, projectID); detail != "" {
		return detail
	}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&is.Title, p.Title)
	set(&is.Description, p.Description)
	if p.IssueSubtypeID != nil {
		is.IssueTypeID, is.IssueSubtypeID = typeOfSubtype(projectID, *p.IssueSubtypeID), *p.IssueSubtypeID
	}
	for _, f := range []struct {
		dst **string
		src *string
	}{
		{&is.AssignedTo, p.AssignedTo}, {&is.AssignedToType, p.AssignedToType}, {&is.DueDate, p.DueDate},
		{&is.StartDate, p.StartDate}, {&is.LocationID, p.LocationID}, {&is.LocationDetails, p.LocationDetails},
		{&is.RootCauseID, p.RootCauseID},
	} {
		if f.src != nil {
			v := *f.src
			*f.dst = &v
		}
	}
	at := now.Format(issuesTimeLayout)
	if p.Status != nil && *p.Status != is.Status {
		is.Status, is.PermittedStatuses = *p.Status, permittedStatuses(*p.Status)
		is.Published = is.Status != issueStatusDraft
		if is.OpenedBy == nil && is.Status != issueStatusDraft {
			is.OpenedBy, is.OpenedAt = &user, &at
		}
		is.ClosedBy, is.ClosedAt = nil, nil
		if is.Status == issueStatusClosed {
			is.ClosedBy, is.ClosedAt = &user, &at
		}
	}
	if p.Published != nil {
		is.Published = *p.Published
	}
	is.UpdatedBy, is.UpdatedAt = user, at
	return ""
}

// checkIssuePayload says what is wrong with the members p sends, given the
// issue they would change (its assignee type completes a new assignee).
func checkIssuePayload(p issuePayload, is *issueJSON, projectID string) string {
	tooLong := func(s *string, n int) bool { return s != nil && utf8.RuneCountInString(*s) > n }
	switch {
	case p.Title != nil && (strings.TrimSpace(*p.Title) == "" || tooLong(p.Title, issuesMaxText)):
		return issuesDetailTitle
	case tooLong(p.Description, issuesMaxText) || tooLong(p.LocationDetails, issuesMaxLocation):
		return issuesDetailText
	case p.Status != nil && !isIssueStatus(*p.Status):
		return issuesDetailStatus
	case p.IssueSubtypeID != nil && typeOfSubtype(projectID, *p.IssueSubtypeID) == "":
		return issuesDetailSubtype
	case (p.AssignedTo == nil) != (p.AssignedToType == nil) && is.AssignedToType == nil,
		p.AssignedToType != nil && *p.AssignedToType != "user" && *p.AssignedToType != "company" && *p.AssignedToType != "role":
		return issuesDetailAssignee
	case !isIssueDate(p.DueDate) || !isIssueDate(p.StartDate):
		return issuesDetailDueDate
	case p.RootCauseID != nil && !isRootCause(projectID, *p.RootCauseID):
		return issuesDetailRootCause
	}
	return ""
}

// isIssueDate reports whether s is absent or a YYYY-MM-DD date.
func isIssueDate(s *string) bool { return s == nil || parsesAs(*s, issuesDateLayout) }

// parsesAs reports whether s is a time in one of layouts.
func parsesAs(s string, layouts ...string) bool {
	return slices.ContainsFunc(layouts, func(l string) bool {
		_, err := time.Parse(l, s)
		return err == nil
	})
}

// typeOfSubtype is the id of the issue type an active subtype belongs to,
// or "" when the project has no such subtype.
func typeOfSubtype(projectID, subtypeID string) string {
	for _, t := range issueTypesFor(projectID) {
		for _, s := range t.Subtypes {
			if s.ID == subtypeID && s.IsActive && t.IsActive {
				return t.ID
			}
		}
	}
	return ""
}

// isRootCause reports whether id is one of the project's root causes.
func isRootCause(projectID, id string) bool {
	for _, cat := range rootCauseCategoriesFor(projectID) {
		for _, rc := range cat.RootCauses {
			if rc.ID == id {
				return true
			}
		}
	}
	return false
}

// commentPayload is the body of POST .../comments (commentsPayload).
type commentPayload struct {
	Body *string `json:"body"`
}

// createComment serves POST .../issues/{issueId}/comments: the comment is
// the caller's, last of the issue's, and answers 201 as the spec says.
func (e *Emulator) createComment(w http.ResponseWriter, c *call) {
	var p commentPayload
	if !decodeStrict(w, c.r, &p) {
		writeIssuesBadRequest(w, issuesDetailBody)
		return
	}
	if p.Body == nil || strings.TrimSpace(*p.Body) == "" || utf8.RuneCountInString(*p.Body) > issuesMaxText {
		writeIssuesBadRequest(w, issuesDetailCommentBody)
		return
	}
	projectID, issueID := c.param("projectId"), c.param("issueId")
	at := e.now().UTC().Format(issuesTimeLayout)
	cm := commentJSON{ID: newUUID(), Body: *p.Body, CreatedAt: at, CreatedBy: c.token.userID, UpdatedAt: at,
		ClientCreatedAt: at, ClientUpdatedAt: at, permissions: noPermissions()}
	e.mu.Lock()
	i := e.issueIndexLocked(projectID, issueID)
	if i >= 0 {
		e.comments[issueID] = append(e.comments[issueID], cm)
		e.issues[projectID][i].CommentCount = len(e.comments[issueID])
	}
	e.mu.Unlock()
	if i < 0 {
		writeIssuesError(w, http.StatusNotFound, issuesDetailNoIssue)
		return
	}
	writeJSON(w, http.StatusCreated, contentTypeJSON, cm)
}
