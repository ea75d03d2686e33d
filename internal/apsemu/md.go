package apsemu

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
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

// mdAccepted is the 202 body of the metadata endpoints while APS extracts
// the property database (examples/md.get-all-properties.202.json).
type mdAccepted struct {
	Result string `json:"result"`
}

// mdCall is a matched Model Derivative request.
type mdCall struct {
	handle func(e *Emulator, w http.ResponseWriter, r *http.Request, call mdCall)
	method string
	scopes []string // the token needs one of them
	urn    string   // the {urn} as sent
	guid   string   // {modelGuid}
	region string   // from the legacy EU path, else empty
	t      *translation
}

// serveMD handles everything under /modelderivative/ in gateway order
// (token, route, method, scope), then as the service: region, urn, the
// design's manifest and its owner.
func (e *Emulator) serveMD(w http.ResponseWriter, r *http.Request) {
	info, ok := e.authenticateBearer(w, r)
	if !ok {
		return
	}
	segs, err := splitPath(r.URL.EscapedPath())
	if err != nil {
		writeMDError(w, http.StatusBadRequest, mdDetailBadURN)
		return
	}
	call, ok := matchMDRoute(segs)
	if !ok {
		writeMDError(w, http.StatusNotFound, mdDetailNotFound)
		return
	}
	if r.Method != call.method {
		setAllow(w, call.method)
		writeMDError(w, http.StatusMethodNotAllowed, mdDetailMethod)
		return
	}
	if !requireScope(w, info, call.scopes...) {
		return
	}
	region := call.region
	if region == "" {
		region = r.Header.Get("region")
		if region == "" {
			region = defaultRegion
		}
		if !isMDRegion(region) {
			writeMDError(w, http.StatusBadRequest, mdDetailRegion)
			return
		}
	}
	source, ok := decodeDesignURN(call.urn)
	if !ok {
		writeMDError(w, http.StatusBadRequest, mdDetailBadURN)
		return
	}
	t, ok := e.lookupTranslation(source)
	if !ok {
		writeMDError(w, http.StatusNotFound, mdDetailNoManifest)
		return
	}
	if t.owner != info.clientID {
		writeMDError(w, http.StatusForbidden, mdDetailNotOwner)
		return
	}
	// Derivatives live in one data centre; asking another one does not
	// find them (the emulator's reading, unverified).
	if t.region != region {
		writeMDError(w, http.StatusNotFound, fmt.Sprintf(mdDetailWrongRegionF, region, t.region))
		return
	}
	call.t = t
	call.handle(e, w, r, call)
}

// isMDRegion reports whether s is one of the regions Model Derivative
// documents (NOTES §1.2): the same eight as ACC Issues, without the legacy
// APAC of OSS.
func isMDRegion(s string) bool { return isIssuesRegion(s) }

// matchMDRoute finds the endpoint for decoded segments ("modelderivative",
// "v2", "designdata", {urn}, ...), also under the legacy EMEA path.
func matchMDRoute(segs []string) (mdCall, bool) {
	var call mdCall
	switch {
	case len(segs) >= 4 && segs[0] == "modelderivative" && segs[1] == "v2" && segs[2] == "designdata":
		segs = segs[3:]
	case len(segs) >= 6 && segs[0] == "modelderivative" && segs[1] == "v2" && segs[2] == "regions" && segs[3] == "eu" && segs[4] == "designdata":
		segs, call.region = segs[5:], "EMEA"
	default:
		return mdCall{}, false
	}
	if segs[0] == "" {
		return mdCall{}, false
	}
	call.urn, call.method, call.scopes = segs[0], http.MethodGet, []string{scopeDataRead}
	rest := segs[1:]
	switch {
	case len(rest) == 1 && rest[0] == "manifest":
		// The spec's viewable:read is a typo for viewables:read (NOTES §8.7).
		call.handle, call.scopes = (*Emulator).getManifest, []string{scopeDataRead, scopeViewablesRead}
	case len(rest) == 1 && rest[0] == "metadata":
		call.handle = (*Emulator).getModelViews
	case len(rest) >= 2 && rest[0] == "metadata" && rest[1] != "":
		call.guid = rest[1]
		switch strings.Join(rest[2:], "/") {
		case "":
			call.handle = (*Emulator).getObjectTree
		case "properties":
			call.handle = (*Emulator).getAllProperties
		case "properties:query":
			call.handle, call.method = (*Emulator).queryProperties, http.MethodPost
		default:
			return mdCall{}, false
		}
	default:
		return mdCall{}, false
	}
	return call, true
}

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
func (e *Emulator) getManifest(w http.ResponseWriter, _ *http.Request, call mdCall) {
	t := call.t
	urn := designURN(t.source)
	body := manifestBody{Type: "manifest", URN: urn, Region: t.region, Version: "1.0", Status: t.status}
	if t.status != manifestSuccess {
		body.Progress, body.HasThumbnail = inProgressPercent, "false"
		body.Derivatives = []manifestNode{{Name: t.name, HasThumbnail: "false", OutputType: "svf2", Progress: inProgressPercent, Status: manifestInProgress}}
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
	svf := manifestNode{Name: t.name, HasThumbnail: "true", OutputType: "svf2", Progress: "complete", Status: manifestSuccess,
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
		geometry.Children = append(geometry.Children, manifestNode{Role: "graphics", Mime: "application/autodesk-svf2", GUID: demoUUID("graphics " + v.guid), Type: "resource"})
		svf.Children = append(svf.Children, geometry)
	}
	body.Derivatives = []manifestNode{svf, {OutputType: "thumbnail", Progress: "complete", Status: manifestSuccess, Children: thumbnails("")}}
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
func (e *Emulator) getModelViews(w http.ResponseWriter, _ *http.Request, call mdCall) {
	if !readyTranslation(w, call.t) {
		return
	}
	var body modelViewsBody
	body.Data.Type = "metadata"
	for _, v := range call.t.views() {
		body.Data.Metadata = append(body.Data.Metadata, modelViewJSON{Name: v.name, Role: v.role, GUID: v.guid, IsMasterView: v.master})
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, body)
}

// metadataView resolves the model view of a metadata request and applies
// the 202-first rule; it answers itself (404 or 202) when the handler
// should not go on.
func (e *Emulator) metadataView(w http.ResponseWriter, r *http.Request, call mdCall) (modelView, bool) {
	if !readyTranslation(w, call.t) {
		return modelView{}, false
	}
	v, ok := call.t.view(call.guid)
	if !ok {
		writeMDError(w, http.StatusNotFound, mdDetailNoView)
		return modelView{}, false
	}
	if e.metadataPending(call.t.source, v.guid, strings.EqualFold(r.Header.Get("x-ads-force"), "true")) {
		writeJSON(w, http.StatusAccepted, contentTypeJSON, mdAccepted{Result: "success"})
		return modelView{}, false
	}
	return v, true
}

// treeNode is a node of GET /{urn}/metadata/{guid}.
type treeNode struct {
	ObjectID int        `json:"objectid"`
	Name     string     `json:"name"`
	Objects  []treeNode `json:"objects,omitempty"`
}

// objectTreeBody is the body of GET /{urn}/metadata/{guid}.
type objectTreeBody struct {
	Data struct {
		Type    string     `json:"type"`
		Objects []treeNode `json:"objects"`
	} `json:"data"`
}

// getObjectTree serves GET /{urn}/metadata/{modelGuid}: the whole tree,
// or with objectid the subtree under that object (itself included), and
// with level=1 only one level of children below the returned node. An
// unknown objectid gives an empty objects array. forceget is accepted and
// has no effect (the emulator's models are small).
func (e *Emulator) getObjectTree(w http.ResponseWriter, r *http.Request, call mdCall) {
	q := r.URL.Query()
	objectID, detail := parseObjectID(q.Get("objectid"))
	if detail == "" && q.Get("level") != "" && q.Get("level") != "1" {
		detail = mdDetailLevel
	}
	if detail != "" {
		writeMDError(w, http.StatusBadRequest, detail)
		return
	}
	v, ok := e.metadataView(w, r, call)
	if !ok {
		return
	}
	objs := call.t.objects(v)
	depth := math.MaxInt
	if q.Get("level") == "1" {
		depth = 1
	}
	var body objectTreeBody
	body.Data.Type = "objects"
	body.Data.Objects = []treeNode{}
	for _, o := range objs {
		if (objectID == 0 && o.parent == 0) || o.id == objectID {
			body.Data.Objects = append(body.Data.Objects, buildTree(objs, o, depth))
		}
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, body)
}

// buildTree renders o with its descendants down to depth levels.
func buildTree(objs []mdObject, o mdObject, depth int) treeNode {
	n := treeNode{ObjectID: o.id, Name: o.name}
	if depth == 0 {
		return n
	}
	for _, c := range objs {
		if c.parent == o.id {
			n.Objects = append(n.Objects, buildTree(objs, c, depth-1))
		}
	}
	return n
}

// parseObjectID reads the objectid query parameter; 0 means absent.
func parseObjectID(raw string) (int, string) {
	if raw == "" {
		return 0, ""
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, mdDetailObjectID
	}
	return n, ""
}

// propertiesData is the data member of the properties endpoints.
type propertiesData struct {
	Type       string           `json:"type"`
	Collection []map[string]any `json:"collection"`
}

// propertiesBody is the body of GET properties.
type propertiesBody struct {
	Data propertiesData `json:"data"`
}

// getAllProperties serves GET /{urn}/metadata/{modelGuid}/properties: every
// object's properties in objectid order, or only the object objectid names
// (an empty collection when none has that ID). forceget is accepted and
// has no effect.
func (e *Emulator) getAllProperties(w http.ResponseWriter, r *http.Request, call mdCall) {
	objectID, detail := parseObjectID(r.URL.Query().Get("objectid"))
	if detail != "" {
		writeMDError(w, http.StatusBadRequest, detail)
		return
	}
	v, ok := e.metadataView(w, r, call)
	if !ok {
		return
	}
	body := propertiesBody{Data: propertiesData{Type: "properties", Collection: []map[string]any{}}}
	for _, o := range call.t.objects(v) {
		if objectID == 0 || o.id == objectID {
			body.Data.Collection = append(body.Data.Collection, projectObject(o, nil))
		}
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, body)
}

// propertiesQuery is the body of POST properties:query.
type propertiesQuery struct {
	Query      map[string][]any `json:"query"`
	Fields     []string         `json:"fields"`
	Pagination *struct {
		Offset *float64 `json:"offset"`
		Limit  *float64 `json:"limit"`
	} `json:"pagination"`
	Payload string `json:"payload"`
}

// queryPagination is the pagination member of a properties:query answer.
type queryPagination struct {
	Limit        int `json:"limit"`
	Offset       int `json:"offset"`
	TotalResults int `json:"totalResults"`
}

// queryPropertiesBody is the body of POST properties:query.
type queryPropertiesBody struct {
	Pagination queryPagination `json:"pagination"`
	Data       propertiesData  `json:"data"`
}

// queryProperties serves POST /{urn}/metadata/{modelGuid}/properties:query.
// query takes one of the spec's forms ($in on objectid or externalId, $eq
// on name or a numeric property, $prefix on name, $contains, $between,
// $le, $ge) or "$like": ["name", pattern], a case-insensitive SQL LIKE
// pattern (% any run, _ one character) that is the emulator's own
// extension. Numeric comparisons use metric base units, as the spec says
// ("450.000 mm" is 0.45). fields projects the answer ("objectid", "name",
// "externalId", "properties", "properties.<category>[.<name>]" with "*"
// wildcards); without fields everything is returned. pagination defaults
// to offset 0, limit 20 (1..1000); only payload "text" is supported. It
// follows the 202-first rule of the other metadata endpoints.
func (e *Emulator) queryProperties(w http.ResponseWriter, r *http.Request, call mdCall) {
	var req propertiesQuery
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(&req); err != nil || dec.More() {
		writeMDError(w, http.StatusBadRequest, mdDetailBody)
		return
	}
	match, ok := compileQuery(req.Query)
	if !ok {
		writeMDError(w, http.StatusBadRequest, mdDetailQuery)
		return
	}
	offset, limit := 0, mdDefaultQueryLimit
	if p := req.Pagination; p != nil {
		if p.Offset != nil {
			offset = int(*p.Offset)
			if *p.Offset != float64(offset) || offset < 0 {
				writeMDError(w, http.StatusBadRequest, mdDetailPagination)
				return
			}
		}
		if p.Limit != nil {
			limit = int(*p.Limit)
			if *p.Limit != float64(limit) || limit < 1 || limit > mdMaxQueryLimit {
				writeMDError(w, http.StatusBadRequest, mdDetailPagination)
				return
			}
		}
	}
	if req.Payload != "" && req.Payload != "text" {
		writeMDError(w, http.StatusBadRequest, mdDetailPayload)
		return
	}
	v, ok := e.metadataView(w, r, call)
	if !ok {
		return
	}
	var matched []mdObject
	for _, o := range call.t.objects(v) {
		if match(o) {
			matched = append(matched, o)
		}
	}
	body := queryPropertiesBody{
		Pagination: queryPagination{Limit: limit, Offset: offset, TotalResults: len(matched)},
		Data:       propertiesData{Type: "properties", Collection: []map[string]any{}},
	}
	for _, o := range matched[min(offset, len(matched)):min(offset+limit, len(matched))] {
		body.Data.Collection = append(body.Data.Collection, projectObject(o, req.Fields))
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, body)
}

// compileQuery turns a properties:query query into a predicate; ok is
// false when it is not exactly one supported operator in its documented
// form.
func compileQuery(q map[string][]any) (match func(mdObject) bool, ok bool) {
	if len(q) != 1 {
		return nil, false
	}
	for op, args := range q {
		if len(args) < 2 {
			return nil, false
		}
		attr, isString := args[0].(string)
		if !isString {
			return nil, false
		}
		switch op {
		case "$in":
			return compileIn(attr, args[1:])
		case "$eq":
			if len(args) != 2 {
				return nil, false
			}
			if attr == "name" {
				want, isString := args[1].(string)
				return func(o mdObject) bool { return o.name == want }, isString
			}
			want, isNumber := args[1].(float64)
			return func(o mdObject) bool {
				got, ok := numericProperty(o, attr)
				return ok && math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
			}, isNumber
		case "$prefix", "$like", "$contains":
			want, isString := args[1].(string)
			if len(args) != 2 || !isString || (op != "$contains" && attr != "name") {
				return nil, false
			}
			switch op {
			case "$prefix":
				return func(o mdObject) bool { return strings.HasPrefix(o.name, want) }, true
			case "$like":
				return func(o mdObject) bool { return likeMatch(strings.ToLower(o.name), strings.ToLower(want)) }, true
			}
			words := strings.Fields(strings.ToLower(want))
			return func(o mdObject) bool {
				got, ok := textProperty(o, attr)
				got = strings.ToLower(got)
				return ok && !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(got, w) })
			}, len(words) > 0 && len(words) <= 50
		case "$between", "$le", "$ge":
			bounds := make([]float64, 0, 2)
			for _, a := range args[1:] {
				n, isNumber := a.(float64)
				if !isNumber {
					return nil, false
				}
				bounds = append(bounds, n)
			}
			if (op == "$between") != (len(bounds) == 2) || len(bounds) > 2 {
				return nil, false
			}
			return func(o mdObject) bool {
				got, ok := numericProperty(o, attr)
				switch {
				case !ok:
					return false
				case op == "$le":
					return got <= bounds[0]
				case op == "$ge":
					return got >= bounds[0]
				}
				return got >= min(bounds[0], bounds[1]) && got <= max(bounds[0], bounds[1])
			}, true
		}
	}
	return nil, false
}

// compileIn builds the $in predicate on objectid or externalId.
func compileIn(attr string, vals []any) (func(mdObject) bool, bool) {
	switch attr {
	case "objectid":
		ids := make([]int, 0, len(vals))
		for _, v := range vals {
			n, isNumber := v.(float64)
			if !isNumber {
				return nil, false
			}
			ids = append(ids, int(n))
		}
		return func(o mdObject) bool { return slices.Contains(ids, o.id) }, true
	case "externalId":
		ids := make([]string, 0, len(vals))
		for _, v := range vals {
			s, isString := v.(string)
			if !isString {
				return nil, false
			}
			ids = append(ids, s)
		}
		return func(o mdObject) bool { return slices.Contains(ids, o.externalID) }, true
	}
	return nil, false
}

// textProperty returns o's name ("name") or a property given as
// "properties.<category>.<name>".
func textProperty(o mdObject, attr string) (string, bool) {
	if attr == "name" {
		return o.name, true
	}
	rest, ok := strings.CutPrefix(attr, "properties.")
	if !ok {
		return "", false
	}
	category, name, ok := strings.Cut(rest, ".")
	if !ok {
		return "", false
	}
	v, ok := o.props[category][name]
	return v, ok
}

// numericProperty returns a property's value in metric base units: the
// number leading its display string, scaled from mm, mm^2 or mm^3.
func numericProperty(o mdObject, attr string) (float64, bool) {
	s, ok := textProperty(o, attr)
	if !ok {
		return 0, false
	}
	num, unit, _ := strings.Cut(strings.TrimSpace(s), " ")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	switch unit {
	case "mm":
		n /= 1e3
	case "mm^2":
		n /= 1e6
	case "mm^3":
		n /= 1e9
	}
	return n, true
}

// likeMatch reports whether s matches an SQL LIKE pattern (% any run, _
// one character).
func likeMatch(s, pattern string) bool {
	if pattern == "" {
		return s == ""
	}
	switch r, size := utf8.DecodeRuneInString(pattern); r {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(s[i:], pattern[size:]) {
				return true
			}
		}
		return false
	case '_':
		if s == "" {
			return false
		}
		_, n := utf8.DecodeRuneInString(s)
		return likeMatch(s[n:], pattern[size:])
	default:
		return strings.HasPrefix(s, pattern[:size]) && likeMatch(s[size:], pattern[size:])
	}
}

// projectObject renders an object of the properties collection, keeping
// only what fields asks for (everything when fields is nil).
func projectObject(o mdObject, fields []string) map[string]any {
	want := func(name string) bool { return fields == nil || slices.Contains(fields, name) }
	out := map[string]any{}
	if want("objectid") {
		out["objectid"] = o.id
	}
	if want("name") {
		out["name"] = o.name
	}
	if want("externalId") {
		out["externalId"] = o.externalID
	}
	props := map[string]any{}
	for category, values := range o.props {
		kept := map[string]string{}
		for name, value := range values {
			if fields == nil || slices.ContainsFunc(fields, func(f string) bool { return fieldSelects(f, category, name) }) {
				kept[name] = value
			}
		}
		if len(kept) > 0 {
			props[category] = kept
		}
	}
	if fields == nil || slices.ContainsFunc(fields, func(f string) bool { return f == "properties" || strings.HasPrefix(f, "properties.") }) {
		out["properties"] = props
	}
	return out
}

// fieldSelects reports whether a fields entry selects the property name of
// category: "properties", "properties.<category>" (and all its
// children), "properties.<category>.<name>", each part a pattern in which
// "*" matches any run of characters.
func fieldSelects(field, category, name string) bool {
	if field == "properties" {
		return true
	}
	rest, ok := strings.CutPrefix(field, "properties.")
	if !ok {
		return false
	}
	catPattern, namePattern, hasName := strings.Cut(rest, ".")
	if !globMatch(catPattern, category) {
		return false
	}
	return !hasName || globMatch(namePattern, name)
}

// globMatch reports whether s matches pattern, where "*" matches any run
// of characters and everything else matches itself.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
