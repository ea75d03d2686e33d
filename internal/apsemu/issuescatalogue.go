package apsemu

import (
	"fmt"
	"time"
)

// permissions are what the demo user may do with a catalogue entry or
// comment: nothing the emulator models, so both lists are empty.
type permissions struct {
	PermittedActions    []string `json:"permittedActions"`
	PermittedAttributes []string `json:"permittedAttributes"`
}

// noPermissions is the permissions of every seeded entry.
func noPermissions() permissions {
	return permissions{PermittedActions: []string{}, PermittedAttributes: []string{}}
}

// typeAudit is who created, changed and deleted an issue type or subtype,
// and when, members in the spec's order.
type typeAudit struct {
	CreatedBy string  `json:"createdBy"`
	CreatedAt string  `json:"createdAt"`
	UpdatedBy string  `json:"updatedBy"`
	UpdatedAt string  `json:"updatedAt"`
	DeletedBy *string `json:"deletedBy"`
	DeletedAt *string `json:"deletedAt"`
}

// deletion is when and by whom a root cause or its category was deleted.
type deletion struct {
	DeletedAt *string `json:"deletedAt"`
	DeletedBy *string `json:"deletedBy"`
}

// issueTypeJSON is one issue type (a "category" in the ACC UI); Subtypes
// (its "types") only with include=subtypes.
type issueTypeJSON struct {
	ID          string `json:"id"`
	ContainerID string `json:"containerId"`
	Title       string `json:"title"`
	IsActive    bool   `json:"isActive"`
	OrderIndex  int    `json:"orderIndex"`
	permissions
	Subtypes []issueSubtypeJSON `json:"subtypes,omitempty"`
	typeAudit
}

// issueSubtypeJSON is one subtype of an issue type.
type issueSubtypeJSON struct {
	ID          string `json:"id"`
	IssueTypeID string `json:"issueTypeId"`
	Title       string `json:"title"`
	Code        string `json:"code"`
	IsActive    bool   `json:"isActive"`
	OrderIndex  int    `json:"orderIndex"`
	IsReadOnly  bool   `json:"isReadOnly"`
	permissions
	typeAudit
}

// rootCauseCategoryJSON is one root cause category; RootCauses only with
// include=rootcauses.
type rootCauseCategoryJSON struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	IsActive bool   `json:"isActive"`
	permissions
	RootCauses []rootCauseJSON `json:"rootCauses,omitempty"`
	CreatedAt  string          `json:"createdAt"`
	CreatedBy  string          `json:"createdBy"`
	UpdatedAt  string          `json:"updatedAt"`
	UpdatedBy  string          `json:"updatedBy"`
	deletion
}

// rootCauseJSON is one root cause of a category.
type rootCauseJSON struct {
	ID                  string `json:"id"`
	RootCauseCategoryID string `json:"rootCauseCategoryId"`
	Title               string `json:"title"`
	IsActive            bool   `json:"isActive"`
	permissions
	deletion
}

// catalogueEntry is a named, possibly retired entry of a project's issue
// settings: an issue type or subtype, a root cause category or root cause.
type catalogueEntry struct {
	title, code string // code: the 3-character pin label of subtypes
	active      bool
	children    []catalogueEntry
}

// demoIssueTypes is the issue type catalogue every ACC project has. ACC
// seeds projects with its own defaults; these are smaller but shaped alike,
// with one retired subtype.
func demoIssueTypes() []catalogueEntry {
	return []catalogueEntry{
		{title: "Quality", active: true, children: []catalogueEntry{
			{title: "Defect", code: "DEF", active: true},
			{title: "Punch list", code: "PUN", active: true},
			{title: "Observation", code: "OBS", active: false},
		}},
		{title: "Safety", active: true, children: []catalogueEntry{
			{title: "Hazard", code: "HAZ", active: true},
			{title: "Near miss", code: "NMS", active: true},
		}},
		{title: "Design", active: true, children: []catalogueEntry{
			{title: "Clash", code: "CLS", active: true},
			{title: "Design change", code: "DCH", active: true},
			{title: "Coordination", code: "COO", active: true},
		}},
	}
}

// demoRootCauses is the root cause catalogue every ACC project has.
func demoRootCauses() []catalogueEntry {
	return []catalogueEntry{
		{title: "Design", active: true, children: []catalogueEntry{
			{title: "Design error", active: true},
			{title: "Incomplete design", active: true},
			{title: "Design change", active: true},
		}},
		{title: "Installation", active: true, children: []catalogueEntry{
			{title: "Poor workmanship", active: true},
			{title: "Wrong material", active: true},
			{title: "Damage by others", active: false},
		}},
	}
}

// demoCatalogueAuthor created every project's issue settings.
const demoCatalogueAuthor = "A3RGM375QTZ7"

// catalogueTime is when every project's issue settings were created.
func catalogueTime() string {
	return time.UnixMilli(demoEpochMs).UTC().Format(issuesTimeLayout)
}

// issueTypesFor renders a project's issue types, subtypes included. IDs
// derive from the project, so each project has its own.
func issueTypesFor(projectID string) []issueTypeJSON {
	at := catalogueTime()
	audit := typeAudit{CreatedBy: demoCatalogueAuthor, CreatedAt: at, UpdatedBy: demoCatalogueAuthor, UpdatedAt: at}
	var out []issueTypeJSON
	for i, t := range demoIssueTypes() {
		typeID := demoUUID(fmt.Sprintf("issue type %s %s", projectID, t.title))
		it := issueTypeJSON{
			ID: typeID, ContainerID: projectID, Title: t.title, IsActive: t.active, OrderIndex: i,
			permissions: noPermissions(), typeAudit: audit,
		}
		for j, s := range t.children {
			it.Subtypes = append(it.Subtypes, issueSubtypeJSON{
				ID:          demoUUID(fmt.Sprintf("issue subtype %s %s %s", projectID, t.title, s.title)),
				IssueTypeID: typeID, Title: s.title, Code: s.code, IsActive: s.active, OrderIndex: j,
				permissions: noPermissions(), typeAudit: audit,
			})
		}
		out = append(out, it)
	}
	return out
}

// rootCauseCategoriesFor renders a project's root cause categories, root
// causes included.
func rootCauseCategoriesFor(projectID string) []rootCauseCategoryJSON {
	at := catalogueTime()
	var out []rootCauseCategoryJSON
	for _, c := range demoRootCauses() {
		catID := demoUUID(fmt.Sprintf("root cause category %s %s", projectID, c.title))
		rc := rootCauseCategoryJSON{
			ID: catID, Title: c.title, IsActive: c.active, permissions: noPermissions(),
			CreatedAt: at, CreatedBy: demoCatalogueAuthor, UpdatedAt: at, UpdatedBy: demoCatalogueAuthor,
		}
		for _, r := range c.children {
			rc.RootCauses = append(rc.RootCauses, rootCauseJSON{
				ID:                  demoUUID(fmt.Sprintf("root cause %s %s %s", projectID, c.title, r.title)),
				RootCauseCategoryID: catID, Title: r.title, IsActive: r.active, permissions: noPermissions(),
			})
		}
		out = append(out, rc)
	}
	return out
}
