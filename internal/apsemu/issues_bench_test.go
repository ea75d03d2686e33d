package apsemu

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// benchIssuesProject is the ACC project the Issues benchmarks list, seeded
// with 1,000 issues as the bench program's large project is.
const benchIssuesProject = "5eed0000-0000-4000-8001-000000000001"

// issuesBenchEmulator is an emulator holding benchIssuesProject and a
// user token that sees it.
func issuesBenchEmulator(b testing.TB) (*Emulator, string) {
	b.Helper()
	e := New(Options{})
	const hub = "b.5eed0000-0000-4000-8001-000000000000"
	e.AddUser(User{ID: "BENCHUSER", GivenName: "Bench", FamilyName: "User", Email: "bench@example.com", AllHubs: true})
	e.AddHub(Hub{ID: hub, Name: "Bench"})
	e.AddProject(Project{ID: "b." + benchIssuesProject, HubID: hub, Name: "Site 001"})
	e.SeedIssues(benchIssuesProject, 1000)
	const token = "bench-user-token"
	e.mu.Lock()
	e.tokens[token] = tokenInfo{clientID: DemoClientID, scopes: []string{"data:read"}, expires: time.Now().Add(time.Hour), userID: "BENCHUSER"}
	e.mu.Unlock()
	return e, token
}

// BenchmarkListIssuesPage: the emulator serving one page of 100 of the
// 1,000 issues (filtering, sorting and rendering), without the network.
func BenchmarkListIssuesPage(b *testing.B) {
	e, token := issuesBenchEmulator(b)
	req := httptest.NewRequest(http.MethodGet, "/construction/issues/v1/projects/"+benchIssuesProject+"/issues?limit=100&offset=500", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		b.SetBytes(int64(rec.Body.Len()))
	}
}
