package apsemu

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// projectUserJSON is one project user as GET projects/{projectId}/users
// sends it: the spec's ProjectUser members the emulator fills, in its
// order.
type projectUserJSON struct {
	Email        string          `json:"email"`
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	FirstName    string          `json:"firstName"`
	LastName     string          `json:"lastName"`
	AutodeskID   string          `json:"autodeskId"`
	JobTitle     string          `json:"jobTitle"`
	AccessLevels accessLevels    `json:"accessLevels"`
	AddedOn      string          `json:"addedOn"`
	UpdatedAt    string          `json:"updatedAt"`
	CompanyID    string          `json:"companyId"`
	CompanyName  string          `json:"companyName"`
	RoleIDs      []string        `json:"roleIds"`
	Roles        []projectRole   `json:"roles"`
	Status       string          `json:"status"`
	Products     []productAccess `json:"products"`
}

type accessLevels struct {
	AccountAdmin bool `json:"accountAdmin"`
	ProjectAdmin bool `json:"projectAdmin"`
	Executive    bool `json:"executive"`
}

// any reports whether the user has one of the named levels.
func (a accessLevels) any(levels []string) bool {
	has := map[string]bool{"accountAdmin": a.AccountAdmin, "projectAdmin": a.ProjectAdmin, "executive": a.Executive}
	return slices.ContainsFunc(levels, func(l string) bool { return has[l] })
}

type projectRole struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type productAccess struct {
	Key    string `json:"key"`
	Access string `json:"access"`
}

// demoPerson is someone of the demo projects' teams: the people issues
// are created by and assigned to (demoIssueUsers), and a former member.
// Signed-in users (Users) join the projects of their hubs besides them.
type demoPerson struct {
	autodeskID, first, last, email, job, role string
	company                                   int // index of demoCompanyNames, whose IDs issues assign to
	status                                    string
	access                                    accessLevels
}

// demoCompanyNames name the companies issues are assigned to: company i
// has the ID demoUUID("company <i>").
func demoCompanyNames() []string {
	return []string{"Contoso Builders", "Northwind Electrical", "Fabrikam Façades"}
}

// demoPeople are the demo teams. Their IDs are demoIssueUsers, the
// demo user's excepted (Users has it), plus one deleted member.
func demoPeople() []demoPerson {
	return []demoPerson{
		{"A3RGM375QTZ7", "Priya", "Natarajan", "priya.natarajan@contoso.example", "Project Manager", "Project Manager", 0, userStatusActive, accessLevels{AccountAdmin: true, ProjectAdmin: true}},
		{"B7QH2KLM9XRT", "Jonas", "Weber", "jonas.weber@contoso.example", "Site Engineer", "Site Engineer", 0, userStatusActive, accessLevels{}},
		{"C4NP8WD2FJ6S", "Mei", "Tanaka", "mei.tanaka@northwind.example", "Electrical Lead", "Subcontractor", 1, userStatusActive, accessLevels{Executive: true}},
		{"D9LK3MZT5QWE", "Luis", "García", "luis.garcia@fabrikam.example", "Façade Engineer", "Subcontractor", 2, userStatusPending, accessLevels{}},
		{"E2RT6YUP8KJH", "Olu", "Adeyemi", "olu.adeyemi@contoso.example", "Quality Manager", "Quality Manager", 0, userStatusDeleted, accessLevels{}},
	}
}

// projectUsers are the members of project p of hub h: the demo people
// and every registered user who is a member of h (the demo user is a
// member of every hub), each with an ACC ID derived from the project.
func (e *Emulator) projectUsers(p Project, h Hub) []projectUserJSON {
	companies := demoCompanyNames()
	added := time.UnixMilli(demoEpochMs).UTC()
	var out []projectUserJSON
	for i, d := range demoPeople() {
		out = append(out, projectUser(p, d, companies, added.Add(time.Duration(i)*24*time.Hour)))
	}
	for _, u := range e.Users() {
		if !u.AllHubs && !slices.Contains(u.Hubs, h.ID) {
			continue
		}
		d := demoPerson{autodeskID: u.ID, first: u.GivenName, last: u.FamilyName, email: u.Email, job: "Architect", role: "Architect",
			status: userStatusActive, access: accessLevels{ProjectAdmin: u.AllHubs}}
		out = append(out, projectUser(p, d, companies, added.Add(time.Hour)))
	}
	return out
}

func projectUser(p Project, d demoPerson, companies []string, added time.Time) projectUserJSON {
	role := projectRole{ID: demoUUID("role " + d.role), Name: d.role}
	products := []productAccess{{Key: "docs", Access: "member"}, {Key: "build", Access: "member"}}
	if d.access.ProjectAdmin {
		products = []productAccess{{Key: "docs", Access: "administrator"}, {Key: "build", Access: "administrator"}, {Key: "projectAdministration", Access: "administrator"}}
	}
	return projectUserJSON{
		Email: d.email, ID: demoUUID("project user " + strings.TrimPrefix(p.ID, bim360AccountPrefix) + " " + d.autodeskID),
		Name: strings.TrimSpace(d.first + " " + d.last), FirstName: d.first, LastName: d.last, AutodeskID: d.autodeskID,
		JobTitle: d.job, AccessLevels: d.access, AddedOn: added.Format(issuesTimeLayout), UpdatedAt: added.Add(48 * time.Hour).Format(issuesTimeLayout),
		CompanyID: demoUUID("company " + strconv.Itoa(d.company)), CompanyName: companies[d.company],
		RoleIDs: []string{role.ID}, Roles: []projectRole{role}, Status: d.status, Products: products,
	}
}
