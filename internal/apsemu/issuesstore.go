package apsemu

import (
	"slices"
	"strings"
	"time"
)

// issuesTimeLayout is how ACC Issues writes timestamps: ISO 8601 in UTC
// with milliseconds (examples/issues.getIssues.200.synthesized.json).
const issuesTimeLayout = "2006-01-02T15:04:05.000Z"

// issuesDateLayout is how ACC Issues writes dueDate and startDate.
const issuesDateLayout = "2006-01-02"

// Issue statuses (NOTES §7), in the order the spec's enum lists them.
const (
	issueStatusDraft       = "draft"
	issueStatusOpen        = "open"
	issueStatusPending     = "pending"
	issueStatusInProgress  = "in_progress"
	issueStatusInReview    = "in_review"
	issueStatusCompleted   = "completed"
	issueStatusNotApproved = "not_approved"
	issueStatusInDispute   = "in_dispute"
	issueStatusClosed      = "closed"
)

// isIssueStatus reports whether s is in the spec's status enum.
func isIssueStatus(s string) bool {
	switch s {
	case issueStatusDraft, issueStatusOpen, issueStatusPending, issueStatusInProgress, issueStatusInReview,
		issueStatusCompleted, issueStatusNotApproved, issueStatusInDispute, issueStatusClosed:
		return true
	}
	return false
}

// Issue is an ACC issue as tests see it: the fields clients most often
// check. The emulator serves many more (see issueJSON).
type Issue struct {
	ID          string // a UUID
	DisplayID   int    // the project's chronological, user-facing number
	ProjectID   string // ACC project ID, the DM project ID without "b."
	Title       string
	Status      string
	IssueTypeID string
}

// Issues returns the issues of an ACC project (its ID without "b.") in the
// order GET issues lists them by default: by displayId, ascending. Unknown
// projects have none.
func (e *Emulator) Issues(projectID string) []Issue {
	e.mu.Lock()
	defer e.mu.Unlock()
	stored := e.issues[projectID]
	out := make([]Issue, 0, len(stored))
	for _, is := range stored {
		out = append(out, Issue{ID: is.ID, DisplayID: is.DisplayID, ProjectID: projectID, Title: is.Title, Status: is.Status, IssueTypeID: is.IssueTypeID})
	}
	return out
}

// issueJSON is one issue as GET issues sends it, members in the order of
// the synthesized example. Nullable members are pointers or any.
type issueJSON struct {
	ID                  string         `json:"id"`
	ContainerID         string         `json:"containerId"`
	Deleted             bool           `json:"deleted"`
	DisplayID           int            `json:"displayId"`
	Title               string         `json:"title"`
	Description         string         `json:"description"`
	SnapshotURN         *string        `json:"snapshotUrn"`
	IssueTypeID         string         `json:"issueTypeId"`
	IssueSubtypeID      string         `json:"issueSubtypeId"`
	Status              string         `json:"status"`
	AssignedTo          *string        `json:"assignedTo"`
	AssignedToType      *string        `json:"assignedToType"`
	DueDate             *string        `json:"dueDate"`
	StartDate           *string        `json:"startDate"`
	LocationID          *string        `json:"locationId"`
	LocationDetails     *string        `json:"locationDetails"`
	LinkedDocuments     []any          `json:"linkedDocuments"`
	Links               []any          `json:"links"`
	OwnerID             string         `json:"ownerId"`
	RootCauseID         *string        `json:"rootCauseId"`
	OfficialResponse    any            `json:"officialResponse"`
	IssueTemplateID     *string        `json:"issueTemplateId"`
	PermittedStatuses   []string       `json:"permittedStatuses"`
	PermittedAttributes []string       `json:"permittedAttributes"`
	Published           bool           `json:"published"`
	PermittedActions    map[string]any `json:"permittedActions"`
	CommentCount        int            `json:"commentCount"`
	AttachmentCount     int            `json:"attachmentCount"`
	OpenedBy            *string        `json:"openedBy"`
	OpenedAt            *string        `json:"openedAt"`
	ClosedBy            *string        `json:"closedBy"`
	ClosedAt            *string        `json:"closedAt"`
	CreatedBy           string         `json:"createdBy"`
	CreatedAt           string         `json:"createdAt"`
	UpdatedBy           string         `json:"updatedBy"`
	UpdatedAt           string         `json:"updatedAt"`
	Watchers            []string       `json:"watchers"`
	CustomAttributes    []any          `json:"customAttributes"`
	GPSCoordinates      any            `json:"gpsCoordinates"`
	SnapshotHasMarkups  bool           `json:"snapshotHasMarkups"`
}

// commentJSON is one issue comment (Issues.yaml schema comment).
type commentJSON struct {
	ID              string  `json:"id"`
	Body            string  `json:"body"`
	CreatedAt       string  `json:"createdAt"`
	CreatedBy       string  `json:"createdBy"`
	UpdatedAt       string  `json:"updatedAt"`
	DeletedAt       *string `json:"deletedAt"`
	ClientCreatedAt string  `json:"clientCreatedAt"`
	ClientUpdatedAt string  `json:"clientUpdatedAt"`
	permissions
}

// issuesProject resolves an ACC project ID (a DM project ID without "b.")
// for the caller: a BIM 360/ACC project of kind ACC in a reachable hub the
// caller sees. BIM 360 projects belong to the older BIM 360 Issues API.
func (e *Emulator) issuesProject(info tokenInfo, id string) (Project, Hub, bool) {
	if id == "" {
		return Project{}, Hub{}, false
	}
	sees := e.hubVisibility(info)
	e.mu.Lock()
	defer e.mu.Unlock()
	for hubID, projs := range e.projects {
		p, ok := projs[bim360AccountPrefix+id]
		if !ok || p.Type != projectTypeBIM360 || p.ProjectType != defaultProjectKind {
			continue
		}
		if h, ok := e.hubs[hubID]; ok && !h.Unreachable && sees(hubID) {
			return p, h, true
		}
	}
	return Project{}, Hub{}, false
}

// issue returns one issue of a project.
func (e *Emulator) issue(projectID, issueID string) (issueJSON, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if i := e.issueIndexLocked(projectID, issueID); i >= 0 {
		return e.issues[projectID][i], true
	}
	return issueJSON{}, false
}

// issueIndexLocked is the index of an issue in its project's list, or -1.
// e.mu must be held.
func (e *Emulator) issueIndexLocked(projectID, issueID string) int {
	return slices.IndexFunc(e.issues[projectID], func(is issueJSON) bool { return is.ID == issueID })
}

// SeedIssues adds n issues numbered 1 to n to the ACC project projectID
// (its ID without "b."), shaped as the demo projects' issues and typed
// from the project's own issue types and root causes, replacing issues of
// the same numbers. They are served once "b." + projectID is a project
// (AddProject) of a hub the caller sees. Benchmarks use it for projects
// larger than the demo's.
func (e *Emulator) SeedIssues(projectID string, n int) {
	types, causes := issueTypesFor(projectID), rootCauseCategoriesFor(projectID)
	e.mu.Lock()
	defer e.mu.Unlock()
	for k := 1; k <= n; k++ {
		e.putIssueLocked(projectID, demoIssue(projectID, k, types, causes), nil)
	}
}

// putIssueLocked stores is in its project, keeping displayId order, and
// attaches its comments (replacing any). e.mu must be held.
func (e *Emulator) putIssueLocked(projectID string, is issueJSON, comments []commentJSON) {
	is.CommentCount = len(comments)
	list := e.issues[projectID]
	i := 0
	for i < len(list) && list[i].DisplayID < is.DisplayID {
		i++
	}
	if i < len(list) && list[i].DisplayID == is.DisplayID {
		list[i] = is
	} else {
		list = append(list[:i], append([]issueJSON{is}, list[i:]...)...)
	}
	e.issues[projectID] = list
	if len(comments) > 0 {
		e.comments[is.ID] = comments
	} else {
		delete(e.comments, is.ID)
	}
}

// accProjectID strips the "b." of a DM project ID, giving the ID the
// construction APIs take.
func accProjectID(dmProjectID string) string {
	return strings.TrimPrefix(dmProjectID, bim360AccountPrefix)
}

// newIssue is an issue of project, made by user at at, with the members
// every issue has from the start: the empty lists and the permissions the
// emulator grants. Seeding and POST .../issues both start from it.
func newIssue(projectID, id, user string, at time.Time) issueJSON {
	return issueJSON{
		ID: id, ContainerID: projectID, OwnerID: user, CreatedBy: user, CreatedAt: at.Format(issuesTimeLayout),
		LinkedDocuments: []any{}, Links: []any{}, Watchers: []string{}, CustomAttributes: []any{},
		PermittedAttributes: demoPermittedAttributes(), PermittedActions: map[string]any{},
	}
}
