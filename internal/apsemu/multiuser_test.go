package apsemu

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// signInAs runs the PKCE flow for client (via basic) with the browser
// signed in as userID (no session cookie when empty) and returns the
// tokens.
func signInAs(t *testing.T, base, userID, scope string, basic []string) tokenSet {
	t.Helper()
	req := mustRequest(t, http.MethodGet, base+authorizePath+"?"+authzQuery("client_id", basic[0], "scope", scope).Encode())
	if userID != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: userID})
	}
	code := redirectQuery(t, doWith(t, noRedirectClient(), req), testRedirect).Get("code")
	if code == "" {
		t.Fatal("no code in the redirect")
	}
	return wantTokens(t, tokenRequest(t, base, codeForm(code, testRedirect, testVerifier), basic), "refresh_token")
}

// seededHub is a seeded hub with one of its projects that holds content
// (and, for ACC projects, issues).
type seededHub struct {
	name, id, projectID string
}

// seededHubs are the four seeded hubs, in GET hubs order (by name), each
// with a project to look into: the Tower and Zürich projects hold folders,
// items, versions and issues.
func seededHubs(t *testing.T, e *Emulator) []seededHub {
	t.Helper()
	first := func(hubID string) string {
		projects := e.Projects(hubID)
		if len(projects) == 0 {
			t.Fatalf("hub %s has no projects", hubID)
		}
		return projects[0].ID
	}
	return []seededHub{
		{"APS MCP Design Team", demoTeamHubID(), first(demoTeamHubID())},
		{"Contoso Construction", demoBigHubID(), demoTowerProjectID()},
		{"Demo User", demoPersonalHubID(), first(demoPersonalHubID())},
		{"Fabrikam Europe GmbH", demoEMEAHubID(), demoZurichProjectID()},
	}
}

// wantStatus checks one answer's status.
func wantStatus(t *testing.T, what string, r testResponse, status int) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d; body %.300s", what, r.status, status, r.body)
	}
}

// TestUsersSeeTheirOwnHubs signs in each seeded user and checks the hubs
// they are members of are all they see: in GET hubs and, by ID, every
// hub, project, folder, item, version, ACC issue list, Model Derivative
// manifest and DM file download of the other hubs.
func TestUsersSeeTheirOwnHubs(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	e.SetMetadataReady(true)
	hubs := seededHubs(t, e)
	tests := []struct {
		name  string
		user  string   // session cookie; empty: none
		basic []string // the client signing in
		sees  []string // hub names, in GET hubs order
	}{
		{"no session: the demo user", "", demoBasic, []string{"APS MCP Design Team", "Contoso Construction", "Demo User", "Fabrikam Europe GmbH"}},
		{"demo user", DemoUserID, demoBasic, []string{"APS MCP Design Team", "Contoso Construction", "Demo User", "Fabrikam Europe GmbH"}},
		{"Ada", DemoUserAda, demoBasic, []string{"APS MCP Design Team", "Contoso Construction"}},
		{"Ben", DemoUserBen, demoBasic, []string{"Fabrikam Europe GmbH"}},
		{"Eve", DemoUserEve, demoBasic, nil},
		{"Ada through another app", DemoUserAda, otherBasic, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token := signInAs(t, base, tt.user, "data:read", tt.basic).Access
			var listed []string
			for _, h := range dmList(t, base+"/project/v1/hubs", token).Data {
				listed = append(listed, obj(h, "attributes", "name").(string))
			}
			if !slices.Equal(listed, tt.sees) {
				t.Errorf("GET hubs lists %q, want %q", listed, tt.sees)
			}
			for _, h := range hubs {
				status := http.StatusNotFound
				if slices.Contains(tt.sees, h.name) {
					status = http.StatusOK
				}
				for _, rawURL := range hubURLs(t, e, base, h) {
					wantStatus(t, h.name+": "+rawURL, get(t, rawURL, token), status)
				}
			}
		})
	}
}

// hubURLs are the DM and ACC Issues URLs of a hub, its project and, where
// the project holds content, a folder, an item and a version.
func hubURLs(t *testing.T, e *Emulator, base string, h seededHub) []string {
	t.Helper()
	urls := []string{
		base + hubPath(h.id),
		base + hubPath(h.id) + "/projects",
		base + projectPath(h.id, h.projectID),
		base + projectPath(h.id, h.projectID) + "/topFolders",
	}
	top := e.TopFolders(h.projectID)
	if len(top) == 0 {
		return urls
	}
	files := topFolderNamed(t, e, h.projectID, "Project Files")
	item := firstItem(t, e, h.projectID, files.ID)
	version := e.Versions(h.projectID, item.ID)[0]
	return append(urls,
		base+folderPath(h.projectID, files.ID),
		base+folderPath(h.projectID, files.ID)+"/contents",
		base+folderPath(h.projectID, files.ID)+"/search",
		base+itemPath(h.projectID, item.ID),
		base+itemPath(h.projectID, item.ID)+"/versions",
		base+versionPath(h.projectID, version.ID),
		issuesURL(base, accProjectID(h.projectID), "/issues"),
		issuesURL(base, accProjectID(h.projectID), "/issue-types"),
	)
}

// firstItem is the first item of a folder's contents.
func firstItem(t *testing.T, e *Emulator, projectID, folderID string) Entry {
	t.Helper()
	for _, en := range e.FolderContents(projectID, folderID) {
		if en.Type == "items" && !en.Hidden {
			return en
		}
	}
	t.Fatalf("folder %s holds no items", folderID)
	return Entry{}
}

// TestUsersSeeTheirOwnDesigns checks the members-only rule of Model
// Derivative and of downloads from the DM storage bucket: Ada reads the
// Tower's versions, not Zürich's, Ben the other way round, while service
// accounts and app-only tokens keep their app-wide access.
func TestUsersSeeTheirOwnDesigns(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	tower := pathVersions(t, e, demoTowerProjectID(), "Project Files", "Architecture", "Tower – Architecture.rvt")[0]
	zurich := pathVersions(t, e, demoZurichProjectID(), "Project Files", "Bestand", "Bahnhof – Bestand.rvt")[0]
	scope := "data:read"
	ada := signInAs(t, base, DemoUserAda, scope, demoBasic).Access
	ben := signInAs(t, base, DemoUserBen, scope, demoBasic).Access
	sa := userToken(t, e, base, scope)
	app := fetchToken(t, base, scope)
	tests := []struct {
		name          string
		token         string
		tower, zurich int // manifest statuses
	}{
		{"Ada", ada, http.StatusOK, http.StatusForbidden},
		{"Ben", ben, http.StatusForbidden, http.StatusOK},
		{"service account", sa, http.StatusOK, http.StatusOK},
		{"app-only token", app, http.StatusOK, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range []struct {
				v      Version
				status int
				header []string
			}{{tower, tt.tower, nil}, {zurich, tt.zurich, []string{"region", "EMEA"}}} {
				r := send(t, http.MethodGet, mdURL(base, c.v.DerivativeURN, "/manifest"), tt.token, "", c.header...)
				wantStatus(t, "manifest of "+c.v.Name, r, c.status)
				if c.status == http.StatusForbidden {
					wantMDError(t, r, http.StatusForbidden, "not a member")
				}
			}
		})
	}
	// Signed downloads of DM files need a user who sees the project.
	for _, c := range []struct {
		name   string
		token  string
		v      Version
		status int
	}{
		{"Ada, Tower file", ada, tower, http.StatusOK},
		{"Ada, Zürich file", ada, zurich, http.StatusForbidden},
		{"Ben, Zürich file", ben, zurich, http.StatusOK},
		{"Ben, Tower file", ben, tower, http.StatusForbidden},
	} {
		key := c.v.StorageID[len(ossObjectIDPrefix+dmStorageBucket+"/"):]
		r := get(t, base+"/oss/v2/buckets/"+dmStorageBucket+"/objects/"+url.PathEscape(key)+"/signeds3download", c.token)
		wantStatus(t, c.name, r, c.status)
	}
}

// TestUserInfoPerUser checks /userinfo answers each user's own profile.
func TestUserInfoPerUser(t *testing.T) {
	t.Parallel()
	_, base := startEmulator(t, threeLeggedOptions(nil))
	tests := []struct {
		user string
		want map[string]any
	}{
		{DemoUserID, profile(DemoUserID, "Demo User", "Demo", "User", "demo", "demo@example.com")},
		{DemoUserAda, profile(DemoUserAda, "Ada Lovelace", "Ada", "Lovelace", "ada", "ada@team.example")},
		{DemoUserBen, profile(DemoUserBen, "Ben Okafor", "Ben", "Okafor", "ben", "ben@team.example")},
		{DemoUserEve, profile(DemoUserEve, "Eve Mallory", "Eve", "Mallory", "eve", "eve@outside.example")},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			t.Parallel()
			token := signInAs(t, base, tt.user, "user-profile:read", demoBasic).Access
			get(t, base+userInfoPath, token).wantJSON(t, http.StatusOK, tt.want)
		})
	}
}

// TestAddUser checks a registered user signs in and sees exactly the hubs
// listed, and that changing the membership applies to tokens already
// issued.
func TestAddUser(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	e.AddHub(Hub{ID: "b.tester-hub", Name: "Tester Hub"})
	e.AddUser(User{ID: "TESTUSER0001", GivenName: "Tess", FamilyName: "Ter", Email: "tess@team.example", Hubs: []string{"b.tester-hub"}})
	token := signInAs(t, base, "TESTUSER0001", "data:read", demoBasic).Access
	names := func() []string {
		var out []string
		for _, h := range dmList(t, base+"/project/v1/hubs", token).Data {
			out = append(out, obj(h, "attributes", "name").(string))
		}
		return out
	}
	if got := names(); !slices.Equal(got, []string{"Tester Hub"}) {
		t.Errorf("hubs = %q, want only Tester Hub", got)
	}
	e.AddUser(User{ID: "TESTUSER0001", GivenName: "Tess", FamilyName: "Ter", Email: "tess@team.example", Hubs: []string{demoEMEAHubID()}})
	if got := names(); !slices.Equal(got, []string{"Fabrikam Europe GmbH"}) {
		t.Errorf("after AddUser, hubs = %q, want only Fabrikam Europe GmbH", got)
	}
	var ids []string
	for _, u := range e.Users() {
		ids = append(ids, u.ID)
	}
	if want := []string{DemoUserAda, DemoUserBen, DemoUserID, DemoUserEve, "TESTUSER0001"}; !slices.Equal(ids, want) {
		t.Errorf("Users() = %q, want %q", ids, want)
	}
}
