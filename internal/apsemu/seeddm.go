package apsemu

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The DM storage bucket: where Data Management keeps the files of
// versions. As on APS it belongs to DM's own app, so no client can list
// it; DM users download its objects through signeds3download.
const (
	dmStorageBucket = "wip.dm.prod"
	dmStorageOwner  = "apsemu-dm-storage-service" // a client ID no registered client has
)

// demoSheetCount is the number of sheets in the tower project's "Sheets"
// folder: with its subfolder, more than one 200-entry contents page.
const demoSheetCount = 230

// demoDMUser is a user who creates DM content.
type demoDMUser struct{ id, name string }

// demoDMUsers are the users DM content is created by: the issue users,
// with names (several non-ASCII).
func demoDMUsers() []demoDMUser {
	ids := demoIssueUsers()
	names := []string{"Aiko Tanaka", "Demo User", "Jürgen Müller", "Zoë Martin", "Lars Øberg"}
	out := make([]demoDMUser, len(ids))
	for i, id := range ids {
		out[i] = demoDMUser{id: id, name: names[i]}
	}
	return out
}

// demoDMUserName is the name of a DM user, the ID itself for strangers.
func demoDMUserName(id string) string {
	for _, u := range demoDMUsers() {
		if u.id == id {
			return u.name
		}
	}
	return id
}

// demoTowerProjectID is the DM ID of "Project 001 – Tower", the big hub's
// first project: the one with the demo issues and most DM content.
func demoTowerProjectID() string { return bim360AccountPrefix + demoIssuesProjectID() }

// demoZurichProjectID is the DM ID of "Bahnhof Zürich – Umbau" in the
// EMEA hub, whose derivatives are stored in EMEA.
func demoZurichProjectID() string { return bim360AccountPrefix + demoSmallIssuesProjectID() }

// Tip translation states a seeded file may ask for; success is the default.
const (
	tipTranslated   = ""
	tipInProgress   = manifestInProgress
	tipUntranslated = "none"
)

// demoFile is a seeded item: its name, version count and quirks.
type demoFile struct {
	name     string
	versions int
	tip      string // tipTranslated, tipInProgress or tipUntranslated
	hidden   bool   // deleted
	c4r      bool   // a Revit cloud model
	reserved bool   // reserved (locked) by a user after its last version
}

// demoFolder is a seeded folder: subfolders, then files.
type demoFolder struct {
	name    string
	hidden  bool // deleted
	folders []demoFolder
	files   []demoFile
}

// towerContent is the tower project's content below its top folders.
func towerContent() []demoFolder {
	sheets := make([]demoFile, 0, demoSheetCount)
	titles := []string{"Grundriss", "Élévation Nord", "Section B-B", "Detail", "平面図"}
	for i := 1; i <= demoSheetCount; i++ {
		sheets = append(sheets, demoFile{name: fmt.Sprintf("A-%03d – %s.pdf", i, titles[(i-1)%len(titles)]), versions: 1 + i%2})
	}
	return []demoFolder{
		{
			name: topFolderProjectFiles,
			folders: []demoFolder{
				{name: "Architecture", files: []demoFile{
					{name: "Tower – Architecture.rvt", versions: 4, c4r: true},
					{name: "Tower – Structure.rvt", versions: 3, tip: tipInProgress},
					{name: "Façade Détails.dwg", versions: 2, reserved: true},
					{name: "Old Concept.rvt", versions: 1, hidden: true},
				}},
				{name: "Coordination", files: []demoFile{
					{name: "Tower – Federated.nwd", versions: 2},
					{name: "Clash Report Ü3.pdf", versions: 1, tip: tipUntranslated},
				}},
				{name: "Sheets", folders: []demoFolder{
					{name: "Superseded", files: []demoFile{{name: "A-000 – Cover (old).pdf", versions: 1}}},
				}, files: sheets},
			},
			files: []demoFile{
				{name: "Tower – Site Plan.dwg", versions: 2},
				{name: "設計図 – 配置.dwg", versions: 1},
				{name: "README.pdf", versions: 1},
			},
		},
		{name: "Archive", hidden: true, files: []demoFile{{name: "Tender Set 2023.pdf", versions: 1}}},
		{
			name: topFolderPlans,
			files: []demoFile{
				{name: "Level 01 – Plan.pdf", versions: 3},
				{name: "Level 02 – Plan.pdf", versions: 1},
				{name: "Schnitt A–A.pdf", versions: 2},
			},
		},
	}
}

// zurichContent is the Zürich project's content below its top folders.
func zurichContent() []demoFolder {
	return []demoFolder{
		{
			name: topFolderProjectFiles,
			folders: []demoFolder{
				{name: "Bestand", files: []demoFile{
					{name: "Bahnhof – Bestand.rvt", versions: 2},
					{name: "Gleisplan Übersicht.dwg", versions: 1},
				}},
			},
			files: []demoFile{{name: "Brandschutzkonzept.pdf", versions: 1}},
		},
		{name: topFolderPlans, files: []demoFile{{name: "Übersichtsplan.pdf", versions: 2}}},
	}
}

// demoTranslatedObjects are the objects of the demo buckets that have
// been translated, as bucket and key: every design of the demo models
// bucket, the .iam assemblies and the odd keys that are drawings, models
// or PDFs (non-ASCII, spaces, "/", "&", ";" and "," among them), not the
// .ipt parts or the .txt notes; and model.rvt of the first numbered
// bucket. The rule is one a reader can apply to a listing (the package
// doc and the README state it).
func demoTranslatedObjects() [][2]string {
	var out [][2]string
	for i := 10; i <= demoPartCount; i += 10 {
		out = append(out, [2]string{demoModelsBucket, fmt.Sprintf("part-%04d.iam", i)})
	}
	for _, key := range demoOddObjectKeys() {
		if isDemoDesign(key) {
			out = append(out, [2]string{demoModelsBucket, key})
		}
	}
	return append(out, [2]string{demoBucketKey(1), "model.rvt"})
}

// isDemoDesign reports whether a demo object is a design Model Derivative
// translates, by its extension.
func isDemoDesign(key string) bool {
	switch path.Ext(key) {
	case ".iam", ".rvt", ".dwg", ".pdf", ".ifc", ".f3d":
		return true
	}
	return false
}

// seedDemoContent fills the tower and Zürich projects with folders, items
// and versions, stores every version's file in the DM storage bucket and
// its translation (in its hub's region), and translates some objects of
// the demo models bucket.
func seedDemoContent(e *Emulator) {
	e.AddBucket(Bucket{Key: dmStorageBucket, Owner: dmStorageOwner, Region: "US", PolicyKey: "persistent", CreatedDate: demoEpochMs - 2*dayMs})
	seedProjectContent(e, demoTowerProjectID(), towerContent())
	seedProjectContent(e, demoZurichProjectID(), zurichContent())
	for _, obj := range demoTranslatedObjects() {
		bucket, key := obj[0], obj[1]
		source := ossObjectIDPrefix + bucket + "/" + key
		e.translations[source] = &translation{source: source, owner: e.owner, region: defaultRegion, status: manifestSuccess, name: path.Base(key)}
	}
}

// contentSeeder fills one project, handing out creation times in order.
type contentSeeder struct {
	e      *Emulator
	c      *dmContent
	p      Project
	region string
	clock  time.Time
}

// tick advances the seeder's clock and returns it: content is created
// hours apart, so every timestamp differs.
func (s *contentSeeder) tick() time.Time {
	s.clock = s.clock.Add(97 * time.Minute)
	return s.clock
}

// seedProjectContent fills a seeded project's top folders with their
// subfolders and files; top folders other than the standard ones are
// added.
func seedProjectContent(e *Emulator, projectID string, top []demoFolder) {
	p, h, ok := e.findProject(projectID)
	if !ok {
		panic("apsemu: demo project " + projectID + " is not seeded")
	}
	s := &contentSeeder{e: e, c: newProjectContent(p), p: p, region: h.Region, clock: time.UnixMilli(demoEpochMs).UTC()}
	for _, spec := range top {
		i := slices.IndexFunc(s.c.folders[s.c.root].folders, func(id string) bool { return s.c.folders[id].Name == spec.name })
		if i < 0 {
			s.subfolder(s.c.root, spec)
			continue
		}
		s.fill(s.c.folders[s.c.root].folders[i], spec)
	}
	s.c.finish()
	e.content[p.ID] = s.c
}

// subfolder adds spec as a new subfolder of parent, with its content.
func (s *contentSeeder) subfolder(parent string, spec demoFolder) {
	f := s.c.addFolder(parent, spec.name, s.tick())
	f.Hidden = spec.hidden
	s.fill(f.ID, spec)
}

// fill adds spec's subfolders and files to folder id.
func (s *contentSeeder) fill(id string, spec demoFolder) {
	for _, sub := range spec.folders {
		s.subfolder(id, sub)
	}
	for _, file := range spec.files {
		s.addItem(id, file)
	}
}

// addItem adds one file with its versions. Item and version IDs share
// their random-looking part, as on APS (lineage <id>, vf.<id>?version=n).
func (s *contentSeeder) addItem(folderID string, file demoFile) {
	part := contentIDPart("item", s.p.ID, folderID, file.name)
	it := &dmItem{id: itemIDPrefix + part, projectID: s.p.ID, folderID: folderID, name: file.name, hidden: file.hidden, c4r: file.c4r}
	ext := strings.ToLower(path.Ext(file.name))
	users := demoDMUsers()
	for n := 1; n <= file.versions; n++ {
		id := versionIDPrefix + part + "?version=" + strconv.Itoa(n)
		key := demoUUID("dm storage "+id) + ext
		obj := demoObject(dmStorageBucket, key)
		s.e.AddObject(obj)
		s.e.dmStorage[key] = s.p.ID
		status := manifestSuccess
		if n == file.versions && file.tip != tipTranslated {
			status = file.tip
		}
		v := &dmVersion{
			Version: Version{
				ID:            id,
				ItemID:        it.id,
				ProjectID:     s.p.ID,
				Number:        n,
				Name:          file.name,
				StorageID:     ossObjectIDPrefix + dmStorageBucket + "/" + key,
				DerivativeURN: designURN(id),
			},
			created: s.tick(),
			user:    users[hash64(id)%uint64(len(users))].id,
			size:    obj.Size,
		}
		if status != tipUntranslated {
			v.ManifestStatus = status
			s.e.translations[id] = &translation{source: id, owner: s.e.owner, project: s.p.ID, region: s.region, status: status, name: file.name}
		}
		it.versions = append(it.versions, v)
		s.c.versions[id] = v
	}
	if file.reserved {
		it.reservedBy, it.reservedAt = users[len(users)-1].id, s.tick()
	}
	s.c.items[it.id] = it
	s.c.folders[folderID].items = append(s.c.folders[folderID].items, it.id)
}
