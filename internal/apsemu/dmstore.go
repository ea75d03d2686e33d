package apsemu

import (
	"cmp"
	"slices"
	"strings"
)

// Data Management extension types (NOTES §5.4).
const (
	hubTypeBIM360       = "hubs:autodesk.bim360:Account"
	hubTypeCore         = "hubs:autodesk.core:Hub"
	hubTypePersonal     = "hubs:autodesk.a360:PersonalHub"
	projectTypeBIM360   = "projects:autodesk.bim360:Project"
	projectTypeCore     = "projects:autodesk.core:Project"
	defaultProjectKind  = "ACC" // extension.data.projectType of new BIM 360/ACC projects
	bim360AccountPrefix = "b."  // hub and project IDs of BIM 360/ACC accounts
)

// Hub is a Data Management hub as the emulator stores it.
type Hub struct {
	ID, Name, Type /* extension type */, Region string
	// Unreachable marks a hub whose region the user cannot reach: GET hubs
	// leaves it out and adds a meta.warnings entry for its region instead.
	Unreachable bool
}

// Project is a Data Management project as the emulator stores it.
type Project struct {
	ID, HubID, Name, Type /* extension type */, ProjectType string
}

// Hubs returns every hub, including unreachable ones, in the order GET
// /project/v1/hubs lists them: by name, then by ID (byte order).
func (e *Emulator) Hubs() []Hub {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hubsLocked()
}

// Projects returns the projects of a hub in the order GET
// /project/v1/hubs/{hub_id}/projects lists them: by name, then by ID (byte
// order).
func (e *Emulator) Projects(hubID string) []Project {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.projectsLocked(hubID)
}

// AddHub stores h, replacing any hub with the same ID. Empty fields get
// defaults: Type hubs:autodesk.bim360:Account for a "b." ID and
// hubs:autodesk.core:Hub otherwise, Region US.
func (e *Emulator) AddHub(h Hub) {
	if h.Type == "" {
		h.Type = hubTypeCore
		if strings.HasPrefix(h.ID, bim360AccountPrefix) {
			h.Type = hubTypeBIM360
		}
	}
	if h.Region == "" {
		h.Region = defaultRegion
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.hubs[h.ID] = h
}

// AddProject stores p, replacing any project with the same hub and ID. The
// hub need not exist yet, but the project is only served once it does.
// Empty fields get defaults: Type projects:autodesk.bim360:Project for a
// "b." ID and projects:autodesk.core:Project otherwise; ProjectType ACC for
// BIM 360/ACC projects.
func (e *Emulator) AddProject(p Project) {
	if p.Type == "" {
		p.Type = projectTypeCore
		if strings.HasPrefix(p.ID, bim360AccountPrefix) {
			p.Type = projectTypeBIM360
		}
	}
	if p.ProjectType == "" && p.Type == projectTypeBIM360 {
		p.ProjectType = defaultProjectKind
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	putNested(e.projects, p.HubID, p.ID, p)
}

// hubsLocked returns every hub in listing order. e.mu must be held.
func (e *Emulator) hubsLocked() []Hub {
	out := make([]Hub, 0, len(e.hubs))
	for _, h := range e.hubs {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Hub) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out
}

// projectsLocked returns a hub's projects in listing order. e.mu must be held.
func (e *Emulator) projectsLocked(hubID string) []Project {
	out := make([]Project, 0, len(e.projects[hubID]))
	for _, p := range e.projects[hubID] {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Project) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out
}

// hub returns the hub with the given ID.
func (e *Emulator) hub(id string) (Hub, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	h, ok := e.hubs[id]
	return h, ok
}

// project returns one project of a hub.
func (e *Emulator) project(hubID, projectID string) (Project, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, ok := e.projects[hubID][projectID]
	return p, ok
}
