package apsemu

import (
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
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
	Links webLinks `json:"links"`
}

type folderAttributes struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	changes
	LastModifiedTimeRollup string    `json:"lastModifiedTimeRollup"`
	Path                   string    `json:"path,omitempty"`
	ObjectCount            int       `json:"objectCount"`
	Hidden                 bool      `json:"hidden"`
	Extension              extension `json:"extension"`
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

type itemAttributes struct {
	DisplayName string `json:"displayName"`
	changes
	LastModifiedTimeRollup string    `json:"lastModifiedTimeRollup,omitempty"`
	Hidden                 bool      `json:"hidden"`
	Reserved               bool      `json:"reserved"`
	ReservedTime           string    `json:"reservedTime,omitempty"`
	ReservedUserID         string    `json:"reservedUserId,omitempty"`
	ReservedUserName       string    `json:"reservedUserName,omitempty"`
	Extension              extension `json:"extension"`
	PathInProject          string    `json:"pathInProject,omitempty"`
}

type itemRelationships struct {
	Tip      dataRelation `json:"tip"`
	Versions linksOnly    `json:"versions"`
	Parent   dataRelation `json:"parent"`
	Refs     refsRelation `json:"refs"`
	Links    selfRelation `json:"links"`
}

type versionAttributes struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	changes
	VersionNumber int       `json:"versionNumber"`
	MimeType      string    `json:"mimeType"`
	FileType      string    `json:"fileType"`
	StorageSize   int64     `json:"storageSize"`
	Extension     extension `json:"extension"`
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
	jsonAPI
	p Project
	c *dmContent
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
	return selfRelation{Links: webLinks{Self: link{Href: href + "/relationships/links"}}}
}

// folder renders f as view shows it.
func (d dmRenderer) folder(f *dmFolder, view dmView) folderResource {
	self := d.folderHref(f.ID)
	res := folderResource{
		Type: "folders",
		ID:   f.ID,
		Attributes: folderAttributes{
			Name:                   f.Name,
			DisplayName:            f.Name,
			changes:                changedBy(f.created, f.user, f.created, f.user),
			LastModifiedTimeRollup: dmTime(f.rollup),
			ObjectCount:            len(f.folders) + len(f.items),
			Hidden:                 f.Hidden,
			Extension:              d.folderExtension(f, view),
		},
		Links:         webLinks{Self: link{Href: self}},
		Relationships: folderRelationships{Refs: refs(self), Links: selfRel(self), Contents: related(self + "/contents")},
	}
	if view == viewContents {
		res.Attributes.Path = d.c.pathOf(f.ID)
	} else {
		res.Links.WebView = d.webView(f.ID, "")
	}
	if f.ParentID != "" {
		parent := relation(d.folderHref(f.ParentID), "folders", f.ParentID)
		res.Relationships.Parent = &parent
	}
	return res
}

// folderExtension is a folder's extension; BIM 360/ACC folders carry the
// allowed and visible types of the examples, top folders their place in
// the hierarchy too.
func (d dmRenderer) folderExtension(f *dmFolder, view dmView) extension {
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
	return newExtension(d.base, f.extType, "1.0", data)
}

// item renders it as view shows it; withPath adds pathInProject.
func (d dmRenderer) item(it *dmItem, view dmView, withPath bool) itemResource {
	self := d.itemHref(it.id)
	first, tip := it.versions[0], it.tip()
	ext := newExtension(d.base, itemTypeFile, "1.0", nil)
	if it.c4r {
		ext = newExtension(d.base, itemTypeC4R, "1.0.0", map[string]any{"sourceFileName": it.name})
	}
	res := itemResource{
		Type: "items",
		ID:   it.id,
		Attributes: itemAttributes{
			DisplayName: it.name,
			changes:     changedBy(first.created, first.user, tip.created, tip.user),
			Hidden:      it.hidden,
			Extension:   ext,
		},
		Links: webLinks{Self: link{Href: self}},
		Relationships: itemRelationships{
			Tip:      relation(self+"/tip", "versions", tip.ID),
			Versions: related(self + "/versions"),
			Parent:   relation(d.folderHref(it.folderID), "folders", it.folderID),
			Refs:     refs(self),
			Links:    selfRel(self),
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
			Name:          v.Name,
			DisplayName:   v.Name,
			changes:       changedBy(v.created, v.user, v.created, v.user),
			VersionNumber: v.Number,
			MimeType:      dmMimeType(ext),
			FileType:      ext,
			StorageSize:   v.size,
			Extension:     d.versionExtension(it, v),
		},
		Links: webLinks{Self: link{Href: self}, WebView: d.webView(it.folderID, v.ID)},
		Relationships: versionRelationships{
			Item:  relation(d.itemHref(it.id), "items", it.id),
			Refs:  refs(self),
			Links: selfRel(self),
			Storage: metaRelated("objects", v.StorageID,
				d.base+"/oss/v2/buckets/"+dmStorageBucket+"/objects/"+url.PathEscape(storageKey)+d.scopesQuery()),
			Derivatives:     metaRelated("derivatives", v.DerivativeURN, md+"/manifest"+d.scopesQuery()),
			Thumbnails:      metaRelated("thumbnails", v.DerivativeURN, md+"/thumbnail"+d.scopesQuery()),
			DownloadFormats: related(self + "/downloadFormats"),
		},
	}
}

// versionExtension is a version's extension: the File example's data, or
// for Revit cloud models the C4RModel example's.
func (d dmRenderer) versionExtension(it *dmItem, v *dmVersion) extension {
	if !it.c4r {
		return newExtension(d.base, versionTypeFile, "1.0", map[string]any{
			"tempUrn":          nil,
			"properties":       map[string]any{},
			"storageUrn":       v.StorageID,
			"storageType":      "OSS",
			"conformingStatus": "NONE",
		})
	}
	bare := strings.TrimPrefix(d.p.ID, bim360AccountPrefix)
	return newExtension(d.base, versionTypeC4R, "1.0.0", map[string]any{
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
