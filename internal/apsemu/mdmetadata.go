package apsemu

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// mdAccepted is the 202 body of the metadata endpoints while APS extracts
// the property database (examples/md.get-all-properties.202.json).
type mdAccepted struct {
	Result string `json:"result"`
}

// metadataView resolves the model view of a metadata request and applies
// the 202-first rule; it answers itself (404 or 202) when the handler
// should not go on.
func (e *Emulator) metadataView(w http.ResponseWriter, c *call, t *translation) (modelView, bool) {
	if !readyTranslation(w, t) {
		return modelView{}, false
	}
	v, ok := t.view(c.param("modelGuid"))
	if !ok {
		writeMDError(w, http.StatusNotFound, mdDetailNoView)
		return modelView{}, false
	}
	if e.metadataPending(t.source, v.guid, strings.EqualFold(c.r.Header.Get("x-ads-force"), "true")) {
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
func (e *Emulator) getObjectTree(w http.ResponseWriter, c *call, t *translation) {
	qr := newQueryReader(c)
	objectID := qr.objectID()
	if level := qr.q.Get("level"); level != "" && level != "1" {
		qr.fail(mdDetailLevel)
	}
	if !qr.valid(w, writeMDBadRequest) {
		return
	}
	v, ok := e.metadataView(w, c, t)
	if !ok {
		return
	}
	objs := t.objects(v)
	depth := math.MaxInt
	if qr.q.Get("level") == "1" {
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

// objectID reads the objectid query parameter; 0 means absent.
func (qr *queryReader) objectID() int {
	raw := qr.q.Get("objectid")
	if raw == "" {
		return 0
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		qr.fail(mdDetailObjectID)
		return 0
	}
	return n
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
func (e *Emulator) getAllProperties(w http.ResponseWriter, c *call, t *translation) {
	qr := newQueryReader(c)
	objectID := qr.objectID()
	if !qr.valid(w, writeMDBadRequest) {
		return
	}
	v, ok := e.metadataView(w, c, t)
	if !ok {
		return
	}
	body := propertiesBody{Data: propertiesData{Type: "properties", Collection: []map[string]any{}}}
	for _, o := range t.objects(v) {
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

// queryPropertiesBody is the body of POST properties:query.
type queryPropertiesBody struct {
	Pagination offsetPagination `json:"pagination"`
	Data       propertiesData   `json:"data"`
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
func (e *Emulator) queryProperties(w http.ResponseWriter, c *call, t *translation) {
	var req propertiesQuery
	dec := json.NewDecoder(http.MaxBytesReader(w, c.r.Body, 1<<20))
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
	v, ok := e.metadataView(w, c, t)
	if !ok {
		return
	}
	var matched []mdObject
	for _, o := range t.objects(v) {
		if match(o) {
			matched = append(matched, o)
		}
	}
	body := queryPropertiesBody{
		Pagination: offsetPagination{Limit: limit, Offset: offset, TotalResults: len(matched)},
		Data:       propertiesData{Type: "properties", Collection: []map[string]any{}},
	}
	for _, o := range matched[min(offset, len(matched)):min(offset+limit, len(matched))] {
		body.Data.Collection = append(body.Data.Collection, projectObject(o, req.Fields))
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, body)
}
