package apsemu

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// hrefJSON is a JSON:API link object.
type hrefJSON struct {
	Href string `json:"href"`
}

// dmListJSON decodes a DM collection document, keeping each resource raw.
type dmListJSON struct {
	JSONAPI struct {
		Version string `json:"version"`
	} `json:"jsonapi"`
	Links struct {
		Self  *hrefJSON `json:"self"`
		First *hrefJSON `json:"first"`
		Prev  *hrefJSON `json:"prev"`
		Next  *hrefJSON `json:"next"`
	} `json:"links"`
	Data []map[string]any `json:"data"`
	Meta json.RawMessage  `json:"meta"`
}

// uuidPattern matches the ids of JSON:API error objects.
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// escapeSeededID percent-encodes the reserved characters seeded IDs hold,
// independently of the emulator's encoder.
func escapeSeededID(id string) string {
	return strings.NewReplacer(":", "%3A", "=", "%3D", "?", "%3F").Replace(id)
}

// dmGet GETs a DM URL and checks the status and the JSON:API content type.
func dmGet(t *testing.T, rawURL, token string, status int) testResponse {
	t.Helper()
	r := get(t, rawURL, token)
	if r.status != status {
		t.Fatalf("GET %s: status %d, want %d; body %s", rawURL, r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/vnd.api+json" {
		t.Fatalf("GET %s: Content-Type = %q", rawURL, ct)
	}
	return r
}

// dmList GETs a DM collection and decodes it.
func dmList(t *testing.T, rawURL, token string) dmListJSON {
	t.Helper()
	var doc dmListJSON
	decodeInto(t, dmGet(t, rawURL, token, http.StatusOK).body, &doc)
	if doc.JSONAPI.Version != "1.0" || doc.Links.Self == nil || doc.Data == nil {
		t.Fatalf("GET %s: not a JSON:API collection: %+v", rawURL, doc)
	}
	return doc
}

// ids lists the id of every resource.
func ids(data []map[string]any) []string {
	out := make([]string, 0, len(data))
	for _, d := range data {
		id, _ := d["id"].(string)
		out = append(out, id)
	}
	return out
}

// wantDMError checks a JSON:API error body with one error.
func wantDMError(t *testing.T, r testResponse, status int, code, title, detail string) {
	t.Helper()
	m := r.object(t)
	errs, _ := m["errors"].([]any)
	if len(m) != 2 || !reflect.DeepEqual(m["jsonapi"], map[string]any{"version": "1.0"}) || len(errs) != 1 {
		t.Fatalf("body = %s, want jsonapi and one error", r.body)
	}
	e, _ := errs[0].(map[string]any)
	id, _ := e["id"].(string)
	if !uuidPattern.MatchString(id) {
		t.Errorf("error id = %q, want a UUID", id)
	}
	want := map[string]any{"id": id, "status": strconv.Itoa(status), "code": code, "title": title, "detail": e["detail"]}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("error = %v, want %v", e, want)
	}
	if d, _ := e["detail"].(string); !strings.Contains(d, detail) {
		t.Errorf("detail = %q, want it to contain %q", d, detail)
	}
}

func TestDMRefusesAppTokens(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	appToken := fetchToken(t, base, "data:read")
	p := e.Projects(demoEMEAHubID())[0]
	for _, path := range []string{
		"/project/v1/hubs",
		hubPath(p.HubID),
		hubPath(p.HubID) + "/projects",
		projectPath(p.HubID, p.ID),
	} {
		t.Run(path, func(t *testing.T) {
			r := dmGet(t, base+path, appToken, http.StatusForbidden)
			wantDMError(t, r, 403, "USER_CONTEXT_REQUIRED", "Forbidden", "three-legged")
		})
	}
}

func TestDMGateway(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	noDataRead := userToken(t, e, base, "user:read")
	appNoDataRead := fetchToken(t, base, "bucket:read")
	hubs := base + "/project/v1/hubs"
	tests := []struct {
		name   string
		url    string
		token  string
		status int
		body   map[string]any
	}{
		{"no token", hubs, "", 401, gatewayBody("AUTH-006", "The Authorization header is missing.")},
		{"unknown token", hubs, "nope", 401, gatewayBody("AUTH-006", "The access token is invalid.")},
		{"unknown token on unknown hub", base + "/project/v1/hubs/b.nope/projects", "nope", 401, gatewayBody("AUTH-006", "The access token is invalid.")},
		{"user token without data:read", hubs, noDataRead, 403, gatewayBody("AUTH-010", "Token does not have the privilege for this request.")},
		{"user token without data:read on projects", base + hubPath(demoBigHubID()) + "/projects", noDataRead, 403,
			gatewayBody("AUTH-010", "Token does not have the privilege for this request.")},
		{"app token without data:read", hubs, appNoDataRead, 403, gatewayBody("AUTH-010", "Token does not have the privilege for this request.")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			get(t, tt.url, tt.token).wantJSON(t, tt.status, tt.body)
		})
	}
}

func TestListHubs(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	all := e.Hubs()
	var wantIDs []string
	types := map[string]int{}
	for _, h := range all {
		wantIDs = append(wantIDs, h.ID)
		types[h.Type]++
	}
	if len(all) < 4 || types[hubTypeBIM360] < 2 || types[hubTypeCore] < 1 || types[hubTypePersonal] < 1 {
		t.Fatalf("seeded hubs %+v lack the required kinds", all)
	}
	if !slices.ContainsFunc(all, func(h Hub) bool { return strings.HasSuffix(h.ID, "=") }) {
		t.Fatal("no seeded hub ID ends in '='")
	}

	doc := dmList(t, base+"/project/v1/hubs", token)
	if got := ids(doc.Data); !slices.Equal(got, wantIDs) {
		t.Fatalf("hub ids = %q, want %q", got, wantIDs)
	}
	if doc.Links.Self.Href != base+"/project/v1/hubs" || doc.Links.Next != nil || doc.Meta != nil {
		t.Errorf("links %+v meta %s", doc.Links, doc.Meta)
	}

	// The personal hub's ID ends in '=', which every link must encode.
	personal := demoPersonalHubID()
	self := base + "/project/v1/hubs/" + escapeSeededID(personal)
	wantPersonal := map[string]any{
		"type": "hubs",
		"id":   personal,
		"attributes": map[string]any{
			"name": "Demo User",
			"extension": map[string]any{
				"type":    "hubs:autodesk.a360:PersonalHub",
				"version": "1.0",
				"schema":  map[string]any{"href": base + "/schema/v1/versions/hubs%3Aautodesk.a360%3APersonalHub-1.0"},
				"data":    map[string]any{},
			},
			"region": "US",
		},
		"links":         map[string]any{"self": map[string]any{"href": self}},
		"relationships": map[string]any{"projects": map[string]any{"links": map[string]any{"related": map[string]any{"href": self + "/projects"}}}},
	}
	i := slices.Index(wantIDs, personal)
	if !reflect.DeepEqual(doc.Data[i], wantPersonal) {
		t.Errorf("personal hub = %v\nwant %v", doc.Data[i], wantPersonal)
	}

	// Every hub's own links lead back to it and to its projects.
	for _, h := range doc.Data {
		hubSelf := h["links"].(map[string]any)["self"].(map[string]any)["href"].(string)
		var one struct {
			Links struct{ Self hrefJSON } `json:"links"`
			Data  map[string]any          `json:"data"`
		}
		decodeInto(t, dmGet(t, hubSelf, token, http.StatusOK).body, &one)
		if !reflect.DeepEqual(one.Data, h) || one.Links.Self.Href != hubSelf {
			t.Errorf("GET %s = %v, want %v", hubSelf, one.Data, h)
		}
		related := h["relationships"].(map[string]any)["projects"].(map[string]any)["links"].(map[string]any)["related"].(map[string]any)["href"].(string)
		dmList(t, related, token)
	}
}

func TestListHubsFilters(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	big, emea, team, personal := demoBigHubID(), demoEMEAHubID(), demoTeamHubID(), demoPersonalHubID()
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"extension type", "filter[extension.type]=hubs:autodesk.bim360:Account", []string{big, emea}},
		{"encoded key, two types", "filter%5Bextension.type%5D=hubs%3Aautodesk.core%3AHub%2Chubs%3Aautodesk.a360%3APersonalHub", []string{team, personal}},
		{"ids, one with '='", "filter[id]=" + url.QueryEscape(emea+","+personal), []string{personal, emea}},
		{"repeated id filter", "filter[id]=" + url.QueryEscape(big) + "&filter[id]=" + url.QueryEscape(team), []string{team, big}},
		{"name", "filter[name]=" + url.QueryEscape("Contoso Construction"), []string{big}},
		{"filters combine with AND", "filter[name]=" + url.QueryEscape("APS MCP Design Team") + "&filter[extension.type]=hubs:autodesk.bim360:Account", []string{}},
		{"no match", "filter[id]=b.nope", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := dmList(t, base+"/project/v1/hubs?"+tt.query, token)
			if got := ids(doc.Data); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %q, want %q", got, tt.want)
			}
			q, _ := url.ParseQuery(tt.query)
			if want := base + "/project/v1/hubs?" + q.Encode(); doc.Links.Self.Href != want {
				t.Errorf("self = %q, want %q", doc.Links.Self.Href, want)
			}
		})
	}
}

func TestWalkBigHubProjects(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	hubID := demoBigHubID()
	want := e.Projects(hubID)
	if len(want) <= 200 {
		t.Fatalf("big hub has %d projects, want more than 200", len(want))
	}
	var wantIDs []string
	for _, p := range want {
		wantIDs = append(wantIDs, p.ID)
	}
	list := base + "/project/v1/hubs/" + hubID + "/projects"
	tests := []struct {
		name  string
		first string
		limit int
		pages int
	}{
		{"page[limit]=50 sent literally", list + "?page[limit]=50", 50, 5},
		{"default limit", list, 200, 2},
		{"page[limit]=7 sent encoded", list + "?page%5Blimit%5D=7", 7, 33},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			pages := 0
			for next := tt.first; next != ""; pages++ {
				if pages > maxWalkPages {
					t.Fatalf("still paging after %d pages", pages)
				}
				doc := dmList(t, next, token)
				if len(doc.Data) == 0 || len(doc.Data) > tt.limit {
					t.Fatalf("page %d holds %d projects, limit %d", pages, len(doc.Data), tt.limit)
				}
				got = append(got, ids(doc.Data)...)
				// Links carry the page size the caller chose, and only it.
				q := url.Values{}
				if tt.first != list {
					q.Set("page[limit]", strconv.Itoa(tt.limit))
				}
				pageHref := func(n int) string {
					q.Set("page[number]", strconv.Itoa(n))
					return list + "?" + q.Encode()
				}
				if pages > 0 {
					if doc.Links.First == nil || doc.Links.First.Href != pageHref(0) ||
						doc.Links.Prev == nil || doc.Links.Prev.Href != pageHref(pages-1) {
						t.Errorf("page %d: first %+v prev %+v", pages, doc.Links.First, doc.Links.Prev)
					}
				} else if doc.Links.First != nil || doc.Links.Prev != nil {
					t.Errorf("page 0 has first %+v prev %+v", doc.Links.First, doc.Links.Prev)
				}
				next = ""
				if doc.Links.Next != nil {
					next = doc.Links.Next.Href
					if want := pageHref(pages + 1); next != want {
						t.Fatalf("next = %q, want %q", next, want)
					}
				}
			}
			if pages != tt.pages {
				t.Errorf("pages = %d, want %d", pages, tt.pages)
			}
			if !slices.Equal(got, wantIDs) {
				t.Fatalf("walked %d ids, want the %d of Projects() in order", len(got), len(wantIDs))
			}
		})
	}

	t.Run("past the end", func(t *testing.T) {
		doc := dmList(t, list+"?page[number]=9&page[limit]=50", token)
		if len(doc.Data) != 0 || doc.Links.Next != nil || doc.Links.Prev == nil || doc.Links.First == nil {
			t.Errorf("data %d, links %+v", len(doc.Data), doc.Links)
		}
	})
}

func TestProjectResources(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	for _, hubID := range []string{demoBigHubID(), demoEMEAHubID(), demoTeamHubID(), demoPersonalHubID()} {
		doc := dmList(t, base+"/project/v1/hubs/"+url.PathEscape(hubID)+"/projects", token)
		projects := e.Projects(hubID)
		projects = projects[:min(len(projects), 200)] // the first page
		if len(doc.Data) != len(projects) || len(projects) == 0 {
			t.Fatalf("hub %s: %d projects listed, want %d", hubID, len(doc.Data), len(projects))
		}
		for i, p := range projects {
			got := doc.Data[i]
			hubHref := base + "/project/v1/hubs/" + escapeSeededID(hubID)
			self := hubHref + "/projects/" + escapeSeededID(p.ID)
			folder, _ := got["relationships"].(map[string]any)["rootFolder"].(map[string]any)["data"].(map[string]any)["id"].(string)
			if !strings.HasPrefix(folder, "urn:adsk.wipprod:fs.folder:co.") {
				t.Fatalf("root folder id %q", folder)
			}
			data := map[string]any{}
			if p.ProjectType != "" {
				data["projectType"] = p.ProjectType
			}
			want := map[string]any{
				"type": "projects",
				"id":   p.ID,
				"attributes": map[string]any{
					"name":   p.Name,
					"scopes": []any{"global"},
					"extension": map[string]any{
						"type":    p.Type,
						"version": "1.0",
						"schema":  map[string]any{"href": base + "/schema/v1/versions/" + escapeSeededID(p.Type) + "-1.0"},
						"data":    data,
					},
				},
				"links": map[string]any{"self": map[string]any{"href": self}},
				"relationships": map[string]any{
					"hub": map[string]any{
						"data":  map[string]any{"type": "hubs", "id": hubID},
						"links": map[string]any{"related": map[string]any{"href": hubHref}},
					},
					"rootFolder": map[string]any{
						"data": map[string]any{"type": "folders", "id": folder},
						"meta": map[string]any{"link": map[string]any{"href": base + "/data/v1/projects/" + escapeSeededID(p.ID) + "/folders/" + escapeSeededID(folder)}},
					},
					"topFolders": map[string]any{"links": map[string]any{"related": map[string]any{"href": self + "/topFolders"}}},
				},
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("project %d of %s = %v\nwant %v", i, hubID, got, want)
			}
			if i > 0 && hubID == demoBigHubID() {
				continue // one GET per hub is enough
			}
			var one struct {
				Links struct{ Self hrefJSON } `json:"links"`
				Data  map[string]any          `json:"data"`
			}
			decodeInto(t, dmGet(t, self, token, http.StatusOK).body, &one)
			if !reflect.DeepEqual(one.Data, got) || one.Links.Self.Href != self {
				t.Errorf("GET %s = %v, want the listed resource", self, one.Data)
			}
		}
	}
	// Seeded names exercise UTF-8.
	if !slices.ContainsFunc(e.Projects(demoBigHubID()), func(p Project) bool { return p.Name == "Project 006 – 駅前再開発" }) {
		t.Error("no non-ASCII project name in the big hub")
	}
}

func TestProjectsPaginateBeforeFiltering(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	hubID := demoBigHubID()
	all := e.Projects(hubID)
	list := base + "/project/v1/hubs/" + hubID + "/projects"
	tests := []struct {
		name   string
		query  string
		counts []int // projects per page, following links.next
	}{
		{"two ids far apart", "page[limit]=50&filter[id]=" + url.QueryEscape(all[3].ID+","+all[120].ID), []int{1, 0, 1, 0, 0}},
		{"extension type nobody has", "filter[extension.type]=projects:autodesk.core:Project", []int{0, 0}},
		{"extension type everyone has", "page[limit]=100&filter%5Bextension.type%5D=projects%3Aautodesk.bim360%3AProject", []int{100, 100, 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var counts []int
			for next := list + "?" + tt.query; next != ""; {
				if len(counts) > maxWalkPages {
					t.Fatal("pagination does not end")
				}
				doc := dmList(t, next, token)
				counts = append(counts, len(doc.Data))
				next = ""
				if doc.Links.Next != nil {
					next = doc.Links.Next.Href
					nq, _ := url.ParseQuery(strings.SplitN(next, "?", 2)[1])
					q, _ := url.ParseQuery(tt.query)
					for k := range q {
						if !slices.Equal(nq[k], q[k]) {
							t.Errorf("next %q lost %s=%q", next, k, q[k])
						}
					}
				}
			}
			if !slices.Equal(counts, tt.counts) {
				t.Errorf("per-page counts = %v, want %v", counts, tt.counts)
			}
		})
	}
}

func TestDMErrors(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	big, emea := demoBigHubID(), demoEMEAHubID()
	projects := base + "/project/v1/hubs/" + big + "/projects"
	tests := []struct {
		name   string
		url    string
		status int
		code   string
		detail string
	}{
		{"page[limit]=201", projects + "?page[limit]=201", 400, "BAD_INPUT", "The page[limit] parameter must be between 1 and 200."},
		{"page[limit]=0", projects + "?page[limit]=0", 400, "BAD_INPUT", "page[limit]"},
		{"page[limit] not a number", projects + "?page%5Blimit%5D=ten", 400, "BAD_INPUT", "page[limit]"},
		{"page[number]=-1", projects + "?page[number]=-1", 400, "BAD_INPUT", "The page[number] parameter must be a non-negative integer."},
		{"page[number]=1.5", projects + "?page[number]=1.5", 400, "BAD_INPUT", "page[number]"},
		{"page[number] empty", projects + "?page[number]=", 400, "BAD_INPUT", "page[number]"},
		{"unknown hub", base + "/project/v1/hubs/b.00000000-0000-4000-8000-000000000000", 404, "NOT_FOUND", "could not be found"},
		{"projects of unknown hub", base + "/project/v1/hubs/b.nope/projects", 404, "NOT_FOUND", "could not be found"},
		{"unknown project", projects + "/b.nope", 404, "NOT_FOUND", "could not be found"},
		{"project of another hub", projects + "/" + e.Projects(emea)[0].ID, 404, "NOT_FOUND", "could not be found"},
		{"unknown path", base + "/project/v1/nothing", 404, "NOT_FOUND", "could not be found"},
		{"empty hub id", base + "/project/v1/hubs//projects", 404, "NOT_FOUND", "could not be found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantDMError(t, dmGet(t, tt.url, token, tt.status), tt.status, tt.code, map[int]string{400: "Bad Input", 404: "Not Found"}[tt.status], tt.detail)
		})
	}

	t.Run("wrong method", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodDelete, projects, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		r := do(t, req)
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET" {
			t.Fatalf("status %d Allow %q", r.status, r.header.Get("Allow"))
		}
		wantDMError(t, r, 405, "METHOD_NOT_ALLOWED", "Method Not Allowed", "GET")
	})
}

func TestUnreachableHubs(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := userToken(t, e, base, "data:read")
	before := e.Hubs()
	hidden := []Hub{
		{ID: "b." + demoUUID("test apac"), Name: "Northwind APAC", Region: "APAC", Unreachable: true},
		{ID: "b." + demoUUID("test emea 1"), Name: "Northwind EMEA", Region: "EMEA", Unreachable: true},
		{ID: "b." + demoUUID("test emea 2"), Name: "Northwind EMEA 2", Region: "EMEA", Unreachable: true},
	}
	for _, h := range hidden {
		e.AddHub(h)
	}
	e.AddProject(Project{ID: "b." + demoUUID("test emea project"), HubID: hidden[1].ID, Name: "Hidden"})
	if got := len(e.Hubs()); got != len(before)+len(hidden) {
		t.Fatalf("Hubs() has %d hubs, want %d including unreachable ones", got, len(before)+len(hidden))
	}
	var reachable []string
	for _, h := range before {
		reachable = append(reachable, h.ID)
	}

	// The warnings are compared as raw JSON: key case, order and nulls matter.
	const wantMeta = `{"warnings":[` +
		`{"Id":null,"HttpStatusCode":"403","ErrorCode":"BIM360DM_ERROR","Title":"Unable to get hubs from BIM360DM APAC.","Detail":"You don't have permission to access this API","AboutLink":null,"Source":null,"meta":null},` +
		`{"Id":null,"HttpStatusCode":"403","ErrorCode":"BIM360DM_ERROR","Title":"Unable to get hubs from BIM360DM EMEA.","Detail":"You don't have permission to access this API","AboutLink":null,"Source":null,"meta":null}]}`
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"all", "", reachable},
		{"filtered to one reachable hub", "?filter[id]=" + url.QueryEscape(demoBigHubID()), []string{demoBigHubID()}},
		{"filtered to an unreachable hub", "?filter[id]=" + hidden[0].ID, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := dmList(t, base+"/project/v1/hubs"+tt.query, token)
			if got := ids(doc.Data); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %q, want %q", got, tt.want)
			}
			if string(doc.Meta) != wantMeta {
				t.Errorf("meta = %s\nwant %s", doc.Meta, wantMeta)
			}
		})
	}

	t.Run("direct access", func(t *testing.T) {
		for _, path := range []string{hubPath(hidden[1].ID), hubPath(hidden[1].ID) + "/projects", projectPath(hidden[1].ID, "b."+demoUUID("test emea project"))} {
			r := dmGet(t, base+path, token, http.StatusForbidden)
			wantDMError(t, r, 403, "BIM360DM_ERROR", "Unable to get hubs from BIM360DM EMEA.", "You don't have permission to access this API")
		}
	})
}

func TestHubsBelongToTheFirstClient(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{Clients: []Client{{ID: DemoClientID, Secret: DemoClientSecret}, {ID: otherClient, Secret: otherSecret}}})
	key, _ := testKeys()
	e.AddServiceAccount(ServiceAccount{ID: "OTHERAPP0SA00001", ClientID: otherClient, KeyID: testKID, Key: &key.PublicKey})
	claims := validClaims(base, e.now())
	claims["iss"], claims["sub"], claims["scope"] = otherClient, "OTHERAPP0SA00001", []string{"data:read"}
	r := exchange(t, base, signAssertion(t, jwt.SigningMethodRS256, key, map[string]any{"kid": testKID}, claims), nil, []string{otherClient, otherSecret})
	if r.status != http.StatusOK {
		t.Fatalf("exchange: %d %s", r.status, r.body)
	}
	token := r.object(t)["access_token"].(string)

	hubs := dmGet(t, base+"/project/v1/hubs", token, http.StatusOK)
	if !strings.Contains(string(hubs.body), `"data":[]`) {
		t.Errorf("other app's user sees %s, want an empty data array", hubs.body)
	}
	wantDMError(t, dmGet(t, base+hubPath(demoBigHubID()), token, http.StatusNotFound), 404, "NOT_FOUND", "Not Found", "")
}
