package apsemu

import (
	"encoding/json"
	"fmt"
	"time"
)

// RFI statuses of the two workflows (ACC RFIs v3, rfis-rfis-POST): US is
// single-reviewer, EU (EMEA) multi-reviewer.
const (
	rfiStatusDraft     = "draft"
	rfiStatusSubmitted = "submitted"
	rfiStatusOpen      = "open"
	rfiStatusAnswered  = "answered"
	rfiStatusClosed    = "closed"
	rfiStatusVoid      = "void"
)

// rfiStatuses are every status search:rfis filters by.
func rfiStatuses() []string {
	return []string{rfiStatusDraft, rfiStatusSubmitted, rfiStatusOpen, "openRev1", "openRev2", rfiStatusAnswered,
		"answeredRev1", "answeredManager", "rejected", rfiStatusClosed, rfiStatusVoid}
}

// actor is an assignee, reviewer or watcher of an RFI.
type actor struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// rfiJSON is one RFI as search:rfis lists it, members in the order of the
// reference page's example. Nullable members are pointers.
type rfiJSON struct {
	ID                     string          `json:"id"`
	CustomIdentifier       string          `json:"customIdentifier"`
	Title                  string          `json:"title"`
	Question               *string         `json:"question"`
	VirtualFolderURN       *string         `json:"virtualFolderUrn"`
	Status                 string          `json:"status"`
	PreviousStatus         string          `json:"previousStatus,omitempty"`
	WorkflowType           string          `json:"workflowType"`
	AssignedTo             []actor         `json:"assignedTo"`
	ManagerID              *string         `json:"managerId"`
	ConstructionManagerID  *string         `json:"constructionManagerId"`
	Architects             []actor         `json:"architects"`
	Reviewers              []actor         `json:"reviewers"`
	DueDate                *string         `json:"dueDate"`
	LocationDescription    *string         `json:"locationDescription"`
	Locations              []string        `json:"locations"`
	CommentsCount          int             `json:"commentsCount"`
	OfficialResponse       string          `json:"officialResponse"`
	OfficialResponseStatus string          `json:"officialResponseStatus"`
	OfficialResponseActors []actor         `json:"officialResponseActors"`
	EditByManager          bool            `json:"officialResponseEditByManagerState"`
	RespondedAt            *string         `json:"respondedAt"`
	RespondedBy            *string         `json:"respondedBy"`
	CreatedBy              string          `json:"createdBy"`
	CreatedAt              string          `json:"createdAt"`
	UpdatedBy              string          `json:"updatedBy"`
	UpdatedAt              string          `json:"updatedAt"`
	ClosedAt               *string         `json:"closedAt"`
	ClosedBy               *string         `json:"closedBy"`
	ContainerID            string          `json:"containerId"`
	ProjectID              string          `json:"projectId"`
	SuggestedAnswer        string          `json:"suggestedAnswer"`
	CoReviewers            []actor         `json:"coReviewers"`
	Watchers               []actor         `json:"watchers"`
	AnsweredAt             *string         `json:"answeredAt"`
	AnsweredBy             *string         `json:"answeredBy"`
	CostImpact             *string         `json:"costImpact"`
	ScheduleImpact         *string         `json:"scheduleImpact"`
	Priority               *string         `json:"priority"`
	Discipline             []string        `json:"discipline"`
	Category               []string        `json:"category"`
	Reference              string          `json:"reference"`
	CustomAttributes       []any           `json:"customAttributes"`
	RFITypeID              string          `json:"rfiTypeId"`
	PermittedActions       json.RawMessage `json:"permittedActions"`
}

// rfiResponseJSON is one response to an RFI (GET rfis/:rfiId responses[]).
type rfiResponseJSON struct {
	ID         string  `json:"id"`
	State      string  `json:"state"`
	RFIID      string  `json:"rfiId"`
	Text       string  `json:"text"`
	Status     string  `json:"status"`
	CreatedBy  string  `json:"createdBy"`
	OnBehalf   *string `json:"onBehalf"`
	IsEditable bool    `json:"isEditable"`
	CreatedAt  string  `json:"createdAt"`
	UpdatedBy  string  `json:"updatedBy"`
	UpdatedAt  string  `json:"updatedAt"`
	DeletedAt  *string `json:"deletedAt"`
}

// rfiDetailJSON is an RFI as GET rfis/:rfiId sends it: the listed members,
// its submitted and draft responses and how many may be assigned.
type rfiDetailJSON struct {
	rfiJSON
	Responses      []rfiResponseJSON `json:"responses"`
	DraftResponses []rfiResponseJSON `json:"draftResponses"`
	MaxAssignees   int               `json:"maxAssignees"`
}

// rfiPermittedActions is what every seeded and created RFI lets the user
// do, in the members' documented shape.
const rfiPermittedActions = `{"share":true,"nudge":false,"createComment":true,"createResponse":true,"createResponseOnBehalf":false}`

// rfiTypeID is the demo projects' one RFI type.
func rfiTypeID(projectID string) string { return demoUUID("rfi type " + projectID) }

// newRFI is an RFI of a project as user creates it at t, before its
// payload is applied: numbered n, workflow US, nothing answered.
func newRFI(projectID, id string, n int, user string, t time.Time) rfiDetailJSON {
	at := t.UTC().Format(issuesTimeLayout)
	folder := fmt.Sprintf("urn:adsk.wipprod:fs.folder:co.rfi-%s", id)
	return rfiDetailJSON{rfiJSON: rfiJSON{
		ID: id, CustomIdentifier: fmt.Sprintf("%03d", n), VirtualFolderURN: &folder, Status: rfiStatusDraft, WorkflowType: "US",
		AssignedTo: []actor{}, Architects: []actor{}, Reviewers: []actor{}, Locations: []string{},
		OfficialResponseStatus: "unanswered", OfficialResponseActors: []actor{},
		CreatedBy: user, CreatedAt: at, UpdatedBy: user, UpdatedAt: at, ContainerID: projectID, ProjectID: projectID,
		CoReviewers: []actor{}, Watchers: []actor{}, Discipline: []string{}, Category: []string{}, CustomAttributes: []any{},
		RFITypeID: rfiTypeID(projectID), PermittedActions: json.RawMessage(rfiPermittedActions),
	}, Responses: []rfiResponseJSON{}, DraftResponses: []rfiResponseJSON{}, MaxAssignees: 10}
}

// demoRFITitles are the seeded RFIs' questions, by title.
func demoRFITitles() [][2]string {
	return [][2]string{
		{"Beam depth at grid C4", "The structural drawings show a 450 mm beam; the architectural section shows 400 mm. Which governs?"},
		{"Façade anchor spacing", "May the anchors be spaced at 600 mm instead of 500 mm where the panel is narrower?"},
		{"Fire damper access", "There is no access panel shown for the damper above the lobby ceiling. Where should it go?"},
		{"Slab penetration for riser", "Can the riser penetration in the level 2 slab move 200 mm east to clear the rebar?"},
		{"Handrail height at stair B", "Is the 1,100 mm handrail height required on the internal stair as well?"},
		{"Paint spec for car park", "Which coating system applies to the car park columns: C3 or C4?"},
		{"Door hardware schedule", "The schedule lists no closers for the plant room doors; is that intended?"},
	}
}

// seedDemoRFIs gives the big ACC project a handful of RFIs in every stage,
// the answered ones with a response.
func seedDemoRFIs(e *Emulator) {
	e.mu.Lock()
	defer e.mu.Unlock()
	projectID := demoIssuesProjectID()
	users := demoIssueUsers()
	statuses := []string{rfiStatusOpen, rfiStatusAnswered, rfiStatusDraft, rfiStatusSubmitted, rfiStatusClosed, rfiStatusOpen, rfiStatusVoid}
	priorities := []string{"High", "Normal", "Low"}
	for i, tq := range demoRFITitles() {
		n := i + 1
		created := time.UnixMilli(demoEpochMs).UTC().Add(time.Duration(n) * 26 * time.Hour)
		r := newRFI(projectID, demoUUID(fmt.Sprintf("rfi %s %d", projectID, n)), n, users[n%len(users)], created)
		r.Title, r.Question = tq[0], &tq[1]
		r.Status, r.Priority = statuses[i], &priorities[n%len(priorities)]
		due := created.Add(10 * 24 * time.Hour).Format(issuesTimeLayout)
		r.DueDate = &due
		if r.Status != rfiStatusDraft {
			manager := users[(n+1)%len(users)]
			r.ManagerID = &manager
			r.AssignedTo = []actor{{ID: users[(n+2)%len(users)], Type: "user"}}
		}
		if r.Status == rfiStatusAnswered || r.Status == rfiStatusClosed {
			at := created.Add(3 * 24 * time.Hour).Format(issuesTimeLayout)
			by := r.AssignedTo[0].ID
			r.Responses = append(r.Responses, rfiResponseJSON{ID: demoUUID("rfi response " + r.ID), State: "submitted", RFIID: r.ID,
				Text: "Follow the structural drawings.", Status: rfiStatusAnswered, CreatedBy: by, CreatedAt: at, UpdatedBy: by, UpdatedAt: at})
			r.OfficialResponse, r.OfficialResponseStatus = "Follow the structural drawings.", "answered"
			r.AnsweredAt, r.AnsweredBy, r.RespondedAt, r.RespondedBy = &at, &by, &at, &by
		}
		if r.Status == rfiStatusClosed {
			at := created.Add(5 * 24 * time.Hour).Format(issuesTimeLayout)
			r.ClosedAt, r.ClosedBy = &at, r.ManagerID
		}
		e.rfis[projectID] = append(e.rfis[projectID], r)
	}
}
