package apsemu

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"path"
	"time"
)

// Demo data shape. Everything is derived from these numbers, so every
// emulator holds exactly the same data.
const (
	// demoModelsBucket holds the large, awkward-key object set.
	demoModelsBucket = "aps-mcp-demo-models"
	demoBucketCount  = 32
	demoPartCount    = 250
	// demoEpochMs (2024-01-01T00:00:00Z) anchors every seeded createdDate.
	demoEpochMs = int64(1704067200000)
	dayMs       = int64(24 * 60 * 60 * 1000)
	// demoBigHubProjects is more than one 200-project page of DM.
	demoBigHubProjects = 230
	// demoBigProjectIssues is more than two 100-issue pages of ACC Issues.
	demoBigProjectIssues = 230
	// demoBusyIssueComments is the comment count of the big project's
	// first issue, several pages at small limits.
	demoBusyIssueComments = 12
)

// demoOddObjectKeys are keys that break naive URL handling: spaces,
// non-ASCII letters, "/", "?", "#", "%", "+", "&", ";" and ",", and a key
// that literally contains "%2F" to catch double decoding.
func demoOddObjectKeys() []string {
	return []string{
		"Floor Plan Level 1.dwg",
		"Zeichnung-Übersicht.dwg",
		"設計図.rvt",
		"façade élévation.pdf",
		"site/north wing/model.rvt",
		"site/plan.dwg",
		"what?.txt",
		"issue #42 notes.txt",
		"100% done.txt",
		"a+b=c.ifc",
		"R&D concept.f3d",
		"draft;v2,final.dwg",
		"literal %2F slash.txt",
	}
}

// seedDemoData fills e with the demo buckets and objects, owned by e.owner.
func seedDemoData(e *Emulator) {
	for i := 1; i <= demoBucketCount; i++ {
		e.AddBucket(demoBucket(e.owner, i))
	}
	e.AddBucket(Bucket{Key: demoModelsBucket, Owner: e.owner, Region: "US", PolicyKey: "persistent", CreatedDate: demoEpochMs - dayMs})
	for i := 1; i <= demoPartCount; i++ {
		ext := ".ipt"
		if i%10 == 0 {
			ext = ".iam"
		}
		e.AddObject(demoObject(demoModelsBucket, fmt.Sprintf("part-%04d%s", i, ext)))
	}
	for _, key := range demoOddObjectKeys() {
		e.AddObject(demoObject(demoModelsBucket, key))
	}
	// A second, small bucket with content, so listings are not all-or-nothing.
	for _, key := range []string{"readme.txt", "model.rvt"} {
		e.AddObject(demoObject(demoBucketKey(1), key))
	}
	seedDemoHubs(e)
	seedDemoUsers(e)
	seedDemoContent(e)
	seedDemoIssues(e)
	seedDemoRFIs(e)
	seedDemoSubmittals(e)
}

// demoBigHubID is the US ACC account holding more than a page of projects.
func demoBigHubID() string { return "b." + demoUUID("hub contoso") }

// demoEMEAHubID is the EMEA ACC/BIM 360 account.
func demoEMEAHubID() string { return "b." + demoUUID("hub fabrikam") }

// demoTeamHubID is the Fusion team hub: "a." + unpadded base64.
func demoTeamHubID() string {
	return "a." + base64.RawStdEncoding.EncodeToString([]byte("business:apsemu-team-01"))
}

// demoPersonalHubID is the personal hub; its base64 keeps a trailing "=",
// as some real hub IDs do, to catch clients that mangle it in paths.
func demoPersonalHubID() string {
	return "a." + base64.StdEncoding.EncodeToString([]byte("personal:apsemu-demo-user1"))
}

// demoProjectSites name the big hub's projects in rotation; several are
// non-ASCII so clients must get UTF-8 right.
func demoProjectSites() []string {
	return []string{"Tower", "Bürogebäude", "Hospital", "École Primaire", "Bridge", "駅前再開発", "Campus", "Øresund Depot", "Warehouse", "Résidence"}
}

// seedDemoHubs fills e with the demo hubs and projects. Every hub is
// reachable; tests add unreachable ones.
func seedDemoHubs(e *Emulator) {
	big := demoBigHubID()
	e.AddHub(Hub{ID: big, Name: "Contoso Construction", Type: hubTypeBIM360, Region: "US"})
	sites := demoProjectSites()
	for i := 1; i <= demoBigHubProjects; i++ {
		kind := "ACC"
		if i%7 == 0 {
			kind = "BIM360"
		}
		e.AddProject(Project{
			ID:          "b." + demoUUID(fmt.Sprintf("project contoso %d", i)),
			HubID:       big,
			Name:        fmt.Sprintf("Project %03d – %s", i, sites[(i-1)%len(sites)]),
			Type:        projectTypeBIM360,
			ProjectType: kind,
		})
	}

	emea := demoEMEAHubID()
	e.AddHub(Hub{ID: emea, Name: "Fabrikam Europe GmbH", Type: hubTypeBIM360, Region: "EMEA"})
	for i, name := range []string{"Bahnhof Zürich – Umbau", "Tour Défense", "Ørestad Skole", "Kraków Office Park", "Lisbon Metro Extension"} {
		kind := "ACC"
		if i%2 == 1 {
			kind = "BIM360"
		}
		e.AddProject(Project{ID: "b." + demoUUID("project fabrikam "+name), HubID: emea, Name: name, Type: projectTypeBIM360, ProjectType: kind})
	}

	team := demoTeamHubID()
	e.AddHub(Hub{ID: team, Name: "APS MCP Design Team", Type: hubTypeCore, Region: "US"})
	for i, name := range []string{"Gearbox", "Drone Frame", "Kitchen Mixer"} {
		id := "a." + base64.RawStdEncoding.EncodeToString(fmt.Appendf(nil, "project:apsemu-team-%02d", i+1))
		e.AddProject(Project{ID: id, HubID: team, Name: name, Type: projectTypeCore})
	}

	personal := demoPersonalHubID()
	e.AddHub(Hub{ID: personal, Name: "Demo User", Type: hubTypePersonal, Region: "US"})
	e.AddProject(Project{ID: "a." + base64.RawStdEncoding.EncodeToString([]byte("project:apsemu-personal-01")),
		HubID: personal, Name: "My First Project", Type: projectTypeCore})
}

// demoUUID derives a version-4-shaped UUID from seed, so demo IDs look real
// and never change between runs.
func demoUUID(seed string) string {
	sum := sha256.Sum256([]byte("apsemu " + seed))
	return formatUUID([16]byte(sum[:16]))
}

// demoBucketKey names the i-th numbered demo bucket.
func demoBucketKey(i int) string {
	return fmt.Sprintf("aps-mcp-demo-%02d", i)
}

// demoBucket builds the i-th numbered demo bucket: mostly US, every eighth
// EMEA, number 13 AUS; policies rotate; one bucket created per day.
func demoBucket(owner string, i int) Bucket {
	region := "US"
	switch {
	case i == 13:
		region = "AUS"
	case i%8 == 0:
		region = "EMEA"
	}
	policies := [...]string{"transient", "temporary", "persistent"}
	return Bucket{
		Key:         demoBucketKey(i),
		Owner:       owner,
		Region:      region,
		PolicyKey:   policies[i%len(policies)],
		CreatedDate: demoEpochMs + int64(i)*dayMs + int64(i)*1237, // distinct milliseconds
	}
}

// demoObject builds an object whose size and digest derive from its key.
func demoObject(bucketKey, key string) Object {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	size := int64(1024 + h.Sum64()%(64<<20))
	return Object{
		BucketKey:   bucketKey,
		Key:         key,
		SHA1:        syntheticSHA1(bucketKey, key, size),
		ContentType: demoContentType(key),
		Size:        size,
	}
}

// demoContentType is the type an uploader would plausibly have set.
func demoContentType(key string) string {
	switch path.Ext(key) {
	case ".pdf":
		return "application/pdf"
	case ".txt":
		return "text/plain"
	default:
		return defaultContentType
	}
}

// demoIssuesProjectID is the ACC project (ID without "b.") holding the big
// issue set: the big hub's first project, "Project 001 – Tower".
func demoIssuesProjectID() string { return demoUUID("project contoso 1") }

// demoSmallIssuesProjectID is the EMEA ACC project with a handful of
// issues: "Bahnhof Zürich – Umbau".
func demoSmallIssuesProjectID() string { return demoUUID("project fabrikam Bahnhof Zürich – Umbau") }

// demoIssueUsers are the Autodesk user IDs issues are created by and
// assigned to; the first is the synthesized example's.
func demoIssueUsers() []string {
	return []string{"A3RGM375QTZ7", DemoUserID, "B7QH2KLM9XRT", "C4NP8WD2FJ6S", "D9LK3MZT5QWE"}
}

// demoIssueStatuses weights the statuses of seeded issues: mostly open and
// closed, every status present.
func demoIssueStatuses() []string {
	return []string{
		issueStatusOpen, issueStatusOpen, issueStatusClosed, issueStatusInReview, issueStatusOpen,
		issueStatusPending, issueStatusClosed, issueStatusDraft, issueStatusInProgress, issueStatusOpen,
		issueStatusCompleted, issueStatusClosed, issueStatusNotApproved, issueStatusOpen, issueStatusInDispute,
	}
}

// demoIssueProblems and demoIssuePlaces make issue titles; their lengths
// are coprime so titles vary widely, and several are non-ASCII.
func demoIssueProblems() []string {
	return []string{
		"Leaking pipe", "Missing fire stopping", "Cracked floor tile", "Door does not close",
		"Exposed rebar", "Façade panel misaligned", "Handrail loose", "Paint damage",
		"Cable tray obstructs duct", "Wrong sprinkler head", "Trip hazard",
	}
}

func demoIssuePlaces() []string {
	return []string{"level 2, grid C4", "lobby", "stair core B", "roof plant room", "car park P1", "Küche 3. OG", "north façade"}
}

// seedDemoIssues fills the two demo ACC projects with issues and comments.
func seedDemoIssues(e *Emulator) {
	e.mu.Lock()
	defer e.mu.Unlock()
	big := demoIssuesProjectID()
	types, causes := issueTypesFor(big), rootCauseCategoriesFor(big)
	for n := 1; n <= demoBigProjectIssues; n++ {
		is := demoIssue(big, n, types, causes)
		count := 0
		switch {
		case n == 1:
			count = demoBusyIssueComments
		case n%9 == 0:
			count = n%4 + 1
		}
		e.putIssueLocked(big, is, demoComments(is, count))
	}

	small := demoSmallIssuesProjectID()
	types, causes = issueTypesFor(small), rootCauseCategoriesFor(small)
	for n := 1; n <= 5; n++ {
		is := demoIssue(small, n, types, causes)
		e.putIssueLocked(small, is, demoComments(is, n%2))
	}
}

// demoIssue builds the n-th issue of a project. Everything derives from n;
// issues are created seven hours apart from the demo epoch, so createdAt
// order is displayId order, as on ACC.
func demoIssue(projectID string, n int, types []issueTypeJSON, causes []rootCauseCategoryJSON) issueJSON {
	users := demoIssueUsers()
	statuses := demoIssueStatuses()
	problems, places := demoIssueProblems(), demoIssuePlaces()
	str := func(s string) *string { return &s }

	created := time.UnixMilli(demoEpochMs).UTC().Add(time.Duration(n)*7*time.Hour + time.Duration(n*1237)*time.Millisecond)
	updated := created.Add(time.Duration(n%13) * 24 * time.Hour)
	status := statuses[(n-1)%len(statuses)]
	t := types[n%len(types)]
	sub := t.Subtypes[n%len(t.Subtypes)]
	place := places[n%len(places)]
	creator := users[n%len(users)]

	is := newIssue(projectID, demoUUID(fmt.Sprintf("issue %s %d", projectID, n)), creator, created)
	is.DisplayID = n
	is.Title = fmt.Sprintf("%s – %s", problems[n%len(problems)], place)
	is.Description = fmt.Sprintf("Found during the weekly site walk (round %d).", (n+3)/4)
	is.IssueTypeID, is.IssueSubtypeID, is.Status = t.ID, sub.ID, status
	is.LocationDetails = str(place)
	is.PermittedStatuses = permittedStatuses(status)
	is.Published = status != issueStatusDraft
	is.UpdatedBy, is.UpdatedAt = users[(n+2)%len(users)], updated.Format(issuesTimeLayout)
	switch {
	case n%5 == 0: // unassigned
	case n%11 == 0:
		is.AssignedTo, is.AssignedToType = str(demoUUID(fmt.Sprintf("company %d", n%3))), str("company")
	default:
		is.AssignedTo, is.AssignedToType = str(users[(n*3)%len(users)]), str("user")
	}
	if n%4 != 0 {
		is.DueDate = str(created.Add(time.Duration(14+n%30) * 24 * time.Hour).Format(issuesDateLayout))
	}
	if n%6 == 0 {
		is.StartDate = str(created.Format(issuesDateLayout))
	}
	if status != issueStatusDraft {
		is.OpenedBy, is.OpenedAt = str(creator), str(created.Format(issuesTimeLayout))
	}
	if status == issueStatusClosed || status == issueStatusCompleted {
		c := causes[n%len(causes)]
		is.RootCauseID = str(c.RootCauses[n%len(c.RootCauses)].ID)
	}
	if status == issueStatusClosed {
		is.ClosedBy, is.ClosedAt = str(is.UpdatedBy), str(is.UpdatedAt)
	}
	if n%3 == 0 {
		is.Watchers = []string{users[(n+1)%len(users)]}
	}
	return is
}

// demoPermittedAttributes are the issue fields the demo users may change.
func demoPermittedAttributes() []string {
	return []string{"title", "description", "status", "assignedTo", "assignedToType", "dueDate", "startDate", "locationDetails", "rootCauseId"}
}

// permittedStatuses is what the demo user may move an issue in status to.
// Real lists depend on the project's workflow and the user's permissions;
// these follow the example's open → [open, in_review, closed].
func permittedStatuses(status string) []string {
	if status == issueStatusDraft {
		return []string{issueStatusDraft, issueStatusOpen}
	}
	out := []string{status}
	for _, s := range []string{issueStatusOpen, issueStatusInReview, issueStatusClosed} {
		if s != status {
			out = append(out, s)
		}
	}
	return out
}

// demoComments builds count comments on is, an hour apart after it was
// created.
func demoComments(is issueJSON, count int) []commentJSON {
	created, _ := time.Parse(issuesTimeLayout, is.CreatedAt)
	users := demoIssueUsers()
	out := make([]commentJSON, 0, count)
	for k := 1; k <= count; k++ {
		at := created.Add(time.Duration(k) * time.Hour).Format(issuesTimeLayout)
		out = append(out, commentJSON{
			ID:              demoUUID(fmt.Sprintf("comment %s %d", is.ID, k)),
			Body:            fmt.Sprintf("Comment %d on issue #%d.\nChecked on site.", k, is.DisplayID),
			CreatedAt:       at,
			CreatedBy:       users[(is.DisplayID+k)%len(users)],
			UpdatedAt:       at,
			ClientCreatedAt: at,
			ClientUpdatedAt: at,
			permissions:     noPermissions(),
		})
	}
	return out
}
