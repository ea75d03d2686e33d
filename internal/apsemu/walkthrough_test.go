package apsemu

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// findNamed follows a DM collection (and its links.next) from href and
// returns the resource whose attribute attr is name.
func findNamed(t *testing.T, href, token, attr, name string) map[string]any {
	t.Helper()
	for next, pages := href, 0; next != "" && pages < maxWalkPages; pages++ {
		doc := dmDoc(t, next, token)
		for _, d := range dataList(doc, "data") {
			if obj(d, "attributes", attr) == name {
				return d
			}
		}
		next, _ = obj(doc, "links", "next", "href").(string)
	}
	t.Fatalf("no %s %q under %s", attr, name, href)
	return nil
}

// relatedHref is a resource's relationships.<rel>.links.related.href.
func relatedHref(res map[string]any, rel string) string {
	href, _ := obj(res, "relationships", rel, "links", "related", "href").(string)
	return href
}

// TestWalkthrough follows the tool catalogue's walk through the APIs using
// only the links and IDs each answer gives: hubs → projects → top folders
// → folder contents → item versions → the version's file in OSS → its
// derivatives → manifest → model views → object tree → properties.
func TestWalkthrough(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read data:search viewables:read")
	tests := []struct {
		hub, project string
		path         []string // top folder, subfolders, item
		region       string
		issues       int // the project's ACC issues
	}{
		{"Contoso Construction", "Project 001 – Tower", []string{"Project Files", "Architecture", "Tower – Architecture.rvt"}, "US", demoBigProjectIssues},
		{"Fabrikam Europe GmbH", "Bahnhof Zürich – Umbau", []string{"Project Files", "Bestand", "Bahnhof – Bestand.rvt"}, "EMEA", 5},
	}
	for _, tt := range tests {
		t.Run(tt.project, func(t *testing.T) {
			hub := findNamed(t, base+"/project/v1/hubs", token, "name", tt.hub)
			if obj(hub, "attributes", "region") != tt.region {
				t.Errorf("hub region %v", obj(hub, "attributes", "region"))
			}
			project := findNamed(t, relatedHref(hub, "projects"), token, "name", tt.project)
			projectID := project["id"].(string)

			// The same project in ACC Issues, without "b.".
			r := get(t, base+"/construction/issues/v1/projects/"+strings.TrimPrefix(projectID, "b.")+"/issues?limit=1", token)
			if r.status != http.StatusOK || obj(r.object(t), "pagination", "totalResults") != float64(tt.issues) {
				t.Errorf("issues: %d %.200s", r.status, r.body)
			}

			folder := findNamed(t, relatedHref(project, "topFolders"), token, "name", tt.path[0])
			for _, name := range tt.path[1 : len(tt.path)-1] {
				folder = findNamed(t, relatedHref(folder, "contents"), token, "name", name)
			}
			item := findNamed(t, relatedHref(folder, "contents"), token, "displayName", tt.path[len(tt.path)-1])
			versions := dataList(dmDoc(t, relatedHref(item, "versions"), token), "data")
			tip := versions[0]
			if tip["id"] != obj(item, "relationships", "tip", "data", "id") || len(versions) < 2 {
				t.Fatalf("tip %v, item's tip %v", tip["id"], obj(item, "relationships", "tip", "data", "id"))
			}
			if accessor := e.Versions(projectID, item["id"].(string)); len(accessor) != len(versions) || accessor[0].ID != tip["id"] {
				t.Errorf("Versions() = %+v", accessor)
			}

			// The version's file is an OSS object of the DM storage bucket,
			// which the user downloads through a signed URL.
			storage := obj(tip, "relationships", "storage", "data", "id").(string)
			bucketKey, objectKey, _ := strings.Cut(strings.TrimPrefix(storage, "urn:adsk.objects:os.object:"), "/")
			stored, ok := e.object(bucketKey, objectKey)
			if bucketKey != "wip.dm.prod" || !ok || float64(stored.Size) != obj(tip, "attributes", "storageSize") {
				t.Fatalf("storage %s: stored %v %+v", storage, ok, stored)
			}
			signed := signDownload(t, base, bucketKey, objectKey, "", token)
			if r := send(t, http.MethodHead, signed["url"].(string), "", ""); r.header.Get("Content-Length") != strconv.FormatInt(stored.Size, 10) {
				t.Errorf("download Content-Length %q, size %d", r.header.Get("Content-Length"), stored.Size)
			}

			// Its derivatives: the version ID in URL-safe base64, which Model
			// Derivative answers for in the hub's region.
			urn := obj(tip, "relationships", "derivatives", "data", "id").(string)
			if source, ok := decodeDesignURN(urn); !ok || source != tip["id"] {
				t.Fatalf("derivative urn %s decodes to %q", urn, source)
			}
			region := []string{"region", tt.region}
			manifest := send(t, http.MethodGet, obj(tip, "relationships", "derivatives", "meta", "link", "href").(string), token, "", region...)
			if manifest.status != http.StatusOK || manifest.object(t)["status"] != "success" || manifest.object(t)["region"] != tt.region {
				t.Fatalf("manifest: %d %.300s", manifest.status, manifest.body)
			}
			views := send(t, http.MethodGet, mdURL(base, urn, "/metadata"), token, "", region...).object(t)
			guid := ""
			for _, v := range dataList(views["data"].(map[string]any), "metadata") {
				if v["isMasterView"] == true {
					guid = v["guid"].(string)
				}
			}
			tree := mdURL(base, urn, "/metadata/"+url.PathEscape(guid))
			if r := send(t, http.MethodGet, tree, token, "", region...); r.status != http.StatusAccepted {
				t.Fatalf("first tree request: %d", r.status)
			}
			ids := treeIDs(t, obj(send(t, http.MethodGet, tree, token, "", region...).object(t), "data", "objects").([]any))
			props := send(t, http.MethodGet, tree+"/properties", token, "", region...).object(t)
			collection := dataList(props["data"].(map[string]any), "collection")
			if len(ids) == 0 || len(collection) != len(ids) {
				t.Fatalf("%d objects in the tree, %d property sets", len(ids), len(collection))
			}
			if collection[0]["name"] != strings.TrimSuffix(tt.path[len(tt.path)-1], ".rvt") {
				t.Errorf("root object %v", collection[0]["name"])
			}
		})
	}

	t.Run("translated OSS objects", func(t *testing.T) {
		app := fetchToken(t, base, "data:read")
		translated := map[string]bool{}
		for _, tr := range e.Translations() {
			translated[tr.SourceURN] = tr.URN == designURN(tr.SourceURN)
		}
		for _, obj := range demoTranslatedObjects() {
			bucket, key := obj[0], obj[1]
			details := get(t, base+"/oss/v2/buckets/"+bucket+"/objects/"+url.PathEscape(key)+"/details", app).object(t)
			objectID := details["objectId"].(string)
			if !translated[objectID] {
				t.Errorf("%s missing from Translations()", objectID)
			}
			if m := get(t, mdURL(base, designURN(objectID), "/manifest"), app).object(t); m["status"] != "success" {
				t.Errorf("manifest of %s: %v", objectID, m)
			}
		}
	})
}
