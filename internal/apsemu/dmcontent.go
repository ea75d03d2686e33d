package apsemu

import (
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// DM query parameters of the content endpoints.
const (
	paramIncludeHidden        = "includeHidden"
	paramExcludeDeleted       = "excludeDeleted"
	paramProjectFilesOnly     = "projectFilesOnly"
	paramIncludePathInProject = "includePathInProject"
)

// dmTimeLayout is how DM reports timestamps: UTC, milliseconds, "Z".
const dmTimeLayout = "2006-01-02T15:04:05.000Z"

// webViewBase starts the webView links, as in the spec's examples (the
// BIM 360 Docs host; ACC's own host is not modelled).
const webViewBase = "https://docs.b360.autodesk.com/projects/"

// dmView says where a resource is rendered; the examples show slightly
// different members in each place, and the emulator follows them.
type dmView int

const (
	viewOne      dmView = iota // GET of the resource itself: links with webView
	viewTop                    // a top folder: also isRoot, folderType, folderParents
	viewContents               // a folder contents entry: self link only; folders add path, items lastModifiedTimeRollup
	viewIncluded               // an item included by search: like viewOne
)

// webLinks are a resource's links: self, and webView where the examples have it.
type webLinks struct {
	Self    link  `json:"self"`
	WebView *link `json:"webView,omitempty"`
}

// dataExtension is attributes.extension with free-form data.
type dataExtension struct {
	Type    string         `json:"type"`
	Version string         `json:"version"`
	Schema  link           `json:"schema"`
	Data    map[string]any `json:"data"`
}

// dataRelation is a relationship with a related link and linkage.
type dataRelation struct {
	Links relatedLinks       `json:"links"`
	Data  resourceIdentifier `json:"data"`
}

// refsRelation is the refs relationship: self and related links.
type refsRelation struct {
	Links selfRelatedLinks `json:"links"`
}

type selfRelatedLinks struct {
	Self    link `json:"self"`
	Related link `json:"related"`
}

// selfRelation is the links relationship: a self link only.
type selfRelation struct {
	Links resourceLinks `json:"links"`
}

// metaRelation is a relationship with linkage and a meta link (storage,
// derivatives, thumbnails).
type metaRelation struct {
	Data resourceIdentifier `json:"data"`
	Meta linkMeta           `json:"meta"`
}

// folderResource is a "folders" resource object.
type folderResource struct {
	Type          string              `json:"type"`
	ID            string              `json:"id"`
	Attributes    folderAttributes    `json:"attributes"`
	Links         webLinks            `json:"links"`
	Relationships folderRelationships `json:"relationships"`
}

type folderAttributes struct {
	Name                   string        `json:"name"`
	DisplayName            string        `json:"displayName"`
	CreateTime             string        `json:"createTime"`
	CreateUserID           string        `json:"createUserId"`
	CreateUserName         string        `json:"createUserName"`
	LastModifiedTime       string        `json:"lastModifiedTime"`
	LastModifiedUserID     string        `json:"lastModifiedUserId"`
	LastModifiedUserName   string        `json:"lastModifiedUserName"`
	LastModifiedTimeRollup string        `json:"lastModifiedTimeRollup"`
	Path                   string        `json:"path,omitempty"`
	ObjectCount            int           `json:"objectCount"`
	Hidden                 bool          `json:"hidden"`
	Extension              dataExtension `json:"extension"`
}

type folderRelationships struct {
	Parent   *dataRelation `json:"parent,omitempty"` // none for the root folder
	Refs     refsRelation  `json:"refs"`
	Links    selfRelation  `json:"links"`
	Contents linksOnly     `json:"contents"`
}

// folderParent is one entry of a top folder's extension.data.folderParents.
type folderParent struct {
	URN       string `json:"urn"`
	IsRoot    bool   `json:"isRoot"`
	Title     string `json:"title"`
	ParentURN string `json:"parentUrn,omitempty"`
}

// itemResource is an "items" resource object.
type itemResource struct {
	Type          string            `json:"type"`
	ID            string            `json:"id"`
	Attributes    itemAttributes    `json:"attributes"`
	Links         webLinks          `json:"links"`
	Relationships itemRelationships `json:"relationships"`
}

type itemAttributes struct {
	DisplayName            string        `json:"displayName"`
	CreateTime             string        `json:"createTime"`
	CreateUserID           string        `json:"createUserId"`
	CreateUserName         string        `json:"createUserName"`
	LastModifiedTime       string        `json:"lastModifiedTime"`
	LastModifiedUserID     string        `json:"lastModifiedUserId"`
	LastModifiedUserName   string        `json:"lastModifiedUserName"`
	LastModifiedTimeRollup string        `json:"lastModifiedTimeRollup,omitempty"`
	Hidden                 bool          `json:"hidden"`
	Reserved               bool          `json:"reserved"`
	ReservedTime           string        `json:"reservedTime,omitempty"`
	ReservedUserID         string        `json:"reservedUserId,omitempty"`
	ReservedUserName       string        `json:"reservedUserName,omitempty"`
	Extension              dataExtension `json:"extension"`
	PathInProject          string        `json:"pathInProject,omitempty"`
}

type itemRelationships struct {
	Tip      dataRelation `json:"tip"`
	Versions linksOnly    `json:"versions"`
	Parent   dataRelation `json:"parent"`
	Refs     refsRelation `json:"refs"`
	Links    selfRelation `json:"links"`
}

// versionResource is a "versions" resource object.
type versionResource struct {
	Type          string               `json:"type"`
	ID            string               `json:"id"`
	Attributes    versionAttributes    `json:"attributes"`
	Links         webLinks             `json:"links"`
	Relationships versionRelationships `json:"relationships"`
}

type versionAttributes struct {
	Name                 string        `json:"name"`
	DisplayName          string        `json:"displayName"`
	CreateTime           string        `json:"createTime"`
	CreateUserID         string        `json:"createUserId"`
	CreateUserName       string        `json:"createUserName"`
	LastModifiedTime     string        `json:"lastModifiedTime"`
	LastModifiedUserID   string        `json:"lastModifiedUserId"`
	LastModifiedUserName string        `json:"lastModifiedUserName"`
	VersionNumber        int           `json:"versionNumber"`
	MimeType             string        `json:"mimeType"`
	FileType             string        `json:"fileType"`
	StorageSize          int64         `json:"storageSize"`
	Extension            dataExtension `json:"extension"`
}

type versionRelationships struct {
	Item            dataRelation `json:"item"`
	Refs            refsRelation `json:"refs"`
	Links           selfRelation `json:"links"`
	Storage         metaRelation `json:"storage"`
	Derivatives     metaRelation `json:"derivatives"`
	Thumbnails      metaRelation `json:"thumbnails"`
	DownloadFormats linksOnly    `json:"downloadFormats"`
}

// dmRenderer renders one project's content with absolute links.
type dmRenderer struct {
	base string
	p    Project
	c    *dmContent
}

// folderPath, itemPath and versionPath are the escaped /data/v1 API paths
// of a project's folders, items and versions.
func folderPath(projectID, id string) string {
	return "/data/v1/projects/" + escapeID(projectID) + "/folders/" + escapeID(id)
}

func itemPath(projectID, id string) string {
	return "/data/v1/projects/" + escapeID(projectID) + "/items/" + escapeID(id)
}

func versionPath(projectID, id string) string {
	return "/data/v1/projects/" + escapeID(projectID) + "/versions/" + escapeID(id)
}

// folderHref, itemHref and versionHref are the absolute URLs of the
// renderer's project's resources.
func (d dmRenderer) folderHref(id string) string  { return d.base + folderPath(d.p.ID, id) }
func (d dmRenderer) itemHref(id string) string    { return d.base + itemPath(d.p.ID, id) }
func (d dmRenderer) versionHref(id string) string { return d.base + versionPath(d.p.ID, id) }

// webView is the link to a folder, or to a resource shown in the viewer
// from its folder, on the Docs web site.
func (d dmRenderer) webView(folderID, resourceID string) *link {
	href := webViewBase + strings.TrimPrefix(d.p.ID, bim360AccountPrefix) + "/folders/" + escapeID(folderID)
	if resourceID != "" {
		href += "/detail/viewer/items/" + escapeID(resourceID)
	}
	return &link{Href: href}
}

// scopesQuery is the scopes query the storage and derivative meta links carry.
func (d dmRenderer) scopesQuery() string {
	return "?scopes=b360project." + strings.TrimPrefix(d.p.ID, bim360AccountPrefix) + ",global"
}

// refs and selfRel build the refs and links relationships of a resource at href.
func refs(href string) refsRelation {
	return refsRelation{Links: selfRelatedLinks{Self: link{Href: href + "/relationships/refs"}, Related: link{Href: href + "/refs"}}}
}

func selfRel(href string) selfRelation {
	return selfRelation{Links: resourceLinks{Self: link{Href: href + "/relationships/links"}}}
}

func related(href string) linksOnly {
	return linksOnly{Links: relatedLinks{Related: link{Href: href}}}
}

// folder renders f as view shows it.
func (d dmRenderer) folder(f *dmFolder, view dmView) folderResource {
	self := d.folderHref(f.ID)
	user, name := f.user, demoDMUserName(f.user)
	res := folderResource{
		Type: "folders",
		ID:   f.ID,
		Attributes: folderAttributes{
			Name:                   f.Name,
			DisplayName:            f.Name,
			CreateTime:             dmTime(f.created),
			CreateUserID:           user,
			CreateUserName:         name,
			LastModifiedTime:       dmTime(f.created),
			LastModifiedUserID:     user,
			LastModifiedUserName:   name,
			LastModifiedTimeRollup: dmTime(f.rollup),
			ObjectCount:            len(f.folders) + len(f.items),
			Hidden:                 f.Hidden,
			Extension:              d.folderExtension(f, view),
		},
		Links: webLinks{Self: link{Href: self}},
		Relationships: folderRelationships{
			Refs:     refs(self),
			Links:    selfRel(self),
			Contents: related(self + "/contents"),
		},
	}
	if view == viewContents {
		res.Attributes.Path = d.c.pathOf(f.ID)
	} else {
		res.Links.WebView = d.webView(f.ID, "")
	}
	if f.ParentID != "" {
		res.Relationships.Parent = &dataRelation{
			Links: relatedLinks{Related: link{Href: d.folderHref(f.ParentID)}},
			Data:  resourceIdentifier{Type: "folders", ID: f.ParentID},
		}
	}
	return res
}

// folderExtension is a folder's extension; BIM 360/ACC folders carry the
// allowed and visible types of the examples, top folders their place in
// the hierarchy too.
func (d dmRenderer) folderExtension(f *dmFolder, view dmView) dataExtension {
	data := map[string]any{}
	if f.extType == folderTypeBIM360 {
		data["allowedTypes"] = []string{"folders", itemTypeFile, "items:autodesk.bim360:Document", "items:autodesk.bim360:TitleBlock"}
		data["visibleTypes"] = []string{"folders", "items:autodesk.bim360:Document"}
		data["namingStandardIds"] = []string{}
		if view == viewTop {
			data["isRoot"] = false
			data["folderType"] = "normal"
			parents := []folderParent{}
			for _, a := range d.c.ancestors(f.ID) {
				parents = append(parents, folderParent{URN: a.ID, IsRoot: a.ParentID == "", Title: a.Name, ParentURN: a.ParentID})
			}
			data["folderParents"] = parents
		}
	}
	return newDataExtension(d.base, f.extType, "1.0", data)
}

// newDataExtension builds an extension with a schema link, as newExtension
// does for hubs and projects.
func newDataExtension(base, extType, version string, data map[string]any) dataExtension {
	return dataExtension{
		Type:    extType,
		Version: version,
		Schema:  link{Href: base + "/schema/v1/versions/" + escapeID(extType+"-"+version)},
		Data:    data,
	}
}

// item renders it as view shows it; withPath adds pathInProject.
func (d dmRenderer) item(it *dmItem, view dmView, withPath bool) itemResource {
	self := d.itemHref(it.id)
	first, tip := it.versions[0], it.tip()
	ext := newDataExtension(d.base, itemTypeFile, "1.0", map[string]any{})
	if it.c4r {
		ext = newDataExtension(d.base, itemTypeC4R, "1.0.0", map[string]any{"sourceFileName": it.name})
	}
	res := itemResource{
		Type: "items",
		ID:   it.id,
		Attributes: itemAttributes{
			DisplayName:          it.name,
			CreateTime:           dmTime(first.created),
			CreateUserID:         first.user,
			CreateUserName:       demoDMUserName(first.user),
			LastModifiedTime:     dmTime(tip.created),
			LastModifiedUserID:   tip.user,
			LastModifiedUserName: demoDMUserName(tip.user),
			Hidden:               it.hidden,
			Extension:            ext,
		},
		Links: webLinks{Self: link{Href: self}},
		Relationships: itemRelationships{
			Tip: dataRelation{
				Links: relatedLinks{Related: link{Href: self + "/tip"}},
				Data:  resourceIdentifier{Type: "versions", ID: tip.ID},
			},
			Versions: related(self + "/versions"),
			Parent: dataRelation{
				Links: relatedLinks{Related: link{Href: d.folderHref(it.folderID)}},
				Data:  resourceIdentifier{Type: "folders", ID: it.folderID},
			},
			Refs:  refs(self),
			Links: selfRel(self),
		},
	}
	if it.reservedBy != "" {
		res.Attributes.Reserved = true
		res.Attributes.ReservedTime = dmTime(it.reservedAt)
		res.Attributes.ReservedUserID = it.reservedBy
		res.Attributes.ReservedUserName = demoDMUserName(it.reservedBy)
	}
	if view == viewContents {
		res.Attributes.LastModifiedTimeRollup = dmTime(tip.created)
	} else {
		res.Links.WebView = d.webView(it.folderID, it.id)
	}
	if withPath {
		res.Attributes.PathInProject = d.c.pathOf(it.folderID)
	}
	return res
}

// version renders v; every version carries the storage, derivatives and
// thumbnails relationships (the fuller shape of the examples).
func (d dmRenderer) version(v *dmVersion) versionResource {
	self := d.versionHref(v.ID)
	it := d.c.items[v.ItemID]
	ext := strings.TrimPrefix(path.Ext(v.Name), ".")
	storageKey := strings.TrimPrefix(v.StorageID, ossObjectIDPrefix+dmStorageBucket+"/")
	md := d.base + mdPathPrefix + v.DerivativeURN
	return versionResource{
		Type: "versions",
		ID:   v.ID,
		Attributes: versionAttributes{
			Name:                 v.Name,
			DisplayName:          v.Name,
			CreateTime:           dmTime(v.created),
			CreateUserID:         v.user,
			CreateUserName:       demoDMUserName(v.user),
			LastModifiedTime:     dmTime(v.created),
			LastModifiedUserID:   v.user,
			LastModifiedUserName: demoDMUserName(v.user),
			VersionNumber:        v.Number,
			MimeType:             dmMimeType(ext),
			FileType:             ext,
			StorageSize:          v.size,
			Extension:            d.versionExtension(it, v),
		},
		Links: webLinks{Self: link{Href: self}, WebView: d.webView(it.folderID, v.ID)},
		Relationships: versionRelationships{
			Item: dataRelation{
				Links: relatedLinks{Related: link{Href: d.itemHref(it.id)}},
				Data:  resourceIdentifier{Type: "items", ID: it.id},
			},
			Refs:  refs(self),
			Links: selfRel(self),
			Storage: metaRelation{
				Data: resourceIdentifier{Type: "objects", ID: v.StorageID},
				Meta: linkMeta{Link: link{Href: d.base + "/oss/v2/buckets/" + dmStorageBucket + "/objects/" + url.PathEscape(storageKey) + d.scopesQuery()}},
			},
			Derivatives: metaRelation{
				Data: resourceIdentifier{Type: "derivatives", ID: v.DerivativeURN},
				Meta: linkMeta{Link: link{Href: md + "/manifest" + d.scopesQuery()}},
			},
			Thumbnails: metaRelation{
				Data: resourceIdentifier{Type: "thumbnails", ID: v.DerivativeURN},
				Meta: linkMeta{Link: link{Href: md + "/thumbnail" + d.scopesQuery()}},
			},
			DownloadFormats: related(self + "/downloadFormats"),
		},
	}
}

// versionExtension is a version's extension: the File example's data, or
// for Revit cloud models the C4RModel example's.
func (d dmRenderer) versionExtension(it *dmItem, v *dmVersion) dataExtension {
	if !it.c4r {
		return newDataExtension(d.base, versionTypeFile, "1.0", map[string]any{
			"tempUrn":          nil,
			"properties":       map[string]any{},
			"storageUrn":       v.StorageID,
			"storageType":      "OSS",
			"conformingStatus": "NONE",
		})
	}
	bare := strings.TrimPrefix(d.p.ID, bim360AccountPrefix)
	return newDataExtension(d.base, versionTypeC4R, "1.0.0", map[string]any{
		"modelVersion":         v.Number,
		"projectGuid":          bare,
		"originalItemUrn":      it.id,
		"isCompositeDesign":    false,
		"modelType":            "multiuser",
		"mimeType":             dmMimeType("rvt"),
		"modelGuid":            demoUUID("model guid " + it.id),
		"processState":         "PROCESSING_COMPLETE",
		"extractionState":      "SUCCESS",
		"splittingState":       "NOT_SPLIT",
		"reviewState":          "NOT_IN_REVIEW",
		"revisionDisplayLabel": strconv.Itoa(v.Number),
		"sourceFileName":       it.name,
		"conformingStatus":     "NONE",
	})
}

// dmMimeType is the mimeType DM reports for a file extension (the Revit
// one is the example's; the others are the usual types, unverified).
func dmMimeType(ext string) string {
	switch strings.ToLower(ext) {
	case "rvt":
		return "application/vnd.autodesk.r360"
	case "dwg":
		return "application/acad"
	case "pdf":
		return "application/pdf"
	case "nwd":
		return "application/vnd.autodesk.navisworks"
	}
	return defaultContentType
}

// dmTime formats t as DM does.
func dmTime(t time.Time) string {
	return t.UTC().Format(dmTimeLayout)
}

// folderFields, itemFields and versionFields are what filters see of a
// resource: its id, type and attributes by their (unprefixed) names.
func folderFields(f *dmFolder) map[string]string {
	return map[string]string{
		"id": f.ID, "type": "folders", "name": f.Name, "displayName": f.Name,
		"hidden": strconv.FormatBool(f.Hidden), "extension.type": f.extType, "extension.version": "1.0",
		"createTime": dmTime(f.created), "lastModifiedTime": dmTime(f.created), "lastModifiedTimeRollup": dmTime(f.rollup),
		"createUserId": f.user, "lastModifiedUserId": f.user, "objectCount": strconv.Itoa(len(f.folders) + len(f.items)),
	}
}

func itemFields(it *dmItem) map[string]string {
	extType := itemTypeFile
	if it.c4r {
		extType = itemTypeC4R
	}
	tip := it.tip()
	return map[string]string{
		"id": it.id, "type": "items", "displayName": it.name, "hidden": strconv.FormatBool(it.hidden),
		"reserved": strconv.FormatBool(it.reservedBy != ""), "extension.type": extType,
		"createTime": dmTime(it.versions[0].created), "lastModifiedTime": dmTime(tip.created), "lastModifiedTimeRollup": dmTime(tip.created),
		"createUserId": it.versions[0].user, "lastModifiedUserId": tip.user,
	}
}

func versionFields(it *dmItem, v *dmVersion) map[string]string {
	extType := versionTypeFile
	if it.c4r {
		extType = versionTypeC4R
	}
	ext := strings.TrimPrefix(path.Ext(v.Name), ".")
	return map[string]string{
		"id": v.ID, "type": "versions", "name": v.Name, "displayName": v.Name,
		"versionNumber": strconv.Itoa(v.Number), "fileType": ext, "mimeType": dmMimeType(ext),
		"storageSize": strconv.FormatInt(v.size, 10), "extension.type": extType,
		"createTime": dmTime(v.created), "lastModifiedTime": dmTime(v.created),
		"createUserId": v.user, "lastModifiedUserId": v.user,
	}
}

// dataProject resolves the project of a /data/ request for the caller,
// answering 404 (unknown or invisible project) or 403 (unreachable hub)
// itself.
func (e *Emulator) dataProject(w http.ResponseWriter, r *http.Request, call dmCall) (dmRenderer, bool) {
	p, h, ok := e.findProject(call.projectID)
	if !ok || !e.seesHubs(call.info) {
		writeDMNotFound(w)
		return dmRenderer{}, false
	}
	if h.Unreachable {
		writeDMError(w, http.StatusForbidden, dmCodeBIM360, unreachableTitle(h.Region), dmDetailNoPermission)
		return dmRenderer{}, false
	}
	return dmRenderer{base: baseURL(r), p: p, c: e.contentOf(p)}, true
}

// parseBoolParam reads an optional boolean query parameter; detail is the
// 400 text when it is present but not a boolean.
func parseBoolParam(q url.Values, name string) (value bool, detail string) {
	if !q.Has(name) {
		return false, ""
	}
	v, err := strconv.ParseBool(q.Get(name))
	if err != nil {
		return false, "The " + name + " parameter must be true or false."
	}
	return v, ""
}

// writeBadInput answers 400 BAD_INPUT with detail.
func writeBadInput(w http.ResponseWriter, detail string) {
	writeDMError(w, http.StatusBadRequest, dmCodeBadInput, "Bad Input", detail)
}

// listTopFolders serves GET /project/v1/hubs/{hub_id}/projects/{project_id}/topFolders:
// every top folder, unpaginated. excludeDeleted=true leaves hidden folders
// out (by default they are listed, as the spec says); projectFilesOnly=true
// keeps only "Project Files".
func (e *Emulator) listTopFolders(w http.ResponseWriter, r *http.Request, call dmCall) {
	h, p, ok := e.dmProject(w, call)
	if !ok {
		return
	}
	q := r.URL.Query()
	excludeDeleted, detail := parseBoolParam(q, paramExcludeDeleted)
	if detail != "" {
		writeBadInput(w, detail)
		return
	}
	filesOnly, detail := parseBoolParam(q, paramProjectFilesOnly)
	if detail != "" {
		writeBadInput(w, detail)
		return
	}
	d := dmRenderer{base: baseURL(r), p: p, c: e.contentOf(p)}
	data := []folderResource{}
	for _, id := range d.c.folders[d.c.root].folders {
		f := d.c.folders[id]
		if (excludeDeleted && f.Hidden) || (filesOnly && !f.projectFiles) {
			continue
		}
		data = append(data, d.folder(f, viewTop))
	}
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, dmDocument{
		JSONAPI: jsonAPI10(),
		Links:   topLinks{Self: selfLink(d.base, projectPath(h.ID, p.ID)+"/topFolders", q)},
		Data:    data,
	})
}

// getFolder serves GET /data/v1/projects/{project_id}/folders/{folder_id}.
func (e *Emulator) getFolder(w http.ResponseWriter, r *http.Request, call dmCall) {
	d, ok := e.dataProject(w, r, call)
	if !ok {
		return
	}
	f, ok := d.c.folders[call.folderID]
	if !ok {
		writeDMNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, dmDocument{
		JSONAPI: jsonAPI10(),
		Links:   topLinks{Self: selfLink(d.base, folderPath(d.p.ID, f.ID), r.URL.Query())},
		Data:    d.folder(f, viewOne),
	})
}

// listFolderContents serves GET .../folders/{folder_id}/contents: the
// folder's subfolders then items (each by name), paginated with
// page[number] and page[limit] before the filters apply, as DM does.
// Hidden (deleted) entries are left out unless includeHidden=true or a
// filter names "hidden"; included holds the tip versions of the items on
// the page.
func (e *Emulator) listFolderContents(w http.ResponseWriter, r *http.Request, call dmCall) {
	d, ok := e.dataProject(w, r, call)
	if !ok {
		return
	}
	f, ok := d.c.folders[call.folderID]
	if !ok {
		writeDMNotFound(w)
		return
	}
	q := r.URL.Query()
	number, limit, detail := parsePage(q)
	if detail != "" {
		writeBadInput(w, detail)
		return
	}
	includeHidden, detail := parseBoolParam(q, paramIncludeHidden)
	if detail != "" {
		writeBadInput(w, detail)
		return
	}
	conds, detail := parseConditions(q)
	if detail != "" {
		writeBadInput(w, detail)
		return
	}
	showHidden := includeHidden || constrains(conds, "hidden")
	page, more := pageOf(d.c.entries(f), number, limit)
	data := []any{}
	var included []versionResource
	for _, en := range page {
		if en.Hidden && !showHidden {
			continue
		}
		if en.Type == "folders" {
			sub := d.c.folders[en.ID]
			if matchAll(conds, folderFields(sub)) {
				data = append(data, d.folder(sub, viewContents))
			}
			continue
		}
		it := d.c.items[en.ID]
		if matchAll(conds, itemFields(it)) {
			data = append(data, d.item(it, viewContents, false))
			included = append(included, d.version(it.tip()))
		}
	}
	doc := dmDocument{JSONAPI: jsonAPI10(), Links: d.pageLinks(folderPath(d.p.ID, f.ID)+"/contents", q, number, more), Data: data}
	if len(included) > 0 {
		doc.Included = included
	}
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, doc)
}

// pageLinks are the links of a page: self, first and prev after the first
// page, next while more pages remain.
func (d dmRenderer) pageLinks(path string, q url.Values, number int, more bool) topLinks {
	links := topLinks{Self: selfLink(d.base, path, q)}
	if number > 0 {
		links.First = pageLink(d.base, path, q, 0)
		links.Prev = pageLink(d.base, path, q, number-1)
	}
	if more {
		links.Next = pageLink(d.base, path, q, number+1)
	}
	return links
}

// searchFolder serves GET .../folders/{folder_id}/search: the tip versions
// of the visible items in the folder and all its visible subfolders (each
// folder's items by name, then its subfolders depth-first), with the
// items in included. Any version field can be filtered on, e.g.
// filter[displayName]-contains=Tower or filter[fileType]=rvt,dwg. The spec
// documents only page[number]; pages hold 200 versions (page[limit] is
// honoured too) and, as elsewhere in DM, are cut before filtering.
func (e *Emulator) searchFolder(w http.ResponseWriter, r *http.Request, call dmCall) {
	d, ok := e.dataProject(w, r, call)
	if !ok {
		return
	}
	f, ok := d.c.folders[call.folderID]
	if !ok {
		writeDMNotFound(w)
		return
	}
	q := r.URL.Query()
	number, limit, detail := parsePage(q)
	if detail != "" {
		writeBadInput(w, detail)
		return
	}
	conds, detail := parseConditions(q)
	if detail != "" {
		writeBadInput(w, detail)
		return
	}
	page, more := pageOf(d.c.searchItems(f, nil), number, limit)
	data := []versionResource{}
	var included []itemResource
	for _, it := range page {
		if matchAll(conds, versionFields(it, it.tip())) {
			data = append(data, d.version(it.tip()))
			included = append(included, d.item(it, viewIncluded, false))
		}
	}
	doc := dmDocument{JSONAPI: jsonAPI10(), Links: d.pageLinks(folderPath(d.p.ID, f.ID)+"/search", q, number, more), Data: data}
	if len(included) > 0 {
		doc.Included = included
	}
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, doc)
}

// searchItems appends the visible items below f to out in search order.
func (c *dmContent) searchItems(f *dmFolder, out []*dmItem) []*dmItem {
	for _, id := range f.items {
		if it := c.items[id]; !it.hidden {
			out = append(out, it)
		}
	}
	for _, id := range f.folders {
		if sub := c.folders[id]; !sub.Hidden {
			out = c.searchItems(sub, out)
		}
	}
	return out
}

// dataItem resolves the item of an items/... request, answering itself
// when the project or item is unknown.
func (e *Emulator) dataItem(w http.ResponseWriter, r *http.Request, call dmCall) (dmRenderer, *dmItem, bool) {
	d, ok := e.dataProject(w, r, call)
	if !ok {
		return dmRenderer{}, nil, false
	}
	it, ok := d.c.items[call.itemID]
	if !ok {
		writeDMNotFound(w)
		return dmRenderer{}, nil, false
	}
	return d, it, true
}

// getItem serves GET /data/v1/projects/{project_id}/items/{item_id}, with
// the tip version in included; includePathInProject=true adds
// pathInProject, the path of the item's folder from the project's root.
func (e *Emulator) getItem(w http.ResponseWriter, r *http.Request, call dmCall) {
	d, it, ok := e.dataItem(w, r, call)
	if !ok {
		return
	}
	q := r.URL.Query()
	withPath, detail := parseBoolParam(q, paramIncludePathInProject)
	if detail != "" {
		writeBadInput(w, detail)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, dmDocument{
		JSONAPI:  jsonAPI10(),
		Links:    topLinks{Self: selfLink(d.base, itemPath(d.p.ID, it.id), q)},
		Data:     d.item(it, viewOne, withPath),
		Included: []versionResource{d.version(it.tip())},
	})
}

// getItemTip serves GET .../items/{item_id}/tip: the tip version, whose
// self link (as in the example) is the version's own URL.
func (e *Emulator) getItemTip(w http.ResponseWriter, r *http.Request, call dmCall) {
	d, it, ok := e.dataItem(w, r, call)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, dmDocument{
		JSONAPI: jsonAPI10(),
		Links:   topLinks{Self: link{Href: d.versionHref(it.tip().ID)}},
		Data:    d.version(it.tip()),
	})
}

// listItemVersions serves GET .../items/{item_id}/versions: newest first,
// paginated before filtering (filter[versionNumber], filter[id],
// filter[extension.type] or any other version field).
func (e *Emulator) listItemVersions(w http.ResponseWriter, r *http.Request, call dmCall) {
	d, it, ok := e.dataItem(w, r, call)
	if !ok {
		return
	}
	q := r.URL.Query()
	number, limit, detail := parsePage(q)
	if detail != "" {
		writeBadInput(w, detail)
		return
	}
	conds, detail := parseConditions(q)
	if detail != "" {
		writeBadInput(w, detail)
		return
	}
	newest := make([]*dmVersion, 0, len(it.versions))
	for i := len(it.versions) - 1; i >= 0; i-- {
		newest = append(newest, it.versions[i])
	}
	page, more := pageOf(newest, number, limit)
	data := []versionResource{}
	for _, v := range page {
		if matchAll(conds, versionFields(it, v)) {
			data = append(data, d.version(v))
		}
	}
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, dmDocument{
		JSONAPI: jsonAPI10(),
		Links:   d.pageLinks(itemPath(d.p.ID, it.id)+"/versions", q, number, more),
		Data:    data,
	})
}

// getVersion serves GET /data/v1/projects/{project_id}/versions/{version_id}.
func (e *Emulator) getVersion(w http.ResponseWriter, r *http.Request, call dmCall) {
	d, ok := e.dataProject(w, r, call)
	if !ok {
		return
	}
	v, ok := d.c.versions[call.versionID]
	if !ok {
		writeDMNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, dmDocument{
		JSONAPI: jsonAPI10(),
		Links:   topLinks{Self: selfLink(d.base, versionPath(d.p.ID, v.ID), r.URL.Query())},
		Data:    d.version(v),
	})
}
