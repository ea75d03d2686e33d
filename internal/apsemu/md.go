package apsemu

import (
	"cmp"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Model Derivative paths. The service answers everything under
// mdServicePrefix; designs live under mdPathPrefix, or under the legacy
// EMEA path mdLegacyEUPath.
const (
	mdServicePrefix = "/modelderivative/"
	mdPathPrefix    = "/modelderivative/v2/designdata/"
	mdLegacyEUPath  = "/modelderivative/v2/regions/eu/designdata/"
)

// Bounds of properties:query pagination (NOTES §6).
const (
	mdDefaultQueryLimit = 20
	mdMaxQueryLimit     = 1000
)

// Model Derivative error texts. The spec declares no error bodies; the
// {"diagnostic": ...} shape and every text are the emulator's own.
const (
	mdDetailNotFound     = "The requested resource does not exist."
	mdDetailBadURN       = "The urn parameter is not the base64 (URL-safe) encoding of a design URN."
	mdDetailRegion       = "The region header must be one of US, EMEA, AUS, CAN, DEU, IND, JPN, GBR."
	mdDetailNoManifest   = "No manifest exists for this urn: the design was never translated."
	mdDetailNotOwner     = "The application does not have access to this design."
	mdDetailNotMember    = "The user does not have access to this design: it is a version in a project the user is not a member of."
	mdDetailNotReady     = "The translation of this design is not complete; wait until its manifest status is success."
	mdDetailNoView       = "No model view with this GUID exists in the design."
	mdDetailMethod       = "The request method is not allowed for this resource."
	mdDetailLevel        = "Only level=1 is supported."
	mdDetailObjectID     = "The objectid parameter must be an integer."
	mdDetailBody         = "The request body must be a JSON object with query, fields and pagination."
	mdDetailQuery        = "The query must hold exactly one of $in, $eq, $prefix, $like, $contains, $between, $le or $ge, each with an array of the documented form."
	mdDetailPagination   = "pagination.offset must be a non-negative integer and pagination.limit an integer between 1 and 1000."
	mdDetailPayload      = "The emulator supports only payload \"text\"."
	mdDetailWrongRegionF = "No manifest for this urn in region %s: the design's derivatives are stored in region %s. Send the region header (or use the regional endpoint) for that region."
)

// mdError is the body of the emulator's Model Derivative 4xx answers.
type mdError struct {
	Diagnostic string `json:"diagnostic"`
}

// writeMDError sends a Model Derivative error.
func writeMDError(w http.ResponseWriter, status int, diagnostic string) {
	writeJSON(w, status, contentTypeJSON, mdError{Diagnostic: diagnostic})
}

// writeMDBadRequest answers 400 with diagnostic.
func writeMDBadRequest(w http.ResponseWriter, diagnostic string) {
	writeMDError(w, http.StatusBadRequest, diagnostic)
}

// mdErrors are Model Derivative's answers for requests no handler serves.
func mdErrors() apiErrors {
	return apiErrors{
		badPath:  answer(writeMDError, http.StatusBadRequest, mdDetailBadURN),
		notFound: answer(writeMDError, http.StatusNotFound, mdDetailNotFound),
		method:   answer(writeMDError, http.StatusMethodNotAllowed, mdDetailMethod),
	}
}

// designHandler serves a Model Derivative request for a resolved design.
type designHandler func(e *Emulator, w http.ResponseWriter, c *call, t *translation)

// withDesign resolves the design of a request the gateway let through, as
// the service does before any endpoint: region, urn, the design's
// manifest and its owner; then h serves it.
func withDesign(h designHandler) handler {
	return func(e *Emulator, w http.ResponseWriter, c *call) {
		if t, ok := e.resolveDesign(w, c); ok {
			h(e, w, c, t)
		}
	}
}

// resolveDesign finds the translation of the call's {urn} in the region
// asked for (the legacy EU path, else the region header, else US),
// answering 400, 403 or 404 itself.
func (e *Emulator) resolveDesign(w http.ResponseWriter, c *call) (*translation, bool) {
	region := "EMEA"
	if !strings.HasPrefix(c.route.pattern, mdLegacyEUPath) {
		region = cmp.Or(c.r.Header.Get("region"), defaultRegion)
		if !isMDRegion(region) {
			writeMDError(w, http.StatusBadRequest, mdDetailRegion)
			return nil, false
		}
	}
	source, ok := decodeDesignURN(c.param("urn"))
	if !ok {
		writeMDError(w, http.StatusBadRequest, mdDetailBadURN)
		return nil, false
	}
	t, ok := e.lookupTranslation(source)
	if !ok {
		writeMDError(w, http.StatusNotFound, mdDetailNoManifest)
		return nil, false
	}
	if t.owner != c.token.clientID {
		writeMDError(w, http.StatusForbidden, mdDetailNotOwner)
		return nil, false
	}
	if t.project != "" && c.token.userID != "" && !e.seesProject(c.token, t.project) {
		writeMDError(w, http.StatusForbidden, mdDetailNotMember)
		return nil, false
	}
	// Derivatives live in one data centre; asking another one does not
	// find them (the emulator's reading, unverified).
	if t.region != region {
		writeMDError(w, http.StatusNotFound, fmt.Sprintf(mdDetailWrongRegionF, region, t.region))
		return nil, false
	}
	return t, true
}

// isMDRegion reports whether s is one of the regions Model Derivative
// documents (NOTES §1.2): the same eight as ACC Issues, without the legacy
// APAC of OSS.
func isMDRegion(s string) bool { return isIssuesRegion(s) }

// manifestNode is a derivative or one of its children in a manifest; the
// examples give each kind of node a different subset of these members.
type manifestNode struct {
	Name         string         `json:"name,omitempty"`
	URN          string         `json:"urn,omitempty"`
	Role         string         `json:"role,omitempty"`
	Mime         string         `json:"mime,omitempty"`
	GUID         string         `json:"guid,omitempty"`
	Type         string         `json:"type,omitempty"`
	PhaseNames   string         `json:"phaseNames,omitempty"`
	HasThumbnail string         `json:"hasThumbnail,omitempty"`
	OutputType   string         `json:"outputType,omitempty"`
	ViewableID   string         `json:"viewableID,omitempty"`
	Progress     string         `json:"progress,omitempty"`
	Status       string         `json:"status,omitempty"`
	Resolution   []int          `json:"resolution,omitempty"`
	Camera       []float64      `json:"camera,omitempty"`
	Children     []manifestNode `json:"children,omitempty"`
}

// manifestBody is the body of GET manifest.
type manifestBody struct {
	Type         string         `json:"type"`
	URN          string         `json:"urn"`
	Region       string         `json:"region"`
	Version      string         `json:"version"`
	Status       string         `json:"status"`
	Progress     string         `json:"progress"`
	HasThumbnail string         `json:"hasThumbnail"`
	Derivatives  []manifestNode `json:"derivatives"`
}

// demoCamera is the camera of every 3D view, the example's.
func demoCamera() []float64 {
	return []float64{63.460731506347656, -69.05099487304688, 85.06072235107422, -12.099991798400879, 6.50972843170166, 9.5,
		-0.40824830532073975, 0.40824830532073975, 0.8164966106414795, 1.3879648447036743, 0, 1, 1}
}

// getManifest serves GET /{urn}/manifest: an SVF2 derivative whose
// geometry children are the model views (their guid is the model view
// GUID of GET metadata) and a thumbnail derivative, or for a translation
// in progress one SVF2 derivative still in progress. hasThumbnail and
// progress are strings, as on APS.
func (e *Emulator) getManifest(w http.ResponseWriter, _ *call, found *translation) {
	t := e.lookManifest(found.source)
	urn := designURN(t.source)
	output := cmp.Or(t.output, "svf2")
	body := manifestBody{Type: "manifest", URN: urn, Region: t.region, Version: "1.0", Status: t.status}
	if t.status != manifestSuccess {
		progress := cmp.Or(t.progress, inProgressPercent)
		body.Progress, body.HasThumbnail = progress, "false"
		body.Derivatives = []manifestNode{{Name: t.name, HasThumbnail: "false", OutputType: output, Progress: progress, Status: t.status}}
		writeJSON(w, http.StatusOK, contentTypeJSON, body)
		return
	}
	body.Progress, body.HasThumbnail = "complete", "true"
	file := "urn:adsk.viewing:fs.file:" + urn + "/output/"
	resource := func(name, role, mime string) manifestNode {
		return manifestNode{URN: file + "Resource/" + name, Role: role, Mime: mime, GUID: demoUUID("resource " + t.source + name), Type: "resource", Status: manifestSuccess}
	}
	thumbnails := func(prefix string) []manifestNode {
		var out []manifestNode
		for _, n := range []int{1, 2, 4} {
			th := resource(prefix+strconv.Itoa(n)+".png", "thumbnail", "image/png")
			if prefix == "" {
				th.URN = file + "preview" + strconv.Itoa(n) + ".png"
			}
			th.Resolution = []int{100 * n, 100 * n}
			out = append(out, th)
		}
		return out
	}
	svf := manifestNode{Name: t.name, HasThumbnail: "true", OutputType: output, Progress: "complete", Status: manifestSuccess,
		Children: []manifestNode{resource("model.sdb", "Autodesk.CloudPlatform.PropertyDatabase", "application/autodesk-db")}}
	if t.kind() == "rvt" {
		svf.Children = append(svf.Children, resource("AECModelData.json", "Autodesk.AEC.ModelData", "application/json"))
	}
	for _, v := range t.views() {
		viewID := demoUUID("viewable " + v.guid)
		view := manifestNode{GUID: viewID, Type: "view", Role: v.role, Name: v.name, Status: manifestSuccess, Progress: "complete"}
		if v.role == "3d" {
			view.Camera = demoCamera()
		}
		geometry := manifestNode{Name: v.name, Role: v.role, GUID: v.guid, Type: "geometry", HasThumbnail: "true",
			ViewableID: viewID, Progress: "complete", Status: manifestSuccess}
		if t.kind() == "rvt" && v.role == "3d" {
			geometry.PhaseNames = "New Construction"
		}
		geometry.Children = append([]manifestNode{view}, thumbnails(v.name+"/"+v.name)...)
		geometry.Children = append(geometry.Children, manifestNode{Role: "graphics", Mime: "application/autodesk-" + output, GUID: demoUUID("graphics " + v.guid), Type: "resource"})
		svf.Children = append(svf.Children, geometry)
	}
	body.Derivatives = []manifestNode{svf, {OutputType: "thumbnail", Progress: "complete", Status: manifestSuccess, Children: thumbnails("")}}
	for _, x := range t.extras {
		if x != "thumbnail" {
			body.Derivatives = append(body.Derivatives, manifestNode{Name: t.name, OutputType: x, HasThumbnail: "false", Progress: "complete", Status: manifestSuccess,
				Children: []manifestNode{resource(t.baseName()+"."+x, x, "application/octet-stream")}})
		}
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, body)
}

// modelViewJSON is one entry of GET metadata.
type modelViewJSON struct {
	Name         string `json:"name"`
	Role         string `json:"role"`
	GUID         string `json:"guid"`
	IsMasterView bool   `json:"isMasterView,omitempty"`
}

// modelViewsBody is the body of GET metadata.
type modelViewsBody struct {
	Data struct {
		Type     string          `json:"type"`
		Metadata []modelViewJSON `json:"metadata"`
	} `json:"data"`
}

// readyTranslation answers 404 itself for a translation still in progress:
// there are no model views yet (the emulator's reading; unverified).
func readyTranslation(w http.ResponseWriter, t *translation) bool {
	if t.status != manifestSuccess {
		writeMDError(w, http.StatusNotFound, mdDetailNotReady)
		return false
	}
	return true
}

// getModelViews serves GET /{urn}/metadata.
func (e *Emulator) getModelViews(w http.ResponseWriter, _ *call, t *translation) {
	if !readyTranslation(w, t) {
		return
	}
	var body modelViewsBody
	body.Data.Type = "metadata"
	for _, v := range t.views() {
		body.Data.Metadata = append(body.Data.Metadata, modelViewJSON{Name: v.name, Role: v.role, GUID: v.guid, IsMasterView: v.master})
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, body)
}
