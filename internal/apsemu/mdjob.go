package apsemu

import (
	"cmp"
	"encoding/json"
	"net/http"
	"path"
	"slices"
	"strings"
)

// Model Derivative job texts. "Failed to trigger translation for this
// file." is what APS is reported to answer for a source it cannot find
// (unverified); the others are the emulator's own.
const (
	mdDetailJobBody   = "The request body must be a JSON object with input.urn and output.formats."
	mdDetailJobFormat = "Each output format needs a type among svf, svf2, thumbnail, stl, step, iges, obj, ifc, dwg and fbx; svf and svf2 need views, 2d and/or 3d."
	mdDetailJobSource = "Failed to trigger translation for this file."
	mdDetailJobViewer = "A job produces at most one of svf and svf2."
	mdResultAccepted  = "success" // 200: the job was accepted (the spec's Job.result)
	mdResultExisting  = "created" // 201: the derivatives exist already (APS's reading; unverified)
	headerADSForce    = "x-ads-force"
)

// jobStages are what the manifest of a job's translation reports, one
// stage per manifest request: a job is pending when accepted, in
// progress at the next look and done at the one after (the emulator's
// pace; APS takes seconds to hours).
var jobStages = []struct{ status, progress string }{
	{manifestPending, "0% complete"},
	{manifestInProgress, "50% complete"},
	{manifestSuccess, "complete"},
}

// jobOutputTypes are the output types of the spec's OutputType enum.
func jobOutputTypes() []string {
	return []string{"svf", "svf2", "thumbnail", "stl", "step", "iges", "obj", "ifc", "dwg", "fbx"}
}

// jobRequest is the body of POST job (JobPayload), as far as the emulator
// reads it; output is also echoed back as acceptedJobs.output.
type jobRequest struct {
	Input struct {
		URN string `json:"urn"`
	} `json:"input"`
	Output json.RawMessage `json:"output"`
}

// jobFormat is one entry of output.formats.
type jobFormat struct {
	Type  string   `json:"type"`
	Views []string `json:"views"`
}

// jobBody is the answer of POST job (the spec's Job).
type jobBody struct {
	Result       string `json:"result"`
	URN          string `json:"urn"`
	AcceptedJobs struct {
		Output json.RawMessage `json:"output"`
	} `json:"acceptedJobs"`
}

// startJob serves POST /designdata/job: the source (an OSS object the app
// may read, or a DM version with a translation) gets a translation in the
// region asked for, whose manifest then moves through jobStages. A design
// whose derivatives exist (a successful translation with every format
// asked for) answers 201 and keeps them, unless x-ads-force: true, which
// deletes the manifest and translates again (200).
func (e *Emulator) startJob(w http.ResponseWriter, c *call) {
	region := "EMEA"
	if !strings.HasPrefix(c.route.pattern, mdLegacyEUPath) {
		region = cmp.Or(c.r.Header.Get("region"), defaultRegion)
		if !isMDRegion(region) {
			writeMDBadRequest(w, mdDetailRegion)
			return
		}
	}
	var req jobRequest
	if !decodeJSON(w, c.r, &req) {
		writeMDBadRequest(w, mdDetailJobBody)
		return
	}
	source, ok := decodeDesignURN(req.Input.URN)
	if !ok {
		writeMDBadRequest(w, mdDetailBadURN)
		return
	}
	next, detail := parseJobOutput(req.Output)
	if detail != "" {
		writeMDBadRequest(w, detail)
		return
	}
	status, detail := e.translate(c, source, region, next, c.r.Header.Get(headerADSForce) == "true")
	if detail != "" {
		writeMDError(w, status, detail)
		return
	}
	body := jobBody{Result: mdResultAccepted, URN: req.Input.URN}
	if status == http.StatusCreated {
		body.Result = mdResultExisting
	}
	body.AcceptedJobs.Output = req.Output
	writeJSON(w, status, contentTypeJSON, body)
}

// parseJobOutput reads output.formats into what the translation will
// hold, or says what is wrong with them.
func parseJobOutput(raw json.RawMessage) (translation, string) {
	var out struct {
		Formats []jobFormat `json:"formats"`
	}
	if json.Unmarshal(raw, &out) != nil || len(out.Formats) == 0 {
		return translation{}, mdDetailJobBody
	}
	var t translation
	for _, f := range out.Formats {
		if !slices.Contains(jobOutputTypes(), f.Type) {
			return translation{}, mdDetailJobFormat
		}
		if f.Type != "svf" && f.Type != "svf2" {
			if !slices.Contains(t.extras, f.Type) {
				t.extras = append(t.extras, f.Type)
			}
			continue
		}
		if t.output != "" {
			return translation{}, mdDetailJobViewer
		}
		if len(f.Views) == 0 || slices.ContainsFunc(f.Views, func(v string) bool { return v != "2d" && v != "3d" }) {
			return translation{}, mdDetailJobFormat
		}
		t.output = f.Type
		t.roles = slices.Compact(slices.Sorted(slices.Values(f.Views)))
	}
	return t, ""
}

// translate starts or keeps the translation of source for the caller and
// returns the status to answer, with a diagnostic when it refuses.
func (e *Emulator) translate(c *call, source, region string, next translation, force bool) (int, string) {
	owner, name, project, ok := e.jobSource(c, source)
	if !ok {
		return http.StatusBadRequest, mdDetailJobSource
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	old, exists := e.translationLocked(source)
	if exists && old.owner != c.token.clientID {
		return http.StatusForbidden, mdDetailNotOwner
	}
	if exists && !force && old.status == manifestSuccess && old.region == region && old.covers(next) {
		return http.StatusCreated, ""
	}
	if exists {
		source = old.source // an object ID with a percent-encoded key names the same design
	}
	next.source, next.owner, next.project, next.region, next.name = source, owner, project, region, name
	next.status, next.progress, next.stage = jobStages[0].status, jobStages[0].progress, 1
	e.translations[source] = &next
	for key := range e.metadataSeen { // new derivatives are extracted anew
		if strings.HasPrefix(key, metadataKey(source, "")) {
			delete(e.metadataSeen, key)
		}
	}
	return http.StatusOK, ""
}

// jobSource checks that the caller may translate source and returns who
// will own the translation, the design's file name and its DM project: an
// OSS object in a bucket the app may read, or a DM version whose
// translation the caller may see.
func (e *Emulator) jobSource(c *call, source string) (owner, name, project string, ok bool) {
	if rest, isObject := strings.CutPrefix(source, ossObjectIDPrefix); isObject {
		bucketKey, objectKey, _ := strings.Cut(rest, "/")
		b, found := e.bucket(bucketKey)
		if !found || !b.grants(c.token.clientID, accessRead) {
			return "", "", "", false
		}
		if _, found := e.object(bucketKey, objectKey); !found {
			return "", "", "", false
		}
		return c.token.clientID, path.Base(objectKey), "", true
	}
	t, found := e.lookupTranslation(source)
	if !found || (t.project != "" && c.token.userID != "" && !e.seesProject(c.token, t.project)) {
		return "", "", "", false
	}
	return t.owner, t.name, t.project, true
}

// covers reports whether t already holds every derivative next asks for.
func (t *translation) covers(next translation) bool {
	if next.output != "" && cmp.Or(t.output, "svf2") != next.output {
		return false
	}
	for _, r := range next.roles {
		if t.roles != nil && !slices.Contains(t.roles, r) {
			return false
		}
	}
	for _, x := range next.extras {
		if x != "thumbnail" && !slices.Contains(t.extras, x) { // every translation has a thumbnail
			return false
		}
	}
	return true
}

// lookManifest returns the translation of source as its manifest shows
// it now and moves a job's translation on to its next stage.
func (e *Emulator) lookManifest(source string) translation {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.translations[source]
	shown := *t
	if t.stage > 0 && t.stage < len(jobStages) {
		t.status, t.progress = jobStages[t.stage].status, jobStages[t.stage].progress
		t.stage++
	}
	return shown
}
