package apsemu

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Bounds of GET items (submittals-items-GET): limit 1..50, default 20.
const (
	submittalsDefaultLimit = 20
	submittalsMaxLimit     = 50
)

// Submittals texts, the emulator's own, in the Issues {"title", "detail"}
// shape (unverified, as there).
const (
	submittalsDetailLimit  = "The limit parameter must be an integer between 1 and 50."
	submittalsDetailNoItem = "The submittal item could not be found."
)

// submittalItemJSON is one submittal item as GET items and GET
// items/{itemId} send it (submittals-items-itemId-GET), the members the
// emulator models; nullable members are pointers.
type submittalItemJSON struct {
	ID                            string   `json:"id"`
	Identifier                    int      `json:"identifier"`
	CustomIdentifier              string   `json:"customIdentifier"`
	CustomIdentifierHumanReadable string   `json:"customIdentifierHumanReadable"`
	TypeID                        string   `json:"typeId"`
	SpecID                        string   `json:"specId"`
	SpecIdentifier                string   `json:"specIdentifier"`
	SpecTitle                     string   `json:"specTitle"`
	Subsection                    string   `json:"subsection"`
	Title                         string   `json:"title"`
	Description                   string   `json:"description"`
	Priority                      string   `json:"priority"`
	Revision                      int      `json:"revision"`
	StateID                       string   `json:"stateId"`
	StatusID                      string   `json:"statusId"`
	BallInCourtUsers              []string `json:"ballInCourtUsers"`
	BallInCourtCompanies          []string `json:"ballInCourtCompanies"`
	BallInCourtRoles              []string `json:"ballInCourtRoles"`
	BallInCourtType               string   `json:"ballInCourtType"`
	Manager                       string   `json:"manager"`
	ManagerType                   string   `json:"managerType"`
	Subcontractor                 *string  `json:"subcontractor"`
	SubcontractorType             *string  `json:"subcontractorType"`
	Watchers                      []any    `json:"watchers"`
	DueDate                       *string  `json:"dueDate"`
	RequiredOnJobDate             *string  `json:"requiredOnJobDate"`
	LeadTime                      *int     `json:"leadTime"`
	ResponseID                    *string  `json:"responseId"`
	ResponseComment               *string  `json:"responseComment"`
	RespondedAt                   *string  `json:"respondedAt"`
	RespondedBy                   *string  `json:"respondedBy"`
	PackageID                     *string  `json:"packageId"`
	PackageIdentifier             *string  `json:"packageIdentifier"`
	PackageTitle                  *string  `json:"packageTitle"`
	FolderURN                     string   `json:"folderUrn"`
	CreatedAt                     string   `json:"createdAt"`
	CreatedBy                     string   `json:"createdBy"`
	UpdatedAt                     string   `json:"updatedAt"`
	UpdatedBy                     string   `json:"updatedBy"`
	PermittedActions              []any    `json:"permittedActions"`
}

// listSubmittalItems serves GET .../items: filter[statusId],
// filter[packageId], filter[specId], filter[reviewResponseId] and search
// (title, number, spec section), ordered by number.
func (e *Emulator) listSubmittalItems(w http.ResponseWriter, c *call) {
	qr := newQueryReader(c)
	limit := qr.intParam(paramLimit, submittalsDefaultLimit, 1, submittalsMaxLimit, submittalsDetailLimit)
	offset := qr.intParam(paramOffset, 0, 0, math.MaxInt, issuesDetailOffset)
	statuses := qr.enumList("filter[statusId]", []string{"1", "2", "3", "4", "5", "6"})
	if !qr.valid(w, writeIssuesBadRequest) {
		return
	}
	q := c.query()
	exact := map[string]func(it *submittalItemJSON) *string{
		"filter[packageId]":        func(it *submittalItemJSON) *string { return it.PackageID },
		"filter[specId]":           func(it *submittalItemJSON) *string { return &it.SpecID },
		"filter[reviewResponseId]": func(it *submittalItemJSON) *string { return it.ResponseID },
	}
	text := strings.ToLower(q.Get("search"))
	var matched []submittalItemJSON
	for _, it := range e.submittals[c.param("projectId")] {
		keep := statuses == nil || slices.Contains(statuses, it.StatusID)
		for name, get := range exact {
			if vals := listValues(q, name); vals != nil {
				v := get(&it)
				keep = keep && v != nil && slices.Contains(vals, *v)
			}
		}
		if text != "" {
			keep = keep && strings.Contains(strings.ToLower(it.Title+" "+it.CustomIdentifierHumanReadable+" "+it.SpecIdentifier+" "+it.SpecTitle), text)
		}
		if keep {
			matched = append(matched, it)
		}
	}
	writeLinkedPage(w, c, limit, offset, matched)
}

// getSubmittalItem serves GET .../items/{itemId}.
func (e *Emulator) getSubmittalItem(w http.ResponseWriter, c *call) {
	for _, it := range e.submittals[c.param("projectId")] {
		if it.ID == c.param("itemId") {
			writeJSON(w, http.StatusOK, contentTypeJSON, it)
			return
		}
	}
	writeIssuesError(w, http.StatusNotFound, submittalsDetailNoItem)
}

// submittalStates pairs each seeded item's workflow state with its status
// and who holds the ball.
func submittalStates() [][3]string {
	return [][3]string{
		{"sbc-1", "2", "subcontractor"}, {"mgr-1", "2", "manager"}, {"rev", "2", "reviewer"},
		{"mgr-2", "2", "manager"}, {"sbc-2", "3", "subcontractor"}, {"void", "4", ""}, {"draft", "6", "manager"},
	}
}

// seedDemoSubmittals gives the big ACC project a dozen submittal items in
// two spec sections and two packages, across every state. Submittals are
// never written, so they are read without holding mu.
func seedDemoSubmittals(e *Emulator) {
	projectID := demoIssuesProjectID()
	users := demoIssueUsers()
	specs := [][2]string{{"033000", "Cast-in-Place Concrete"}, {"081113", "Hollow Metal Doors and Frames"}}
	packages := []string{"Structure package", "Doors package"}
	titles := []string{"Concrete mix design", "Rebar shop drawings", "Formwork layout", "Curing compound data",
		"Door frame shop drawings", "Door hardware samples", "Fire rating certificates", "Finish samples"}
	created := time.UnixMilli(demoEpochMs).UTC()
	var items []submittalItemJSON
	for n := 1; n <= 12; n++ {
		spec := specs[n%2]
		st := submittalStates()[n%len(submittalStates())]
		at := created.Add(time.Duration(n) * 30 * time.Hour)
		due := at.Add(14 * 24 * time.Hour).Format(issuesDateLayout)
		pkgID, pkgTitle := demoUUID(fmt.Sprintf("submittal package %s %d", projectID, n%2)), packages[n%2]
		pkgNumber := fmt.Sprintf("%d", n%2+1)
		it := submittalItemJSON{
			ID: demoUUID(fmt.Sprintf("submittal %s %d", projectID, n)), Identifier: n,
			CustomIdentifier: fmt.Sprintf("%02d", n), CustomIdentifierHumanReadable: fmt.Sprintf("%s-%02d", spec[0], n),
			TypeID: "tsub1", SpecID: demoUUID("submittal spec " + spec[0]), SpecIdentifier: spec[0], SpecTitle: spec[1],
			Title: titles[n%len(titles)], Description: "Submitted for review per the specification.",
			Priority: []string{"Low", "Normal", "High"}[n%3], Revision: n % 3, StateID: st[0], StatusID: st[1],
			BallInCourtUsers: []string{}, BallInCourtCompanies: []string{}, BallInCourtRoles: []string{}, BallInCourtType: st[2],
			Manager: users[n%len(users)], ManagerType: "1", Watchers: []any{}, DueDate: &due,
			PackageID: &pkgID, PackageIdentifier: &pkgNumber, PackageTitle: &pkgTitle,
			FolderURN: "urn:adsk.wipprod:fs.folder:co.submittal-" + fmt.Sprint(n),
			CreatedAt: at.Format(issuesTimeLayout), CreatedBy: users[(n+1)%len(users)],
			UpdatedAt: at.Add(24 * time.Hour).Format(issuesTimeLayout), UpdatedBy: users[(n+2)%len(users)], PermittedActions: []any{},
		}
		if st[2] != "" {
			it.BallInCourtUsers = []string{users[(n+3)%len(users)]}
		}
		if st[0] == "sbc-2" {
			resp, comment, by := demoUUID("submittal response approved"), "Approved as noted.", it.Manager
			it.ResponseID, it.ResponseComment, it.RespondedAt, it.RespondedBy = &resp, &comment, &it.UpdatedAt, &by
		}
		items = append(items, it)
	}
	e.submittals = map[string][]submittalItemJSON{projectID: items}
}
