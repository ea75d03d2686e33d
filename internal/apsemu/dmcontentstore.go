package apsemu

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"time"
)

// Data Management content extension types.
const (
	folderTypeBIM360 = "folders:autodesk.bim360:Folder"
	folderTypeCore   = "folders:autodesk.core:Folder"
	itemTypeFile     = "items:autodesk.bim360:File"
	itemTypeC4R      = "items:autodesk.bim360:C4RModel"
	versionTypeFile  = "versions:autodesk.bim360:File"
	versionTypeC4R   = "versions:autodesk.bim360:C4RModel"
)

// ID prefixes of DM content (NOTES §1.3).
const (
	folderIDPrefix  = "urn:adsk.wipprod:fs.folder:co."
	itemIDPrefix    = "urn:adsk.wipprod:dm.lineage:"
	versionIDPrefix = "urn:adsk.wipprod:fs.file:vf."
)

// Standard top folder names of BIM 360 / ACC projects.
const (
	topFolderProjectFiles = "Project Files"
	topFolderPlans        = "Plans"
)

// Folder is a Data Management folder as the emulator stores it.
type Folder struct {
	ID        string // urn:adsk.wipprod:fs.folder:co.<id>
	ProjectID string // the DM project ID, with "b."
	ParentID  string // empty for the project's root folder
	Name      string
	Hidden    bool // deleted: BIM 360/ACC hide folders rather than remove them
}

// Entry is one entry of a folder's contents: a subfolder or an item.
type Entry struct {
	Type   string // "folders" or "items", as JSON:API names them
	ID     string // folder ID, or item (lineage) ID urn:adsk.wipprod:dm.lineage:<id>
	Name   string // folder name or item displayName
	Hidden bool
}

// Version is one version of a Data Management item.
type Version struct {
	ID        string // urn:adsk.wipprod:fs.file:vf.<id>?version=<n>
	ItemID    string
	ProjectID string
	Number    int // versionNumber, from 1
	Name      string
	// StorageID is the OSS object holding the file,
	// urn:adsk.objects:os.object:wip.dm.prod/<uuid>.<ext> (it exists in
	// the emulator's OSS store).
	StorageID string
	// DerivativeURN is the Model Derivative {urn} of the version: its ID in
	// URL-safe base64 without padding.
	DerivativeURN string
	// ManifestStatus is the status of the version's Model Derivative
	// manifest ("success" or "inprogress"), empty when it was never
	// translated (GET manifest answers 404).
	ManifestStatus string
}

// dmFolder is a stored folder with what the API reports beyond Folder.
type dmFolder struct {
	Folder
	extType      string
	created      time.Time
	rollup       time.Time // latest modification of anything below it
	user         string    // creator and last modifier
	projectFiles bool      // "Project Files": what projectFilesOnly keeps
	folders      []string  // subfolder IDs in listing order
	items        []string  // item IDs in listing order
}

// dmItem is a stored item (a file's lineage).
type dmItem struct {
	id, projectID, folderID, name string
	hidden                        bool
	c4r                           bool         // a Revit cloud model: C4RModel extension types
	versions                      []*dmVersion // oldest first; the last one is the tip
	reservedBy                    string       // the user who reserved (locked) the item, if anyone did
	reservedAt                    time.Time
}

// tip returns the item's latest version.
func (it *dmItem) tip() *dmVersion { return it.versions[len(it.versions)-1] }

// dmVersion is a stored version.
type dmVersion struct {
	Version
	created time.Time
	user    string
	size    int64
}

// dmContent is one project's folders, items and versions. Seeded content
// is written while New runs and never changed afterwards, so handlers read
// it without holding e.mu.
type dmContent struct {
	root     string
	folders  map[string]*dmFolder
	items    map[string]*dmItem
	versions map[string]*dmVersion
}

// TopFolders returns the top folders of a project (the subfolders of its
// root folder), hidden ones included, in the order GET topFolders lists
// them; nil for an unknown project. Every BIM 360/ACC project has at least
// "Plans" and "Project Files"; other projects have none.
func (e *Emulator) TopFolders(projectID string) []Folder {
	p, _, ok := e.findProject(projectID)
	if !ok {
		return nil
	}
	c := e.contentOf(p)
	var out []Folder
	for _, id := range c.folders[c.root].folders {
		out = append(out, c.folders[id].Folder)
	}
	return out
}

// FolderContents returns a folder's subfolders and items, hidden ones
// included, in the order GET contents lists them: subfolders by name, then
// items by name (byte order). It returns nil for an unknown project or
// folder.
func (e *Emulator) FolderContents(projectID, folderID string) []Entry {
	p, _, ok := e.findProject(projectID)
	if !ok {
		return nil
	}
	c := e.contentOf(p)
	f, ok := c.folders[folderID]
	if !ok {
		return nil
	}
	return c.entries(f)
}

// Versions returns the versions of an item, newest first as GET versions
// lists them; nil for an unknown project or item.
func (e *Emulator) Versions(projectID, itemID string) []Version {
	p, _, ok := e.findProject(projectID)
	if !ok {
		return nil
	}
	it, ok := e.contentOf(p).items[itemID]
	if !ok {
		return nil
	}
	out := make([]Version, 0, len(it.versions))
	for i := len(it.versions) - 1; i >= 0; i-- {
		out = append(out, it.versions[i].Version)
	}
	return out
}

// entries lists f's contents in listing order.
func (c *dmContent) entries(f *dmFolder) []Entry {
	out := make([]Entry, 0, len(f.folders)+len(f.items))
	for _, id := range f.folders {
		sub := c.folders[id]
		out = append(out, Entry{Type: "folders", ID: sub.ID, Name: sub.Name, Hidden: sub.Hidden})
	}
	for _, id := range f.items {
		it := c.items[id]
		out = append(out, Entry{Type: "items", ID: it.id, Name: it.name, Hidden: it.hidden})
	}
	return out
}

// searchItems appends the visible items below f to out in search order:
// each folder's items, then its subfolders depth-first.
func (c *dmContent) searchItems(f *dmFolder, out []*dmItem) []*dmItem {
	for _, id := range f.items {
		if it := c.items[id]; !it.hidden {
			out = append(out, it)
		}
	}
	for _, id := range f.folders {
		if sub := c.folders[id]; !sub.Hidden {
			out = c.searchItems(sub, out)
		}
	}
	return out
}

// findProject finds a project by its ID in any hub, reachable or not.
func (e *Emulator) findProject(projectID string) (Project, Hub, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for hubID, projs := range e.projects {
		if p, ok := projs[projectID]; ok {
			if h, ok := e.hubs[hubID]; ok {
				return p, h, true
			}
		}
	}
	return Project{}, Hub{}, false
}

// contentOf returns a project's content: what was seeded, or else the
// content every project starts with, derived from its ID (a root folder,
// and for BIM 360/ACC projects the top folders "Plans" and "Project
// Files", all empty). Deriving it on demand keeps New fast and gives
// projects added with AddProject folders too.
func (e *Emulator) contentOf(p Project) *dmContent {
	if c, ok := e.content[p.ID]; ok {
		return c
	}
	return newProjectContent(p)
}

// newProjectContent builds a project's initial content: its root folder
// and, for BIM 360/ACC projects, the two standard top folders. Folders of
// the project start at the demo epoch, created by the first demo user.
func newProjectContent(p Project) *dmContent {
	c := &dmContent{
		root:     rootFolderID(p.ID),
		folders:  make(map[string]*dmFolder),
		items:    make(map[string]*dmItem),
		versions: make(map[string]*dmVersion),
	}
	extType := folderTypeCore
	if p.Type == projectTypeBIM360 {
		extType = folderTypeBIM360
	}
	epoch := time.UnixMilli(demoEpochMs).UTC()
	c.folders[c.root] = &dmFolder{
		Folder:  Folder{ID: c.root, ProjectID: p.ID, Name: rootFolderName(p.ID)},
		extType: extType, created: epoch, rollup: epoch, user: demoDMUsers()[0].id,
	}
	if p.Type == projectTypeBIM360 {
		c.addFolder(c.root, topFolderProjectFiles, epoch).projectFiles = true
		c.addFolder(c.root, topFolderPlans, epoch)
	}
	c.finish()
	return c
}

// rootFolderName names a project's root folder. The name APS gives it is
// unverified; the emulator uses "<project ID without b.>-root-folder".
func rootFolderName(projectID string) string {
	return strings.TrimPrefix(projectID, bim360AccountPrefix) + "-root-folder"
}

// addFolder adds a subfolder named name to parent, created at t by the
// parent's creator, and returns it. IDs derive from the project and the
// folder's path, so they never change between runs.
func (c *dmContent) addFolder(parentID, name string, t time.Time) *dmFolder {
	parent := c.folders[parentID]
	f := &dmFolder{
		Folder:  Folder{ID: folderIDPrefix + contentIDPart("folder", parent.ProjectID, parentID, name), ProjectID: parent.ProjectID, ParentID: parentID, Name: name},
		extType: parent.extType, created: t, rollup: t, user: parent.user,
	}
	c.folders[f.ID] = f
	parent.folders = append(parent.folders, f.ID)
	return f
}

// contentIDPart derives the 22-character URL-safe base64 part of a DM ID.
func contentIDPart(parts ...string) string {
	sum := sha256.Sum256([]byte("apsemu dm " + strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:22]
}

// finish sorts every folder's listing and computes lastModifiedTimeRollup
// bottom-up; seeding calls it once all content is in.
func (c *dmContent) finish() {
	for _, f := range c.folders {
		slices.SortFunc(f.folders, func(a, b string) int {
			return cmp.Or(cmp.Compare(c.folders[a].Name, c.folders[b].Name), cmp.Compare(a, b))
		})
		slices.SortFunc(f.items, func(a, b string) int {
			return cmp.Or(cmp.Compare(c.items[a].name, c.items[b].name), cmp.Compare(a, b))
		})
	}
	c.rollup(c.folders[c.root])
}

// rollup sets f.rollup to the latest modification in f's subtree and returns it.
func (c *dmContent) rollup(f *dmFolder) time.Time {
	latest := f.created
	for _, id := range f.folders {
		latest = maxTime(latest, c.rollup(c.folders[id]))
	}
	for _, id := range f.items {
		latest = maxTime(latest, c.items[id].tip().created)
	}
	f.rollup = latest
	return latest
}

// maxTime returns the later of a and b.
func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// pathOf is the slash-separated path of folder names from the root's
// subfolders down to id, e.g. "/Project Files/Architecture".
func (c *dmContent) pathOf(id string) string {
	var names []string
	for f := c.folders[id]; f != nil && f.ParentID != ""; f = c.folders[f.ParentID] {
		names = append(names, f.Name)
	}
	slices.Reverse(names)
	return "/" + strings.Join(names, "/")
}

// ancestors lists the folders above id, the root first.
func (c *dmContent) ancestors(id string) []*dmFolder {
	var out []*dmFolder
	for f := c.folders[c.folders[id].ParentID]; f != nil; f = c.folders[f.ParentID] {
		out = append(out, f)
	}
	slices.Reverse(out)
	return out
}

// dmStorageVisible reports whether the caller may download an object of
// the DM storage bucket: a user who sees the project whose version the
// object holds.
func (e *Emulator) dmStorageVisible(info tokenInfo, bucketKey, objectKey string) bool {
	if bucketKey != dmStorageBucket || info.userID == "" {
		return false
	}
	projectID, ok := e.dmStorage[objectKey]
	if !ok {
		return false
	}
	_, h, ok := e.findProject(projectID)
	return ok && !h.Unreachable && e.seesHub(info, h.ID)
}
