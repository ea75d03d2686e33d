package apsemu

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Members of DM content resources, from the spec's examples
// (dm.getProjectTopFolders, dm.getFolder, dm.getFolderContents,
// dm.getItem, dm.getItemTip, dm.getItemVersions, dm.getVersion), with the
// emulator's documented choices: versions always carry the fuller
// relationships and fileType/storageSize, top folders' root parent lacks
// parentUrn.
const (
	relRefs        = "refs{links{self{href} related{href}}} links{links{self{href}}}"
	folderAttrs    = "name displayName createTime createUserId createUserName lastModifiedTime lastModifiedUserId lastModifiedUserName lastModifiedTimeRollup objectCount hidden"
	folderExtBase  = "extension{type version schema{href} data{allowedTypes visibleTypes namingStandardIds"
	folderRels     = "relationships{parent{links{related{href}} data{type id}} contents{links{related{href}}} " + relRefs + "}"
	itemAttrs      = "displayName createTime createUserId createUserName lastModifiedTime lastModifiedUserId lastModifiedUserName hidden reserved"
	itemRels       = "relationships{tip{links{related{href}} data{type id}} versions{links{related{href}}} parent{links{related{href}} data{type id}} " + relRefs + "}"
	versionAttrs   = "name displayName createTime createUserId createUserName lastModifiedTime lastModifiedUserId lastModifiedUserName versionNumber mimeType fileType storageSize"
	versionRels    = "relationships{item{links{related{href}} data{type id}} storage{data{type id} meta{link{href}}} derivatives{data{type id} meta{link{href}}} thumbnails{data{type id} meta{link{href}}} downloadFormats{links{related{href}}} " + relRefs + "}"
	webLinksSpec   = "links{self{href} webView{href}}"
	topFolderSpec  = "type id attributes{" + folderAttrs + " " + folderExtBase + " isRoot folderType folderParents[]{urn isRoot title}}}} " + webLinksSpec + " " + folderRels
	folderSpec     = "type id attributes{" + folderAttrs + " " + folderExtBase + "}}} " + webLinksSpec + " " + folderRels
	contentsFolder = "type id attributes{" + folderAttrs + " path " + folderExtBase + "}}} links{self{href}} " + folderRels
	contentsItem   = "type id attributes{" + itemAttrs + " lastModifiedTimeRollup extension{type version schema{href} data}} links{self{href}} " + itemRels
	fileItemSpec   = "type id attributes{" + itemAttrs + " extension{type version schema{href} data}} " + webLinksSpec + " " + itemRels
	c4rItemSpec    = "type id attributes{" + itemAttrs + " extension{type version schema{href} data{sourceFileName}}} " + webLinksSpec + " " + itemRels
	fileVersion    = "type id attributes{" + versionAttrs + " extension{type version schema{href} data{tempUrn properties storageUrn storageType conformingStatus}}} " + webLinksSpec + " " + versionRels
	c4rVersion     = "type id attributes{" + versionAttrs + " extension{type version schema{href} data{modelVersion projectGuid originalItemUrn isCompositeDesign modelType mimeType modelGuid processState extractionState splittingState reviewState revisionDisplayLabel sourceFileName conformingStatus}}} " + webLinksSpec + " " + versionRels
)

// dmDoc GETs a DM document and decodes it.
func dmDoc(t *testing.T, rawURL, token string) map[string]any {
	t.Helper()
	return dmGet(t, rawURL, token, http.StatusOK).object(t)
}

// dataList and obj take apart decoded documents.
func dataList(m map[string]any, key string) []map[string]any {
	list, _ := m[key].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		out = append(out, v.(map[string]any))
	}
	return out
}

func obj(v any, path ...string) any {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	return v
}

// specFor picks the members spec of a resource by its extension type.
func specFor(res map[string]any, c4rType, c4rSpec, fileSpec string) string {
	if obj(res, "attributes", "extension", "type") == c4rType {
		return c4rSpec
	}
	return fileSpec
}

// entryNamed finds a folder's entry by name.
func entryNamed(t *testing.T, e *Emulator, projectID, folderID, name string) Entry {
	t.Helper()
	for _, en := range e.FolderContents(projectID, folderID) {
		if en.Name == name {
			return en
		}
	}
	t.Fatalf("no %q in folder %s", name, folderID)
	return Entry{}
}

// topFolderNamed finds a project's top folder by name.
func topFolderNamed(t *testing.T, e *Emulator, projectID, name string) Folder {
	t.Helper()
	for _, f := range e.TopFolders(projectID) {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no top folder %q in %s", name, projectID)
	return Folder{}
}

func TestTopFolders(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	tower, big := demoTowerProjectID(), demoBigHubID()
	other := e.Projects(big)[1] // no seeded content: the standard top folders
	team := e.Projects(demoTeamHubID())[0]
	tests := []struct {
		name           string
		hubID, project string
		query          string
		names          []string
	}{
		{"tower", big, tower, "", []string{"Archive", "Plans", "Project Files"}},
		{"excludeDeleted", big, tower, "excludeDeleted=true", []string{"Plans", "Project Files"}},
		{"projectFilesOnly", big, tower, "projectFilesOnly=true&excludeDeleted=false", []string{"Project Files"}},
		{"project without content", big, other.ID, "", []string{"Plans", "Project Files"}},
		{"Zürich", demoEMEAHubID(), demoZurichProjectID(), "", []string{"Plans", "Project Files"}},
		{"Fusion team project", team.HubID, team.ID, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			self := base + projectPath(tt.hubID, tt.project) + "/topFolders"
			q, _ := url.ParseQuery(tt.query)
			doc := dmDoc(t, self+"?"+tt.query, token)
			if len(q) > 0 {
				self += "?" + q.Encode()
			}
			if obj(doc, "links", "self", "href") != self {
				t.Errorf("self = %v, want %s", obj(doc, "links", "self", "href"), self)
			}
			var names []string
			for _, f := range dataList(doc, "data") {
				wantKeys(t, "top folder", f, members(topFolderSpec)...)
				names = append(names, obj(f, "attributes", "name").(string))
				if obj(f, "relationships", "parent", "data", "id") != rootFolderID(tt.project) {
					t.Errorf("parent of %v is not the root folder", names)
				}
			}
			if !slices.Equal(names, tt.names) {
				t.Errorf("names = %q, want %q", names, tt.names)
			}
		})
	}
	var accessor []string
	for _, f := range e.TopFolders(tower) {
		accessor = append(accessor, f.Name)
	}
	if !slices.Equal(accessor, tests[0].names) || !e.TopFolders(tower)[0].Hidden {
		t.Errorf("TopFolders = %+v", e.TopFolders(tower))
	}

	errs := []struct {
		name   string
		url    string
		status int
		detail string
	}{
		{"bad boolean", projectPath(big, tower) + "/topFolders?excludeDeleted=yes", 400, "excludeDeleted"},
		{"project of another hub", projectPath(demoEMEAHubID(), tower) + "/topFolders", 404, "could not be found"},
		{"unknown hub", projectPath("b.nope", tower) + "/topFolders", 404, "could not be found"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			wantDMError(t, dmGet(t, base+tt.url, token, tt.status), tt.status, map[int]string{400: "BAD_INPUT", 404: "NOT_FOUND"}[tt.status],
				map[int]string{400: "Bad Input", 404: "Not Found"}[tt.status], tt.detail)
		})
	}
}

func TestGetFolder(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	tower := demoTowerProjectID()
	files := topFolderNamed(t, e, tower, "Project Files")
	arch := entryNamed(t, e, tower, files.ID, "Architecture")

	doc := dmDoc(t, base+folderPath(tower, arch.ID), token)
	wantKeys(t, "folder document", doc, members("jsonapi{version} links{self{href}} data{"+folderSpec+"}")...)
	self := base + "/data/v1/projects/" + tower + "/folders/" + escapeSeededID(arch.ID)
	attrs := obj(doc, "data", "attributes").(map[string]any)
	if obj(doc, "links", "self", "href") != self || obj(doc, "data", "links", "self", "href") != self ||
		obj(doc, "data", "relationships", "parent", "data", "id") != files.ID || attrs["name"] != "Architecture" || attrs["objectCount"] != float64(4) ||
		obj(doc, "data", "relationships", "contents", "links", "related", "href") != self+"/contents" {
		t.Errorf("folder = %v", doc)
	}

	// The root folder, reachable from the project's rootFolder link, has no parent.
	root := dmDoc(t, base+folderPath(tower, files.ParentID), token)
	if obj(root, "data", "relationships", "parent") != nil || obj(root, "data", "attributes", "name") != strings.TrimPrefix(tower, "b.")+"-root-folder" {
		t.Errorf("root = %v", root)
	}
	// IDs may also arrive with ':' unescaped, as RFC 3986 allows in paths.
	if got := dmDoc(t, base+"/data/v1/projects/"+tower+"/folders/"+arch.ID, token); obj(got, "data", "id") != arch.ID {
		t.Errorf("unescaped colons: %v", got)
	}
	for _, path := range []string{
		folderPath(tower, "urn:adsk.wipprod:fs.folder:co.nope"),
		folderPath(demoZurichProjectID(), arch.ID),
		folderPath("b.nope", arch.ID),
	} {
		wantDMError(t, dmGet(t, base+path, token, 404), 404, "NOT_FOUND", "Not Found", "could not be found")
	}
}

func TestWalkFolderContents(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	tower := demoTowerProjectID()
	sheets := entryNamed(t, e, tower, topFolderNamed(t, e, tower, "Project Files").ID, "Sheets")
	want := e.FolderContents(tower, sheets.ID)
	if len(want) <= 200 {
		t.Fatalf("Sheets holds %d entries, want more than 200", len(want))
	}
	var wantIDs []string
	for _, en := range want {
		wantIDs = append(wantIDs, en.ID)
	}
	list := base + folderPath(tower, sheets.ID) + "/contents"
	tests := []struct {
		name  string
		first string
		limit int
		pages int
	}{
		{"default limit", list, 200, 2},
		{"page[limit]=50", list + "?page%5Blimit%5D=50", 50, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			pages := 0
			for next := tt.first; next != ""; pages++ {
				if pages > maxWalkPages {
					t.Fatal("pagination does not end")
				}
				doc := dmDoc(t, next, token)
				data := dataList(doc, "data")
				if len(data) == 0 || len(data) > tt.limit {
					t.Fatalf("page %d holds %d entries", pages, len(data))
				}
				// included holds exactly the tip versions of the page's items.
				var tips, included []string
				for _, d := range data {
					got = append(got, d["id"].(string))
					spec := contentsFolder
					if d["type"] == "items" {
						spec = contentsItem
						tips = append(tips, obj(d, "relationships", "tip", "data", "id").(string))
					}
					wantKeys(t, "contents entry", d, members(spec)...)
				}
				for _, v := range dataList(doc, "included") {
					included = append(included, v["id"].(string))
					wantKeys(t, "included version", v, members(fileVersion)...)
				}
				if !slices.Equal(tips, included) {
					t.Errorf("page %d: included %d versions for %d items", pages, len(included), len(tips))
				}
				next, _ = obj(doc, "links", "next", "href").(string)
				if (pages > 0) != (obj(doc, "links", "prev") != nil) {
					t.Errorf("page %d: links %v", pages, obj(doc, "links"))
				}
				if next != "" && !strings.Contains(next, "page%5Bnumber%5D="+strconv.Itoa(pages+1)) {
					t.Errorf("next = %q", next)
				}
			}
			if pages != tt.pages || !slices.Equal(got, wantIDs) {
				t.Errorf("walked %d entries in %d pages, want the %d of FolderContents in %d pages", len(got), pages, len(wantIDs), tt.pages)
			}
		})
	}
}

func TestFolderContentsFilters(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	tower := demoTowerProjectID()
	files := topFolderNamed(t, e, tower, "Project Files")
	arch := entryNamed(t, e, tower, files.ID, "Architecture")
	sheets := entryNamed(t, e, tower, files.ID, "Sheets")
	contents := func(id string) string { return base + folderPath(tower, id) + "/contents?" }
	tests := []struct {
		name   string
		url    string
		counts []int    // entries per page, following links.next
		names  []string // of all entries
	}{
		{"folders only", contents(files.ID) + "filter[type]=folders", []int{3}, []string{"Architecture", "Coordination", "Sheets"}},
		{"items only", contents(files.ID) + "filter%5Btype%5D=items", []int{3}, []string{"README.pdf", "Tower – Site Plan.dwg", "設計図 – 配置.dwg"}},
		{"hidden left out", contents(arch.ID), []int{3}, []string{"Façade Détails.dwg", "Tower – Architecture.rvt", "Tower – Structure.rvt"}},
		{"includeHidden", contents(arch.ID) + "includeHidden=true", []int{4}, []string{"Façade Détails.dwg", "Old Concept.rvt", "Tower – Architecture.rvt", "Tower – Structure.rvt"}},
		{"only hidden", contents(arch.ID) + "filter[hidden]=true", []int{1}, []string{"Old Concept.rvt"}},
		{"extension type", contents(arch.ID) + "filter[extension.type]=items:autodesk.bim360:C4RModel", []int{1}, []string{"Tower – Architecture.rvt"}},
		{"starts operator, attributes prefix", contents(arch.ID) + "filter[attributes.displayName]-starts=" + url.QueryEscape("Tower"), []int{2},
			[]string{"Tower – Architecture.rvt", "Tower – Structure.rvt"}},
		{"two ids", contents(files.ID) + "filter[id]=" + url.QueryEscape(arch.ID+","+sheets.ID), []int{2}, []string{"Architecture", "Sheets"}},
		{"rollup in the future", contents(files.ID) + "filter[lastModifiedTimeRollup]-gt=2100-01-01T00:00:00.000Z", []int{0}, nil},
		{"pagination before filtering", contents(sheets.ID) + "page[limit]=100&filter[type]=folders", []int{1, 0, 0}, []string{"Superseded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var counts []int
			var names []string
			for next := tt.url; next != ""; {
				doc := dmDoc(t, next, token)
				data := dataList(doc, "data")
				counts = append(counts, len(data))
				for _, d := range data {
					name, _ := obj(d, "attributes", "name").(string)
					if d["type"] == "items" {
						name = obj(d, "attributes", "displayName").(string)
					}
					names = append(names, name)
				}
				next, _ = obj(doc, "links", "next", "href").(string)
			}
			if !slices.Equal(counts, tt.counts) || !slices.Equal(names, tt.names) {
				t.Errorf("counts %v names %q, want %v %q", counts, names, tt.counts, tt.names)
			}
		})
	}

	errs := []struct {
		name, query, detail string
	}{
		{"unknown operator", "filter[displayName]-like=x", "not supported"},
		{"malformed filter", "filter[displayName=x", "not a valid filter"},
		{"page[limit]=0", "page[limit]=0", "page[limit]"},
		{"page[number]=-1", "page[number]=-1", "page[number]"},
		{"includeHidden not a boolean", "includeHidden=yes", "includeHidden"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			wantDMError(t, dmGet(t, contents(files.ID)+tt.query, token, 400), 400, "BAD_INPUT", "Bad Input", tt.detail)
		})
	}
	wantDMError(t, dmGet(t, base+folderPath(tower, "urn:adsk.wipprod:fs.folder:co.nope")+"/contents", token, 404), 404, "NOT_FOUND", "Not Found", "")
}

func TestSearchFolder(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read data:search")
	tower := demoTowerProjectID()
	files := topFolderNamed(t, e, tower, "Project Files")
	search := func(id, query string) string { return base + folderPath(tower, id) + "/search?" + query }
	root := files.ParentID
	tests := []struct {
		name  string
		url   string
		names []string // of the tip versions found, in order
	}{
		{"displayName contains", search(files.ID, "filter[displayName]-contains="+url.QueryEscape("Tower")),
			[]string{"Tower – Site Plan.dwg", "Tower – Architecture.rvt", "Tower – Structure.rvt", "Tower – Federated.nwd"}},
		{"fileType, two values", search(files.ID, "filter[fileType]=rvt,nwd"), []string{"Tower – Architecture.rvt", "Tower – Structure.rvt", "Tower – Federated.nwd"}},
		{"non-ASCII, attributes prefix", search(root, "filter[attributes.displayName]-contains="+url.QueryEscape("Ü")), []string{"Clash Report Ü3.pdf"}},
		{"extension type", search(root, "filter[extension.type]=versions:autodesk.bim360:C4RModel"), []string{"Tower – Architecture.rvt"}},
		{"case-sensitive", search(files.ID, "filter[displayName]-contains=tower"), nil},
		{"hidden folder skipped", search(root, "filter[displayName]=Tender%20Set%202023.pdf"), nil},
		{"subfolder", search(files.ID, "filter[displayName]-ends="+url.QueryEscape("(old).pdf")), []string{"A-000 – Cover (old).pdf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var names []string
			for next := tt.url; next != ""; {
				doc := dmDoc(t, next, token)
				data, included := dataList(doc, "data"), dataList(doc, "included")
				if len(data) != len(included) {
					t.Fatalf("%d versions, %d included items", len(data), len(included))
				}
				for i, v := range data {
					names = append(names, obj(v, "attributes", "name").(string))
					wantKeys(t, "search version", v, members(specFor(v, versionTypeC4R, c4rVersion, fileVersion))...)
					wantKeys(t, "included item", included[i], members(specFor(included[i], itemTypeC4R, c4rItemSpec, fileItemSpec))...)
					if obj(v, "relationships", "item", "data", "id") != included[i]["id"] || obj(included[i], "relationships", "tip", "data", "id") != v["id"] {
						t.Errorf("version %v and item %v do not belong together", v["id"], included[i]["id"])
					}
				}
				next, _ = obj(doc, "links", "next", "href").(string)
			}
			if !slices.Equal(names, tt.names) {
				t.Errorf("found %q, want %q", names, tt.names)
			}
		})
	}

	t.Run("pages", func(t *testing.T) {
		// 3 + 3 visible in Architecture + 2 + 1 + 230: two pages of 200.
		seen := map[string]bool{}
		pages := 0
		for next := search(files.ID, ""); next != ""; pages++ {
			doc := dmDoc(t, next, token)
			for _, v := range dataList(doc, "data") {
				seen[v["id"].(string)] = true
			}
			next, _ = obj(doc, "links", "next", "href").(string)
		}
		if pages != 2 || len(seen) != 3+3+2+1+demoSheetCount {
			t.Errorf("%d versions in %d pages", len(seen), pages)
		}
	})

	t.Run("data:read or data:search", func(t *testing.T) {
		for _, scope := range []string{"data:read", "data:search"} {
			if r := get(t, search(files.ID, "filter[fileType]=nwd"), userToken(t, e, base, scope)); r.status != http.StatusOK {
				t.Errorf("%s: %d %s", scope, r.status, r.body)
			}
		}
		get(t, search(files.ID, ""), userToken(t, e, base, "user:read")).
			wantJSON(t, 403, gatewayBody("AUTH-010", "Token does not have the privilege for this request."))
	})
}

func TestItemsAndVersions(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	tower := demoTowerProjectID()
	files := topFolderNamed(t, e, tower, "Project Files")
	arch := entryNamed(t, e, tower, files.ID, "Architecture")
	model := entryNamed(t, e, tower, arch.ID, "Tower – Architecture.rvt")
	versions := e.Versions(tower, model.ID)
	if len(versions) != 4 || versions[0].Number != 4 || versions[3].Number != 1 {
		t.Fatalf("Versions = %+v", versions)
	}
	itemURL := base + itemPath(tower, model.ID)

	t.Run("item", func(t *testing.T) {
		doc := dmDoc(t, itemURL, token)
		wantKeys(t, "item document", doc, members("jsonapi{version} links{self{href}} data{"+c4rItemSpec+"} included[]{"+c4rVersion+"}")...)
		if obj(doc, "links", "self", "href") != base+"/data/v1/projects/"+tower+"/items/"+escapeSeededID(model.ID) ||
			obj(doc, "data", "relationships", "tip", "data", "id") != versions[0].ID || dataList(doc, "included")[0]["id"] != versions[0].ID ||
			obj(doc, "data", "relationships", "parent", "data", "id") != arch.ID {
			t.Errorf("item = %v", doc)
		}
		withPath := dmDoc(t, itemURL+"?includePathInProject=true", token)
		if got := obj(withPath, "data", "attributes", "pathInProject"); got != "/Project Files/Architecture" {
			t.Errorf("pathInProject = %v", got)
		}
		reserved := dmDoc(t, base+itemPath(tower, entryNamed(t, e, tower, arch.ID, "Façade Détails.dwg").ID), token)
		wantKeys(t, "reserved item", reserved["data"], members(fileItemSpec+" attributes{reservedTime reservedUserId reservedUserName}")...)
	})

	t.Run("tip", func(t *testing.T) {
		doc := dmDoc(t, itemURL+"/tip", token)
		wantKeys(t, "tip document", doc, members("jsonapi{version} links{self{href}} data{"+c4rVersion+"}")...)
		self := base + "/data/v1/projects/" + tower + "/versions/" + escapeSeededID(versions[0].ID)
		if obj(doc, "data", "id") != versions[0].ID || obj(doc, "links", "self", "href") != self || !strings.HasSuffix(self, "%3Fversion%3D4") {
			t.Errorf("tip = %v", obj(doc, "links"))
		}
	})

	t.Run("versions", func(t *testing.T) {
		tests := []struct {
			name    string
			query   string
			numbers [][]int // versionNumber per page
		}{
			{"newest first", "", [][]int{{4, 3, 2, 1}}},
			{"two per page", "?page[limit]=2", [][]int{{4, 3}, {2, 1}}},
			{"versionNumber", "?filter[versionNumber]=2", [][]int{{2}}},
			{"paginated before filtering", "?page[limit]=1&filter%5BversionNumber%5D=1,3", [][]int{{}, {3}, {}, {1}}},
			{"numeric comparison", "?filter[versionNumber]-ge=3", [][]int{{4, 3}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got [][]int
				for next := itemURL + "/versions" + tt.query; next != ""; {
					doc := dmDoc(t, next, token)
					page := []int{}
					for _, v := range dataList(doc, "data") {
						wantKeys(t, "version", v, members(c4rVersion)...)
						page = append(page, int(obj(v, "attributes", "versionNumber").(float64)))
					}
					got = append(got, page)
					next, _ = obj(doc, "links", "next", "href").(string)
				}
				if !slices.EqualFunc(got, tt.numbers, slices.Equal[[]int]) {
					t.Errorf("pages %v, want %v", got, tt.numbers)
				}
			})
		}
	})

	t.Run("version", func(t *testing.T) {
		for _, v := range versions {
			doc := dmDoc(t, base+versionPath(tower, v.ID), token)
			d := doc["data"].(map[string]any)
			if d["id"] != v.ID || obj(d, "relationships", "storage", "data", "id") != v.StorageID ||
				obj(d, "relationships", "derivatives", "data", "id") != v.DerivativeURN || obj(d, "relationships", "item", "data", "id") != model.ID {
				t.Errorf("version %s = %v", v.ID, d)
			}
		}
		wantKeys(t, "file version", dmDoc(t, base+versionPath(tower, e.Versions(tower, entryNamed(t, e, tower, files.ID, "README.pdf").ID)[0].ID), token)["data"],
			members(fileVersion)...)
	})

	errs := []struct {
		name, url string
		status    int
		detail    string
	}{
		{"unknown item", base + itemPath(tower, "urn:adsk.wipprod:dm.lineage:nope"), 404, "could not be found"},
		{"item of another project", base + itemPath(demoZurichProjectID(), model.ID), 404, "could not be found"},
		{"unknown version", base + versionPath(tower, versions[0].ID+"0"), 404, "could not be found"},
		{"unencoded '?' in a version ID", base + "/data/v1/projects/" + tower + "/versions/" + url.PathEscape(strings.Split(versions[0].ID, "?")[0]) + "?version=4", 404, "could not be found"},
		{"versions page[limit]=201", itemURL + "/versions?page[limit]=201", 400, "page[limit]"},
		{"includePathInProject not a boolean", itemURL + "?includePathInProject=1x", 400, "includePathInProject"},
		{"unknown data path", base + "/data/v1/projects/" + tower + "/folders", 404, "could not be found"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			wantDMError(t, dmGet(t, tt.url, token, tt.status), tt.status, map[int]string{400: "BAD_INPUT", 404: "NOT_FOUND"}[tt.status],
				map[int]string{400: "Bad Input", 404: "Not Found"}[tt.status], tt.detail)
		})
	}
}

func TestDMContentAccess(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	tower := demoTowerProjectID()
	files := topFolderNamed(t, e, tower, "Project Files")
	appToken := fetchToken(t, base, "data:read data:search")
	for _, path := range []string{
		projectPath(demoBigHubID(), tower) + "/topFolders",
		folderPath(tower, files.ID),
		folderPath(tower, files.ID) + "/contents",
		folderPath(tower, files.ID) + "/search",
	} {
		wantDMError(t, dmGet(t, base+path, appToken, 403), 403, "USER_CONTEXT_REQUIRED", "Forbidden", "three-legged")
	}

	// A project in a hub the user cannot reach answers like the hub does.
	hidden := Hub{ID: "b." + demoUUID("test unreachable content"), Name: "Hidden", Region: "EMEA", Unreachable: true}
	e.AddHub(hidden)
	e.AddProject(Project{ID: "b." + demoUUID("test unreachable project"), HubID: hidden.ID, Name: "Hidden project"})
	token := userToken(t, e, base, "data:read")
	wantDMError(t, dmGet(t, base+folderPath("b."+demoUUID("test unreachable project"), rootFolderID("b."+demoUUID("test unreachable project"))), token, 403),
		403, "BIM360DM_ERROR", "Unable to get hubs from BIM360DM EMEA.", "permission")

	r := send(t, http.MethodPost, base+folderPath(tower, files.ID)+"/contents", token, "{}")
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET" {
		t.Errorf("POST contents: %d Allow %q", r.status, r.header.Get("Allow"))
	}
}
