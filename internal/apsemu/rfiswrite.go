package apsemu

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// isRFIDate reports whether s is a date (YYYY-MM-DD) or an ISO 8601 UTC
// time, the forms the docs show for dueDate.
func isRFIDate(s string) bool { return parsesAs(s, issuesDateLayout, time.RFC3339Nano) }

// createRFI serves POST .../rfis: the RFI gets the project's next number
// and the caller as creator, and answers 201.
func (e *Emulator) createRFI(w http.ResponseWriter, c *call) {
	var p rfiPayload
	if !decodeStrict(w, c.r, &p) {
		writeIssuesBadRequest(w, rfiDetailBody)
		return
	}
	if detail := p.check(); detail != "" {
		writeIssuesBadRequest(w, detail)
		return
	}
	projectID := c.param("projectId")
	id := newUUID()
	if p.ID != nil && *p.ID != "" {
		id = *p.ID // the docs let a client choose the id in advance
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.rfiIndexLocked(projectID, id) >= 0 {
		writeIssuesError(w, http.StatusConflict, "An RFI with this id already exists.")
		return
	}
	r := newRFI(projectID, id, len(e.rfis[projectID])+1, c.token.userID, e.now())
	r.Title, r.Question, r.Status, r.SuggestedAnswer = p.Title, p.Question, p.Status, p.SuggestedAnswer
	r.LocationDescription, r.DueDate, r.Priority, r.Reference = p.LocationDescription, p.DueDate, p.Priority, p.Reference
	r.CostImpact, r.ScheduleImpact = p.CostImpact, p.ScheduleImpact
	for dst, src := range map[*[]actor][]actor{&r.AssignedTo: p.AssignedTo, &r.CoReviewers: p.CoReviewers, &r.Watchers: p.Watchers} {
		if src != nil {
			*dst = src
		}
	}
	for dst, src := range map[*[]string][]string{&r.Locations: p.Locations, &r.Discipline: p.Discipline, &r.Category: p.Category} {
		if src != nil {
			*dst = src
		}
	}
	e.rfis[projectID] = append(e.rfis[projectID], r)
	writeJSON(w, http.StatusCreated, contentTypeJSON, r.rfiJSON)
}

// rfiResponsePayload is the body of POST .../rfis/{rfiId}/responses. The
// reference page's body table was not available; the members are those
// of the responses GET rfis/:rfiId returns (see the reviewed facts).
type rfiResponsePayload struct {
	Text     string  `json:"text"`
	State    *string `json:"state"`
	Status   *string `json:"status"`
	OnBehalf *string `json:"onBehalf"`
}

// createRFIResponse serves POST .../rfis/{rfiId}/responses: a submitted
// response is added to responses (a draft to draftResponses); a draft of
// the same user is updated instead, as the docs say. It answers 201.
func (e *Emulator) createRFIResponse(w http.ResponseWriter, c *call) {
	var p rfiResponsePayload
	if !decodeStrict(w, c.r, &p) {
		writeIssuesBadRequest(w, rfiDetailBody)
		return
	}
	state, status := "submitted", rfiStatusAnswered
	if p.State != nil {
		state = *p.State
	}
	if p.Status != nil {
		status = *p.Status
	}
	if strings.TrimSpace(p.Text) == "" || (state != "draft" && state != "submitted") || (status != rfiStatusAnswered && status != "rejected") {
		writeIssuesBadRequest(w, rfiDetailText)
		return
	}
	projectID := c.param("projectId")
	e.mu.Lock()
	defer e.mu.Unlock()
	i := e.rfiIndexLocked(projectID, c.param("rfiId"))
	if i < 0 {
		writeIssuesError(w, http.StatusNotFound, rfiDetailNoRFI)
		return
	}
	r := &e.rfis[projectID][i]
	if r.Status == rfiStatusDraft {
		writeIssuesBadRequest(w, rfiDetailDraft)
		return
	}
	at, user := e.now().UTC().Format(issuesTimeLayout), c.token.userID
	resp := rfiResponseJSON{ID: newUUID(), RFIID: r.ID, CreatedBy: user, CreatedAt: at, OnBehalf: p.OnBehalf}
	if d := slices.IndexFunc(r.DraftResponses, func(d rfiResponseJSON) bool { return d.CreatedBy == user }); d >= 0 {
		resp = r.DraftResponses[d]
		r.DraftResponses = slices.Delete(r.DraftResponses, d, d+1)
	}
	resp.State, resp.Text, resp.Status, resp.UpdatedBy, resp.UpdatedAt, resp.IsEditable = state, p.Text, status, user, at, state == "draft"
	if state == "draft" {
		r.DraftResponses = append(r.DraftResponses, resp)
	} else {
		r.Responses = append(r.Responses, resp)
	}
	r.UpdatedBy, r.UpdatedAt = user, at
	writeJSON(w, http.StatusCreated, contentTypeJSON, resp)
}
