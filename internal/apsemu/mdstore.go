package apsemu

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// Manifest statuses the emulator's translations have (NOTES §6).
const (
	manifestPending    = "pending"
	manifestSuccess    = "success"
	manifestInProgress = "inprogress"
)

// inProgressPercent is the progress an in-progress translation reports,
// forever: nothing advances it.
const inProgressPercent = "42% complete"

// ossObjectIDPrefix starts every OSS object ID (NOTES §1.3).
const ossObjectIDPrefix = "urn:adsk.objects:os.object:"

// Translation is a source design the emulated Model Derivative service
// holds a manifest for.
type Translation struct {
	// SourceURN is the design: an OSS object ID
	// (urn:adsk.objects:os.object:<bucket>/<key>) or a DM version ID.
	SourceURN string
	// URN is the {urn} of Model Derivative paths: SourceURN in URL-safe
	// base64 without padding.
	URN    string
	Region string // where the derivatives are stored; requests must name it
	Status string // "pending", "inprogress" or "success"
}

// Translations returns every translation, sorted by SourceURN.
func (e *Emulator) Translations() []Translation {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Translation, 0, len(e.translations))
	for _, t := range e.translations {
		out = append(out, Translation{SourceURN: t.source, URN: designURN(t.source), Region: t.region, Status: t.status})
	}
	slices.SortFunc(out, func(a, b Translation) int { return cmp.Compare(a.SourceURN, b.SourceURN) })
	return out
}

// SetMetadataReady decides whether the metadata endpoints (object tree,
// properties, properties:query) first answer 202 for a model view. With
// false, the default, the first metadata request for each (urn, model
// view) answers 202 {"result":"success"}, as APS does while it extracts
// the property database, and later ones 200; with true every request
// answers 200 at once. Requests answered 200 while ready count as seen.
func (e *Emulator) SetMetadataReady(ready bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.metadataReady = ready
}

// translation is a stored translation: the design and what its manifest
// reports. Model views, object trees and properties derive from it.
type translation struct {
	source string // source URN
	owner  string // client ID of the app whose design it is
	// project is the DM project whose version the design is; empty for
	// an OSS object. Users see it only if they see the project.
	project string
	region  string
	status  string
	name    string // the design's file name, e.g. "Tower – Architecture.rvt"

	// What a translation job asked for; zero for seeded translations,
	// which have every view of an SVF2 derivative and a thumbnail.
	output string   // svf2 or svf; "" means svf2
	roles  []string // the views asked for, 2d and/or 3d; nil means both
	extras []string // other derivatives asked for, e.g. ifc or thumbnail
	// progress is what the manifest reports while status is not success;
	// "" means inProgressPercent. stage is the next of jobStages the
	// manifest moves to; 0 for a translation that never moves.
	progress string
	stage    int
}

// designURN encodes a source URN as Model Derivative paths take it.
func designURN(source string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(source))
}

// decodeDesignURN decodes a {urn} path parameter: URL-safe base64 as
// documented, with or without padding, and also standard base64 (whose
// "/" a client must then percent-encode in the path).
func decodeDesignURN(s string) (string, bool) {
	s = strings.NewReplacer("+", "-", "/", "_").Replace(strings.TrimRight(s, "="))
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(b) || !strings.HasPrefix(string(b), "urn:") {
		return "", false
	}
	return string(b), true
}

// lookupTranslation finds the translation of a source URN and returns a
// copy of it as it is now. An OSS object ID whose key was percent-encoded
// before base64 (as the manifest example shows) finds the object's
// translation too.
func (e *Emulator) lookupTranslation(source string) (*translation, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.translationLocked(source)
	if !ok {
		return nil, false
	}
	shown := *t
	return &shown, true
}

// translationLocked is lookupTranslation's search, returning the stored
// translation. e.mu must be held.
func (e *Emulator) translationLocked(source string) (*translation, bool) {
	if t, ok := e.translations[source]; ok {
		return t, true
	}
	rest, ok := strings.CutPrefix(source, ossObjectIDPrefix)
	if !ok {
		return nil, false
	}
	bucketKey, objectKey, ok := strings.Cut(rest, "/")
	if !ok {
		return nil, false
	}
	key, err := url.PathUnescape(objectKey)
	if err != nil {
		return nil, false
	}
	t, ok := e.translations[ossObjectIDPrefix+bucketKey+"/"+key]
	return t, ok
}

// modelView is one viewable of a translation.
type modelView struct {
	name, role, guid string
	master           bool // isMasterView: Revit's phase view
}

// kind is the design's file type, lower-case without the dot.
func (t *translation) kind() string {
	return strings.ToLower(strings.TrimPrefix(path.Ext(t.name), "."))
}

// baseName is the design's file name without its extension.
func (t *translation) baseName() string {
	return strings.TrimSuffix(t.name, path.Ext(t.name))
}

// views returns the model views of a successful translation, as GET
// metadata lists them: Revit designs a 3D view, the master phase view and
// a sheet, drawings model space and a layout, PDFs their pages, anything
// else one 3D view named after the file; of a job's translation, only
// those of the roles the job asked for.
func (t *translation) views() []modelView {
	all := t.allViews()
	if t.roles == nil {
		return all
	}
	return slices.DeleteFunc(all, func(v modelView) bool { return !slices.Contains(t.roles, v.role) })
}

// allViews are the model views of the design, whatever a job asked for.
func (t *translation) allViews() []modelView {
	v := func(name, role string) modelView {
		return modelView{name: name, role: role, guid: demoUUID("model view " + t.source + " " + name)}
	}
	switch t.kind() {
	case "rvt":
		master := v("New Construction", "3d")
		master.master = true
		return []modelView{v("{3D}", "3d"), master, v("A101 - Level 1 Plan", "2d")}
	case "dwg":
		return []modelView{v("Model", "2d"), v("Layout1", "2d")}
	case "pdf":
		pages := 1 + int(hash64(t.source)%2)
		out := make([]modelView, 0, pages)
		for i := 1; i <= pages; i++ {
			out = append(out, v(fmt.Sprintf("Page %d", i), "2d"))
		}
		return out
	}
	return []modelView{v(t.name, "3d")}
}

// view finds a model view by its GUID.
func (t *translation) view(guid string) (modelView, bool) {
	views := t.views()
	i := slices.IndexFunc(views, func(v modelView) bool { return v.guid == guid })
	if i < 0 {
		return modelView{}, false
	}
	return views[i], true
}

// mdObject is one object of a model view: a node of the object tree with
// its properties, category → name → value (values are display strings,
// as APS reports them).
type mdObject struct {
	id         int
	name       string
	externalID string
	parent     int // 0 for the root
	props      map[string]map[string]string
}

// objectGroup describes a branch of a generated object tree: a path of
// grouping nodes (e.g. category, family, type) above count leaf objects
// named "<leaf> [<element id>]".
type objectGroup struct {
	path  []string
	leaf  string
	count int
}

// objects returns the objects of a model view in objectid order (a
// pre-order walk of the tree, root first, as in the examples). Names,
// IDs and property values derive from the translation and the view, so
// the same request always gets the same answer.
func (t *translation) objects(v modelView) []mdObject {
	var groups []objectGroup
	switch kind := t.kind(); {
	case kind == "rvt" && v.role == "3d":
		groups = []objectGroup{
			{[]string{"Walls", "Basic Wall", "Generic - 200mm"}, "Basic Wall", 4},
			{[]string{"Floors", "Floor", "Generic 300mm"}, "Floor", 4},
			{[]string{"Doors", "Single-Flush", "0915 x 2134mm"}, "Single-Flush", 4},
			{[]string{"Windows", "Fixed", "0915 x 1830mm"}, "Fixed", 4},
			{[]string{"Structural Columns", "Concrete-Rectangular-Column", "450 x 600mm"}, "Concrete-Rectangular-Column", 4},
		}
	case kind == "rvt":
		groups = []objectGroup{{[]string{"Lines"}, "Lines", 3}, {[]string{"Text Notes"}, "Text Note", 2}}
	case kind == "dwg":
		for _, layer := range []string{"0", "A-WALL", "A-DOOR", "A-ANNO"} {
			groups = append(groups, objectGroup{[]string{layer}, "Polyline", 3})
		}
	case kind == "pdf":
		groups = []objectGroup{{[]string{"Text"}, "Text", 2}}
	default:
		groups = []objectGroup{{[]string{"Level 1"}, "Element", 3}, {[]string{"Level 2"}, "Element", 3}}
	}

	root := t.baseName()
	if v.role == "2d" {
		root = v.name
	}
	extBase := demoUUID("external ids " + t.source)
	var out []mdObject
	add := func(name string, parent int, props map[string]map[string]string) int {
		id := len(out) + 1
		out = append(out, mdObject{id: id, name: name, externalID: fmt.Sprintf("%s-%08x", extBase, uint32(hash64(v.guid, name, fmt.Sprint(id)))), parent: parent, props: props})
		return id
	}
	add(root, 0, map[string]map[string]string{"Other": {"Name": root}})
	nodes := map[string]int{} // grouping path → objectid
	for _, g := range groups {
		parent := 1
		for depth := range g.path {
			key := strings.Join(g.path[:depth+1], "/")
			if id, ok := nodes[key]; ok {
				parent = id
				continue
			}
			parent = add(g.path[depth], parent, map[string]map[string]string{"Identity Data": {"Category": g.path[0]}})
			nodes[key] = parent
		}
		for range g.count {
			h := hash64(t.source, v.guid, fmt.Sprint(len(out)))
			element := 100000 + int(h%900000)
			add(fmt.Sprintf("%s [%d]", g.leaf, element), parent, leafProperties(g, h, len(out)))
		}
	}
	return out
}

// leafProperties are a leaf object's properties, derived from h: the
// categories and value formats of Revit's property panel.
func leafProperties(g objectGroup, h uint64, n int) map[string]map[string]string {
	length := 1000 + int(h%9000)
	width := 100 + int(h/9000%400)
	area := float64(length) * float64(width) / 1e6
	return map[string]map[string]string{
		"Constraints": {
			"Level":       fmt.Sprintf("Level %d", 1+h%3),
			"Base Offset": "0.000 mm",
		},
		"Dimensions": {
			"Length": fmt.Sprintf("%d.000 mm", length),
			"Width":  fmt.Sprintf("%d.000 mm", width),
			"Area":   fmt.Sprintf("%.3f m^2", area),
			"Volume": fmt.Sprintf("%.3f m^3", area*3),
		},
		"Identity Data": {
			"Category":  g.path[0],
			"Type Name": g.path[len(g.path)-1],
			"Mark":      fmt.Sprintf("%s-%d", strings.ToUpper(g.leaf[:1]), n),
		},
		"Phasing": {"Phase Created": "New Construction"},
	}
}

// hash64 is a stable FNV-1a hash of parts.
func hash64(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}

// metadataKey identifies a model view for the 202-first rule.
func metadataKey(source, guid string) string {
	return source + "\x00" + guid
}

// metadataPending reports whether a metadata request for the model view
// should answer 202, and records that it was asked: the first request
// for each model view answers 202 unless metadata is ready, and so does a
// request with x-ads-force (a forced re-extraction).
func (e *Emulator) metadataPending(source, guid string, force bool) bool {
	key := metadataKey(source, guid)
	e.mu.Lock()
	defer e.mu.Unlock()
	seen := e.metadataSeen[key]
	e.metadataSeen[key] = true
	return !e.metadataReady && (!seen || force)
}
