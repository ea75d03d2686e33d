package apsemu

import (
	"encoding/base64"
	"net/http"
	"path"
	"slices"
	"strings"
	"testing"
)

// Members of the Model Derivative examples (md.get-manifest,
// md.get-model-views, md.fetch-specific-properties).
const (
	manifestSpec = "urn region version status progress hasThumbnail type derivatives[]{name hasThumbnail outputType progress status " +
		"children[]{urn role mime guid type status name hasThumbnail phaseNames progress viewableID resolution " +
		"children[]{guid type role name status progress camera urn mime resolution}}}"
	modelViewsSpec = "data{type metadata[]{name role guid isMasterView}}"
)

// pathVersions walks a project's folders by name (top folder, subfolders,
// then the item) and returns the item's versions, newest first.
func pathVersions(t *testing.T, e *Emulator, projectID string, names ...string) []Version {
	t.Helper()
	id := topFolderNamed(t, e, projectID, names[0]).ID
	for _, name := range names[1:] {
		id = entryNamed(t, e, projectID, id, name).ID
	}
	return e.Versions(projectID, id)
}

// mdURL is the URL of a Model Derivative resource of a design.
func mdURL(base, urn, rest string) string {
	return base + mdPathPrefix + urn + rest
}

// wantMDError checks a Model Derivative error answer.
func wantMDError(t *testing.T, r testResponse, status int, diagnosticHas string) {
	t.Helper()
	m := r.object(t)
	d, _ := m["diagnostic"].(string)
	if r.status != status || len(m) != 1 || !strings.Contains(d, diagnosticHas) {
		t.Fatalf("status %d body %s, want %d with a diagnostic containing %q", r.status, r.body, status, diagnosticHas)
	}
}

func TestManifest(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{Clients: []Client{{ID: DemoClientID, Secret: DemoClientSecret}, {ID: otherClient, Secret: otherSecret}}})
	app := fetchToken(t, base, "data:read")
	viewables := fetchToken(t, base, "viewables:read")
	tower, zurich := demoTowerProjectID(), demoZurichProjectID()
	model := pathVersions(t, e, tower, "Project Files", "Architecture", "Tower – Architecture.rvt")[0]
	structure := pathVersions(t, e, tower, "Project Files", "Architecture", "Tower – Structure.rvt")
	clash := pathVersions(t, e, tower, "Project Files", "Coordination", "Clash Report Ü3.pdf")[0]
	bestand := pathVersions(t, e, zurich, "Project Files", "Bestand", "Bahnhof – Bestand.rvt")[0]
	object := ossObjectIDPrefix + demoModelsBucket + "/設計図.rvt"
	if structure[0].ManifestStatus != manifestInProgress || clash.ManifestStatus != "" || model.ManifestStatus != manifestSuccess {
		t.Fatalf("seeded statuses: %+v %+v %+v", structure[0], clash, model)
	}

	tests := []struct {
		name     string
		url      string
		token    string
		header   []string
		status   string // manifest status, or "" for an error
		region   string
		code     int    // for errors
		diagHas  string // for errors
		wantURN  string
		wantName string
	}{
		{"DM version", mdURL(base, model.DerivativeURN, "/manifest"), app, nil, manifestSuccess, "US", 0, "", model.DerivativeURN, "Tower – Architecture.rvt"},
		{"viewables:read is enough", mdURL(base, model.DerivativeURN, "/manifest"), viewables, nil, manifestSuccess, "US", 0, "", model.DerivativeURN, ""},
		{"user token", mdURL(base, model.DerivativeURN, "/manifest"), userToken(t, e, base, "data:read"), nil, manifestSuccess, "US", 0, "", model.DerivativeURN, ""},
		{"older version", mdURL(base, structure[1].DerivativeURN, "/manifest"), app, nil, manifestSuccess, "US", 0, "", structure[1].DerivativeURN, ""},
		{"in progress", mdURL(base, structure[0].DerivativeURN, "/manifest"), app, nil, manifestInProgress, "US", 0, "", structure[0].DerivativeURN, ""},
		{"OSS object", mdURL(base, designURN(object), "/manifest"), app, nil, manifestSuccess, "US", 0, "", designURN(object), "設計図.rvt"},
		{"padded standard base64", mdURL(base, strings.ReplaceAll(base64.StdEncoding.EncodeToString([]byte(object)), "/", "%2F"), "/manifest"), app, nil,
			manifestSuccess, "US", 0, "", designURN(object), ""},
		{"object key percent-encoded", mdURL(base, designURN(ossObjectIDPrefix+demoModelsBucket+"/Floor%20Plan%20Level%201.dwg"), "/manifest"), app, nil,
			manifestSuccess, "US", 0, "", designURN(ossObjectIDPrefix + demoModelsBucket + "/Floor Plan Level 1.dwg"), ""},
		{"EMEA design with region header", mdURL(base, bestand.DerivativeURN, "/manifest"), app, []string{"region", "EMEA"}, manifestSuccess, "EMEA", 0, "", bestand.DerivativeURN, ""},
		{"EMEA design on the legacy EU path", base + mdLegacyEUPath + bestand.DerivativeURN + "/manifest", app, nil, manifestSuccess, "EMEA", 0, "", bestand.DerivativeURN, ""},
		{"EMEA design asked in US", mdURL(base, bestand.DerivativeURN, "/manifest"), app, nil, "", "", 404, "stored in region EMEA", "", ""},
		{"US design asked in EMEA", mdURL(base, model.DerivativeURN, "/manifest"), app, []string{"region", "EMEA"}, "", "", 404, "region EMEA", "", ""},
		{"never translated", mdURL(base, clash.DerivativeURN, "/manifest"), app, nil, "", "", 404, "never translated", "", ""},
		{"untranslated object", mdURL(base, designURN(ossObjectIDPrefix+demoModelsBucket+"/part-0001.ipt"), "/manifest"), app, nil, "", "", 404, "never translated", "", ""},
		{"unknown region", mdURL(base, model.DerivativeURN, "/manifest"), app, []string{"region", "MARS"}, "", "", 400, "region header", "", ""},
		{"not base64", mdURL(base, "not*base64", "/manifest"), app, nil, "", "", 400, "urn", "", ""},
		{"not a URN", mdURL(base, designURN("hello"), "/manifest"), app, nil, "", "", 400, "urn", "", ""},
		{"another app", mdURL(base, model.DerivativeURN, "/manifest"), fetchTokenFor(t, base, otherClient, otherSecret, formValues("client_credentials", "data:read")),
			nil, "", "", 403, "access", "", ""},
		{"unknown resource", mdURL(base, model.DerivativeURN, "/thumbnails"), app, nil, "", "", 404, "does not exist", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, http.MethodGet, tt.url, tt.token, "", tt.header...)
			if tt.status == "" {
				wantMDError(t, r, tt.code, tt.diagHas)
				return
			}
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
				t.Fatalf("status %d Content-Type %q body %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			m := r.object(t)
			if m["status"] != tt.status || m["region"] != tt.region || m["urn"] != tt.wantURN || m["type"] != "manifest" || m["version"] != "1.0" {
				t.Errorf("manifest = %s", r.body)
			}
			if tt.wantName != "" && obj(dataList(m, "derivatives")[0], "name") != tt.wantName {
				t.Errorf("derivative name = %v", obj(dataList(m, "derivatives")[0], "name"))
			}
			if tt.status == manifestInProgress {
				if m["progress"] != "42% complete" || m["hasThumbnail"] != "false" {
					t.Errorf("in progress manifest = %s", r.body)
				}
				return
			}
			if m["progress"] != "complete" || m["hasThumbnail"] != "true" {
				t.Errorf("manifest = %s", r.body)
			}
		})
	}

	t.Run("Revit manifest lists the model views", func(t *testing.T) {
		m := get(t, mdURL(base, model.DerivativeURN, "/manifest"), app).object(t)
		wantKeys(t, "manifest", m, members(manifestSpec)...)
		var geometry []string
		for _, d := range dataList(m, "derivatives") {
			for _, c := range dataList(d, "children") {
				if c["type"] == "geometry" {
					geometry = append(geometry, c["guid"].(string))
				}
			}
		}
		views := get(t, mdURL(base, model.DerivativeURN, "/metadata"), app).object(t)
		var guids []string
		for _, v := range dataList(views["data"].(map[string]any), "metadata") {
			guids = append(guids, v["guid"].(string))
		}
		if len(guids) != 3 || !slices.Equal(geometry, guids) {
			t.Errorf("geometry guids %q, model views %q", geometry, guids)
		}
	})

	t.Run("scopes and methods", func(t *testing.T) {
		get(t, mdURL(base, model.DerivativeURN, "/metadata"), viewables).
			wantJSON(t, 403, gatewayBody("AUTH-010", "Token does not have the privilege for this request."))
		get(t, mdURL(base, model.DerivativeURN, "/manifest"), fetchToken(t, base, "bucket:read")).
			wantJSON(t, 403, gatewayBody("AUTH-010", "Token does not have the privilege for this request."))
		r := send(t, http.MethodPost, mdURL(base, model.DerivativeURN, "/manifest"), app, "{}")
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET" {
			t.Errorf("POST manifest: %d Allow %q", r.status, r.header.Get("Allow"))
		}
	})
}

func TestModelViews(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	app := fetchToken(t, base, "data:read")
	tower := demoTowerProjectID()
	tests := []struct {
		name  string
		urn   string
		views []string // name/role, "*" marking the master view
	}{
		{"Revit", pathVersions(t, e, tower, "Project Files", "Architecture", "Tower – Architecture.rvt")[0].DerivativeURN,
			[]string{"{3D}/3d", "New Construction/3d*", "A101 - Level 1 Plan/2d"}},
		{"drawing", pathVersions(t, e, tower, "Project Files", "設計図 – 配置.dwg")[0].DerivativeURN, []string{"Model/2d", "Layout1/2d"}},
		{"Navisworks", pathVersions(t, e, tower, "Project Files", "Coordination", "Tower – Federated.nwd")[0].DerivativeURN, []string{"Tower – Federated.nwd/3d"}},
		{"OSS drawing", designURN(ossObjectIDPrefix + demoModelsBucket + "/Floor Plan Level 1.dwg"), []string{"Model/2d", "Layout1/2d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, mdURL(base, tt.urn, "/metadata"), app)
			if r.status != http.StatusOK {
				t.Fatalf("status %d body %s", r.status, r.body)
			}
			m := r.object(t)
			var got []string
			for _, v := range dataList(m["data"].(map[string]any), "metadata") {
				s := v["name"].(string) + "/" + v["role"].(string)
				if v["isMasterView"] == true {
					s += "*"
				}
				got = append(got, s)
			}
			if !slices.Equal(got, tt.views) || obj(m, "data", "type") != "metadata" {
				t.Errorf("views %q, want %q", got, tt.views)
			}
			want := members(modelViewsSpec)
			if !slices.ContainsFunc(tt.views, func(v string) bool { return strings.HasSuffix(v, "*") }) {
				want = slices.DeleteFunc(want, func(s string) bool { return strings.HasSuffix(s, "isMasterView") })
			}
			wantKeys(t, "model views", m, want...)
		})
	}
	structure := pathVersions(t, e, tower, "Project Files", "Architecture", "Tower – Structure.rvt")[0]
	wantMDError(t, get(t, mdURL(base, structure.DerivativeURN, "/metadata"), app), 404, "not complete")
}

// firstView returns the URN and first model view GUID of the tower's
// architecture model.
func firstView(t *testing.T, e *Emulator) (urn string, guids []string) {
	t.Helper()
	v := pathVersions(t, e, demoTowerProjectID(), "Project Files", "Architecture", "Tower – Architecture.rvt")[0]
	tr, _ := e.lookupTranslation(v.ID)
	for _, mv := range tr.views() {
		guids = append(guids, mv.guid)
	}
	return v.DerivativeURN, guids
}

func TestMetadataAcceptedFirst(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	app := fetchToken(t, base, "data:read")
	urn, guids := firstView(t, e)
	query := `{"query":{"$in":["objectid",1]},"fields":["name"]}`
	accepted := map[string]any{"result": "success"}
	steps := []struct {
		name   string
		method string
		rest   string
		body   string
		header []string
		status int
	}{
		{"first tree request", http.MethodGet, "/metadata/" + guids[0], "", nil, 202},
		{"second tree request", http.MethodGet, "/metadata/" + guids[0], "", nil, 200},
		{"properties of the same view", http.MethodGet, "/metadata/" + guids[0] + "/properties", "", nil, 200},
		{"forced re-extraction", http.MethodGet, "/metadata/" + guids[0] + "/properties", "", []string{"x-ads-force", "true"}, 202},
		{"after the forced one", http.MethodGet, "/metadata/" + guids[0] + "/properties", "", nil, 200},
		{"properties of another view", http.MethodGet, "/metadata/" + guids[1] + "/properties", "", nil, 202},
		{"query of a third view", http.MethodPost, "/metadata/" + guids[2] + "/properties:query", query, nil, 202},
		{"query again", http.MethodPost, "/metadata/" + guids[2] + "/properties:query", query, nil, 200},
		{"unknown view", http.MethodGet, "/metadata/" + demoUUID("nope"), "", nil, 404},
	}
	for _, st := range steps {
		r := send(t, st.method, mdURL(base, urn, st.rest), app, st.body, st.header...)
		switch st.status {
		case 202:
			r.wantJSON(t, 202, accepted)
		case 404:
			wantMDError(t, r, 404, "model view")
		default:
			if r.status != st.status {
				t.Fatalf("%s: status %d body %s", st.name, r.status, r.body)
			}
		}
	}

	t.Run("SetMetadataReady", func(t *testing.T) {
		fresh := designURN(ossObjectIDPrefix + demoModelsBucket + "/site/north wing/model.rvt")
		tr, _ := e.lookupTranslation(ossObjectIDPrefix + demoModelsBucket + "/site/north wing/model.rvt")
		views := tr.views()
		e.SetMetadataReady(true)
		if r := get(t, mdURL(base, fresh, "/metadata/"+views[0].guid), app); r.status != http.StatusOK {
			t.Errorf("ready: first request %d", r.status)
		}
		e.SetMetadataReady(false)
		get(t, mdURL(base, fresh, "/metadata/"+views[1].guid+"/properties"), app).wantJSON(t, 202, accepted)
		if r := get(t, mdURL(base, fresh, "/metadata/"+views[0].guid), app); r.status != http.StatusOK {
			t.Errorf("a view answered while ready stays extracted: %d", r.status)
		}
	})
}

// treeIDs lists the objectids of a tree in document order, and checks the
// nodes' members.
func treeIDs(t *testing.T, nodes []any) []int {
	t.Helper()
	var out []int
	for _, n := range nodes {
		m := n.(map[string]any)
		for k := range m {
			if k != "objectid" && k != "name" && k != "objects" {
				t.Errorf("tree node member %q", k)
			}
		}
		out = append(out, int(m["objectid"].(float64)))
		if kids, ok := m["objects"].([]any); ok {
			out = append(out, treeIDs(t, kids)...)
		}
	}
	return out
}

func TestObjectTreeAndProperties(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	e.SetMetadataReady(true)
	app := fetchToken(t, base, "data:read")
	urn, guids := firstView(t, e)
	tree := mdURL(base, urn, "/metadata/"+guids[0])

	whole := get(t, tree, app).object(t)
	objects := obj(whole, "data", "objects").([]any)
	ids := treeIDs(t, objects)
	if obj(whole, "data", "type") != "objects" || len(objects) != 1 || len(ids) < 30 || !slices.IsSorted(ids) || ids[0] != 1 {
		t.Fatalf("tree ids %v", ids)
	}
	props := get(t, tree+"/properties", app).object(t)
	collection := dataList(props["data"].(map[string]any), "collection")
	if obj(props, "data", "type") != "properties" || len(collection) != len(ids) {
		t.Fatalf("%d property sets for %d objects", len(collection), len(ids))
	}
	for i, o := range collection {
		wantKeys(t, "property set", map[string]any{"objectid": o["objectid"], "name": o["name"], "externalId": o["externalId"], "properties": map[string]any{}},
			"objectid", "name", "externalId", "properties")
		if len(o) != 4 || int(o["objectid"].(float64)) != ids[i] || len(o["properties"].(map[string]any)) == 0 {
			t.Errorf("property set %v", o)
		}
	}

	tests := []struct {
		name string
		url  string
		ids  []int // objectids in the answer (tree: all nodes)
	}{
		{"subtree", tree + "?objectid=2", treeIDs(t, []any{obj(objects[0], "objects").([]any)[0]})},
		{"one level", tree + "?objectid=1&level=1", append([]int{1}, childIDs(objects[0])...)},
		{"unknown object", tree + "?objectid=99999", nil},
		{"properties of one object", tree + "/properties?objectid=3&forceget=true", []int{3}},
		{"properties of an unknown object", tree + "/properties?objectid=99999", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := get(t, tt.url, app).object(t)
			var got []int
			if list, ok := obj(m, "data", "objects").([]any); ok {
				got = treeIDs(t, list)
				if tt.name == "one level" && len(got) > 1 && obj(list[0], "objects").([]any)[0].(map[string]any)["objects"] != nil {
					t.Errorf("level=1 returned grandchildren")
				}
			} else {
				for _, o := range dataList(m["data"].(map[string]any), "collection") {
					got = append(got, int(o["objectid"].(float64)))
				}
			}
			if !slices.Equal(got, tt.ids) {
				t.Errorf("ids %v, want %v", got, tt.ids)
			}
		})
	}
	for _, q := range []string{"?level=2", "?objectid=abc", "?objectid=0"} {
		wantMDError(t, get(t, tree+q, app), 400, "")
	}

	// Property values are deterministic: a second emulator answers the same.
	_, base2 := startEmulator(t, Options{})
	other := fetchToken(t, base2, "data:read")
	first := get(t, tree+"/properties", app).body
	mdURL2 := strings.Replace(tree, base, base2, 1) + "/properties"
	get(t, mdURL2, other) // 202
	if second := get(t, mdURL2, other).body; string(second) != string(first) {
		t.Error("properties differ between emulators")
	}
}

// childIDs lists the objectids of a tree node's children.
func childIDs(node any) []int {
	var out []int
	for _, c := range obj(node, "objects").([]any) {
		out = append(out, int(c.(map[string]any)["objectid"].(float64)))
	}
	return out
}

func TestQueryProperties(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	e.SetMetadataReady(true)
	app := fetchToken(t, base, "data:read")
	urn, guids := firstView(t, e)
	tr, _ := e.lookupTranslation(pathVersions(t, e, demoTowerProjectID(), "Project Files", "Architecture", "Tower – Architecture.rvt")[0].ID)
	view, _ := tr.view(guids[0])
	all := tr.objects(view)
	endpoint := mdURL(base, urn, "/metadata/"+guids[0]+"/properties:query")
	ids := func(keep func(o mdObject) bool) []int {
		var out []int
		for _, o := range all {
			if keep(o) {
				out = append(out, o.id)
			}
		}
		return out
	}
	lengthM := func(o mdObject) float64 { n, _ := numericProperty(o, "properties.Dimensions.Length"); return n }
	wall := all[slices.IndexFunc(all, func(o mdObject) bool { return strings.HasPrefix(o.name, "Basic Wall [") })]

	tests := []struct {
		name   string
		body   string
		ids    []int
		total  int
		fields []string // top-level members of each result
		cats   []string // property categories of each result, nil: not checked
	}{
		{"the documented example", `{"query":{"$in":["objectid",8,7]},"fields":["objectid","name","externalId","properties.Cons*"],"pagination":{"offset":0,"limit":20},"payload":"text"}`,
			[]int{7, 8}, 2, []string{"externalId", "name", "objectid", "properties"}, []string{"Constraints"}},
		{"like on name", `{"query":{"$like":["name","%wall [%"]},"fields":["objectid"]}`,
			ids(func(o mdObject) bool { return strings.HasPrefix(o.name, "Basic Wall [") }), 4, []string{"objectid"}, nil},
		{"prefix", `{"query":{"$prefix":["name","Floor"]},"fields":["objectid","name"]}`,
			ids(func(o mdObject) bool { return strings.HasPrefix(o.name, "Floor") }), 6, []string{"name", "objectid"}, nil},
		{"eq on name", `{"query":{"$eq":["name","` + wall.name + `"]},"fields":["objectid"]}`, []int{wall.id}, 1, []string{"objectid"}, nil},
		{"in on externalId", `{"query":{"$in":["externalId","` + wall.externalID + `"]}}`, []int{wall.id}, 1, []string{"externalId", "name", "objectid", "properties"},
			[]string{"Constraints", "Dimensions", "Identity Data", "Phasing"}},
		{"between in metres", `{"query":{"$between":["properties.Dimensions.Length",2,6]},"fields":["objectid","properties.Dimensions.Length"]}`,
			ids(func(o mdObject) bool { n := lengthM(o); return n >= 2 && n <= 6 }), -1, []string{"objectid", "properties"}, []string{"Dimensions"}},
		{"ge", `{"query":{"$ge":["properties.Dimensions.Length",5]},"fields":["objectid"],"pagination":{"limit":1000}}`,
			ids(func(o mdObject) bool { return lengthM(o) >= 5 }), -1, []string{"objectid"}, nil},
		{"contains words", `{"query":{"$contains":["properties.Identity Data.Type Name","generic 200MM"]},"fields":["objectid","properties.*.Type Name"]}`,
			ids(func(o mdObject) bool { return o.props["Identity Data"]["Type Name"] == "Generic - 200mm" }), 4, []string{"objectid", "properties"}, []string{"Identity Data"}},
		{"page", `{"query":{"$like":["name","%"]},"fields":["objectid"],"pagination":{"offset":2,"limit":3}}`, []int{3, 4, 5}, len(all), []string{"objectid"}, nil},
		{"page past the end", `{"query":{"$like":["name","%"]},"fields":["objectid"],"pagination":{"offset":1000,"limit":3}}`, nil, len(all), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, http.MethodPost, endpoint, app, tt.body, "Content-Type", "application/json")
			if r.status != http.StatusOK {
				t.Fatalf("status %d body %s", r.status, r.body)
			}
			m := r.object(t)
			collection := dataList(m["data"].(map[string]any), "collection")
			var got []int
			for _, o := range collection {
				if id, ok := o["objectid"].(float64); ok {
					got = append(got, int(id))
				} else {
					got = append(got, slices.IndexFunc(all, func(x mdObject) bool { return x.externalID == o["externalId"] })+1)
				}
				if keys := sortedMapKeys(o); !slices.Equal(keys, tt.fields) {
					t.Errorf("members %q, want %q", keys, tt.fields)
				}
				if tt.cats != nil {
					if cats := sortedMapKeys(o["properties"].(map[string]any)); !slices.Equal(cats, tt.cats) {
						t.Errorf("categories %q, want %q", cats, tt.cats)
					}
				}
			}
			total := tt.total
			if total < 0 {
				total = len(tt.ids)
			}
			if !slices.Equal(got, tt.ids) || obj(m, "pagination", "totalResults") != float64(total) || obj(m, "data", "type") != "properties" {
				t.Errorf("ids %v total %v, want %v %d", got, obj(m, "pagination", "totalResults"), tt.ids, total)
			}
			if tt.name == "the documented example" {
				got := slices.DeleteFunc(keyPaths(m), func(p string) bool { return strings.HasPrefix(p, "data.collection[].properties.Constraints.") })
				if want := members("pagination{limit offset totalResults} data{type collection[]{objectid name externalId properties{Constraints}}}"); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
					t.Errorf("answer members %q, want %q", got, want)
				}
				if obj(m, "pagination", "limit") != float64(20) || obj(m, "pagination", "offset") != float64(0) {
					t.Errorf("pagination %v", m["pagination"])
				}
			}
		})
	}

	bad := []struct{ name, body string }{
		{"not JSON", `query=1`},
		{"trailing data", `{"query":{"$in":["objectid",1]}} {}`},
		{"no query", `{"fields":["name"]}`},
		{"two operators", `{"query":{"$in":["objectid",1],"$eq":["name","x"]}}`},
		{"unknown operator", `{"query":{"$regex":["name","x"]}}`},
		{"objectid as a string", `{"query":{"$in":["objectid","1"]}}`},
		{"in on name", `{"query":{"$in":["name","x"]}}`},
		{"between with one bound", `{"query":{"$between":["properties.Dimensions.Length",1]}}`},
		{"prefix on a property", `{"query":{"$prefix":["properties.Identity Data.Mark","W"]}}`},
		{"limit 0", `{"query":{"$in":["objectid",1]},"pagination":{"offset":0,"limit":0}}`},
		{"limit 1001", `{"query":{"$in":["objectid",1]},"pagination":{"offset":0,"limit":1001}}`},
		{"negative offset", `{"query":{"$in":["objectid",1]},"pagination":{"offset":-1,"limit":10}}`},
		{"fractional offset", `{"query":{"$in":["objectid",1]},"pagination":{"offset":1.5,"limit":10}}`},
		{"unit payload", `{"query":{"$in":["objectid",1]},"payload":"unit"}`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			wantMDError(t, send(t, http.MethodPost, endpoint, app, tt.body), 400, "")
		})
	}
}

// sortedMapKeys lists a map's keys in order.
func sortedMapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestTranslatedDemoObjectsFollowTheRule: in the demo buckets exactly the
// designs are translated, by the rule the package doc states (.iam, .rvt,
// .dwg, .pdf, .ifc and .f3d; the .ipt parts and .txt notes are not), so a
// reader can tell from a listing which objects have a manifest.
func TestTranslatedDemoObjectsFollowTheRule(t *testing.T) {
	t.Parallel()
	e := New(Options{})
	translated := map[string]bool{}
	for _, tr := range e.Translations() {
		if strings.HasPrefix(tr.SourceURN, ossObjectIDPrefix) {
			translated[strings.TrimPrefix(tr.SourceURN, ossObjectIDPrefix)] = true
		}
	}
	n := 0
	for _, bucket := range []string{demoModelsBucket, demoBucketKey(1)} {
		for _, o := range e.Objects(bucket) {
			design := slices.Contains([]string{".iam", ".rvt", ".dwg", ".pdf", ".ifc", ".f3d"}, path.Ext(o.Key))
			if translated[bucket+"/"+o.Key] != design {
				t.Errorf("%s/%s: translated %v, a design %v", bucket, o.Key, !design, design)
			}
			if design {
				n++
			}
		}
	}
	if n < 30 || len(translated) != n {
		t.Errorf("%d designs, %d OSS translations; want them equal and at least 30", n, len(translated))
	}
}
