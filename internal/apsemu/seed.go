package apsemu

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"path"
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
