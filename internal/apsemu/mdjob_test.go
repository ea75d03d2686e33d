package apsemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// jobBodyFor is a job request body for source, with the formats given.
func jobBodyFor(source, formats string) string {
	return fmt.Sprintf(`{"input":{"urn":%q},"output":{"formats":%s}}`, designURN(source), formats)
}

// TestTranslationJob: a job on an uploaded object creates a manifest that
// moves from pending through inprogress to success, one stage per look,
// after which its model views are served; a second job without
// x-ads-force answers 201 and keeps the manifest, and one with it starts
// over (200, pending again).
func TestTranslationJob(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	e.AddBucket(Bucket{Key: "job-test"})
	e.AddObject(Object{BucketKey: "job-test", Key: "site plan.dwg", Size: 1234})
	source := ossObjectIDPrefix + "job-test/site plan.dwg"
	token := fetchToken(t, base, "data:read data:write data:create")
	job := base + mdPathPrefix + "job"
	manifest := base + mdPathPrefix + designURN(source) + "/manifest"
	body := jobBodyFor(source, `[{"type":"svf2","views":["2d"]},{"type":"ifc"}]`)

	if r := send(t, http.MethodGet, manifest, token, ""); r.status != http.StatusNotFound {
		t.Fatalf("manifest before any job: %d %s", r.status, r.body)
	}
	r := send(t, http.MethodPost, job, token, body, "Content-Type", "application/json")
	if r.status != http.StatusOK {
		t.Fatalf("job: %d %s", r.status, r.body)
	}
	m := r.object(t)
	if m["result"] != "success" || m["urn"] != designURN(source) {
		t.Errorf("job answer %s", r.body)
	}
	formats, _ := m["acceptedJobs"].(map[string]any)["output"].(map[string]any)["formats"].([]any)
	if len(formats) != 2 {
		t.Errorf("acceptedJobs.output does not echo the formats: %s", r.body)
	}

	for i, want := range []struct{ status, progress string }{
		{"pending", "0% complete"}, {"inprogress", "50% complete"}, {"success", "complete"}, {"success", "complete"},
	} {
		r := send(t, http.MethodGet, manifest, token, "")
		m := r.object(t)
		if r.status != http.StatusOK || m["status"] != want.status || m["progress"] != want.progress {
			t.Fatalf("look %d: %d status %v progress %v, want %s %s", i+1, r.status, m["status"], m["progress"], want.status, want.progress)
		}
	}
	var got manifestBody
	if err := json.Unmarshal(send(t, http.MethodGet, manifest, token, "").body, &got); err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, d := range got.Derivatives {
		types[d.OutputType] = true
	}
	if !types["svf2"] || !types["ifc"] || !types["thumbnail"] {
		t.Errorf("derivatives %v, want svf2, ifc and thumbnail", types)
	}
	views := send(t, http.MethodGet, base+mdPathPrefix+designURN(source)+"/metadata", token, "")
	var mv modelViewsBody
	if err := json.Unmarshal(views.body, &mv); err != nil || views.status != http.StatusOK || len(mv.Data.Metadata) != 2 {
		t.Fatalf("model views after the job: %d %s", views.status, views.body)
	}

	again := send(t, http.MethodPost, job, token, body, "Content-Type", "application/json")
	if again.status != http.StatusCreated || again.object(t)["result"] != "created" {
		t.Errorf("second job without x-ads-force: %d %s, want 201 created", again.status, again.body)
	}
	if m := send(t, http.MethodGet, manifest, token, "").object(t); m["status"] != "success" {
		t.Errorf("the 201 changed the manifest: %v", m["status"])
	}
	forced := send(t, http.MethodPost, job, token, body, "Content-Type", "application/json", "x-ads-force", "true")
	if forced.status != http.StatusOK {
		t.Errorf("forced job: %d %s", forced.status, forced.body)
	}
	if m := send(t, http.MethodGet, manifest, token, "").object(t); m["status"] != "pending" {
		t.Errorf("after x-ads-force the manifest is %v, want pending", m["status"])
	}
}

// TestTranslationJobRefusals: what a job is refused for, each with Model
// Derivative's diagnostic.
func TestTranslationJobRefusals(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{Clients: []Client{{ID: DemoClientID, Secret: DemoClientSecret}, {ID: otherClient, Secret: otherSecret}}})
	e.AddBucket(Bucket{Key: "job-refusals"})
	e.AddObject(Object{BucketKey: "job-refusals", Key: "a.rvt"})
	e.AddBucket(Bucket{Key: "job-others", Owner: otherClient})
	e.AddObject(Object{BucketKey: "job-others", Key: "b.rvt"})
	token := fetchToken(t, base, "data:read data:write")
	svf2 := `[{"type":"svf2","views":["3d"]}]`
	own := ossObjectIDPrefix + "job-refusals/a.rvt"
	tests := []struct {
		name, body string
		header     []string
		status     int
		diagnostic string
	}{
		{"not JSON", "urn=x", nil, 400, mdDetailJobBody},
		{"not a urn", `{"input":{"urn":"bm90IGEgdXJu"},"output":{"formats":` + svf2 + `}}`, nil, 400, mdDetailBadURN},
		{"no formats", jobBodyFor(own, `[]`), nil, 400, mdDetailJobBody},
		{"unknown type", jobBodyFor(own, `[{"type":"gif"}]`), nil, 400, mdDetailJobFormat},
		{"svf2 without views", jobBodyFor(own, `[{"type":"svf2"}]`), nil, 400, mdDetailJobFormat},
		{"bad view", jobBodyFor(own, `[{"type":"svf2","views":["4d"]}]`), nil, 400, mdDetailJobFormat},
		{"svf and svf2", jobBodyFor(own, `[{"type":"svf2","views":["3d"]},{"type":"svf","views":["3d"]}]`), nil, 400, mdDetailJobViewer},
		{"missing object", jobBodyFor(ossObjectIDPrefix+"job-refusals/none.rvt", svf2), nil, 400, mdDetailJobSource},
		{"another app's bucket", jobBodyFor(ossObjectIDPrefix+"job-others/b.rvt", svf2), nil, 400, mdDetailJobSource},
		{"bad region", jobBodyFor(own, svf2), []string{"region", "MARS"}, 400, mdDetailRegion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, http.MethodPost, base+mdPathPrefix+"job", token, tt.body, append([]string{"Content-Type", "application/json"}, tt.header...)...)
			r.wantJSON(t, tt.status, map[string]any{"diagnostic": tt.diagnostic})
		})
	}
	if r := send(t, http.MethodPost, base+mdPathPrefix+"job", fetchToken(t, base, "data:read"), jobBodyFor(own, svf2)); r.status != http.StatusForbidden {
		t.Errorf("job without data:write: %d %s, want 403", r.status, r.body)
	}
}

// TestTranslationJobRegion: a job's derivatives live in the region it
// named, where the manifest then is (and not in US).
func TestTranslationJobRegion(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	e.AddBucket(Bucket{Key: "job-region", Region: "EMEA"})
	e.AddObject(Object{BucketKey: "job-region", Key: "c.ifc"})
	source := ossObjectIDPrefix + "job-region/c.ifc"
	token := fetchToken(t, base, "data:read data:write")
	r := send(t, http.MethodPost, base+mdPathPrefix+"job", token, jobBodyFor(source, `[{"type":"svf2","views":["3d"]}]`), "region", "EMEA")
	if r.status != http.StatusOK {
		t.Fatalf("job: %d %s", r.status, r.body)
	}
	manifest := base + mdPathPrefix + designURN(source) + "/manifest"
	if r := send(t, http.MethodGet, manifest, token, "", "region", "EMEA"); r.status != http.StatusOK || r.object(t)["region"] != "EMEA" {
		t.Errorf("EMEA manifest: %d %s", r.status, r.body)
	}
	if r := send(t, http.MethodGet, manifest, token, ""); r.status != http.StatusNotFound {
		t.Errorf("US manifest of an EMEA job: %d, want 404", r.status)
	}
}
