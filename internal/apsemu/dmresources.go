package apsemu

import (
	"crypto/sha256"
	"encoding/base64"
	"time"
)

// resource is a JSON:API resource object of DM, members in the examples'
// order.
type resource[A, R any] struct {
	Type          string   `json:"type"`
	ID            string   `json:"id"`
	Attributes    A        `json:"attributes"`
	Links         webLinks `json:"links"`
	Relationships R        `json:"relationships"`
}

// The DM resources the emulator serves.
type (
	hubResource     = resource[hubAttributes, hubRelationships]
	projectResource = resource[projectAttributes, projectRelationships]
	folderResource  = resource[folderAttributes, folderRelationships]
	itemResource    = resource[itemAttributes, itemRelationships]
	versionResource = resource[versionAttributes, versionRelationships]
)

// webLinks are a resource's links: self, and webView where the examples
// have it.
type webLinks struct {
	Self    link  `json:"self"`
	WebView *link `json:"webView,omitempty"`
}

// extension is a resource's attributes.extension.
type extension struct {
	Type    string         `json:"type"`
	Version string         `json:"version"`
	Schema  link           `json:"schema"`
	Data    map[string]any `json:"data"`
}

// newExtension builds attributes.extension with its schema link; data is
// never null on the wire.
func newExtension(base, extType, version string, data map[string]any) extension {
	if data == nil {
		data = map[string]any{}
	}
	return extension{
		Type:    extType,
		Version: version,
		Schema:  link{Href: base + "/schema/v1/versions/" + escapeID(extType+"-"+version)},
		Data:    data,
	}
}

// relatedLinks points at a related collection or resource.
type relatedLinks struct {
	Related link `json:"related"`
}

// linksOnly is a relationship with links and no linkage.
type linksOnly struct {
	Links relatedLinks `json:"links"`
}

// related is the relationship whose related link is href.
func related(href string) linksOnly {
	return linksOnly{Links: relatedLinks{Related: link{Href: href}}}
}

// resourceIdentifier is a JSON:API resource linkage.
type resourceIdentifier struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// hubLinkage is a project's hub: linkage, then its related link.
type hubLinkage struct {
	Data  resourceIdentifier `json:"data"`
	Links relatedLinks       `json:"links"`
}

// dataRelation is a relationship with a related link, then linkage.
type dataRelation struct {
	Links relatedLinks       `json:"links"`
	Data  resourceIdentifier `json:"data"`
}

// relation is the relationship to the resource of type kind and id at href.
func relation(href, kind, id string) dataRelation {
	return dataRelation{Links: relatedLinks{Related: link{Href: href}}, Data: resourceIdentifier{Type: kind, ID: id}}
}

// metaRelation is a relationship with linkage and a meta link (a project's
// root folder; a version's storage, derivatives and thumbnails).
type metaRelation struct {
	Data resourceIdentifier `json:"data"`
	Meta linkMeta           `json:"meta"`
}

type linkMeta struct {
	Link link `json:"link"`
}

// metaRelated is the relationship to the resource of type kind and id
// whose meta link is href.
func metaRelated(kind, id, href string) metaRelation {
	return metaRelation{Data: resourceIdentifier{Type: kind, ID: id}, Meta: linkMeta{Link: link{Href: href}}}
}

type hubAttributes struct {
	Name      string    `json:"name"`
	Extension extension `json:"extension"`
	Region    string    `json:"region"`
}

type hubRelationships struct {
	Projects linksOnly `json:"projects"`
}

type projectAttributes struct {
	Name      string    `json:"name"`
	Scopes    []string  `json:"scopes"`
	Extension extension `json:"extension"`
}

type projectRelationships struct {
	Hub        hubLinkage   `json:"hub"`
	RootFolder metaRelation `json:"rootFolder"`
	TopFolders linksOnly    `json:"topFolders"`
}

// toHubResource renders a hub with absolute links.
func toHubResource(base string, h Hub) hubResource {
	self := base + hubPath(h.ID)
	return hubResource{
		Type:          "hubs",
		ID:            h.ID,
		Attributes:    hubAttributes{Name: h.Name, Extension: newExtension(base, h.Type, "1.0", nil), Region: h.Region},
		Links:         webLinks{Self: link{Href: self}},
		Relationships: hubRelationships{Projects: related(self + "/projects")},
	}
}

// toProjectResource renders a project with absolute links.
func toProjectResource(base string, p Project) projectResource {
	var data map[string]any
	if p.ProjectType != "" {
		data = map[string]any{"projectType": p.ProjectType}
	}
	folder := rootFolderID(p.ID)
	self := base + projectPath(p.HubID, p.ID)
	return projectResource{
		Type: "projects",
		ID:   p.ID,
		Attributes: projectAttributes{
			Name:      p.Name,
			Scopes:    []string{"global"},
			Extension: newExtension(base, p.Type, "1.0", data),
		},
		Links: webLinks{Self: link{Href: self}},
		Relationships: projectRelationships{
			Hub: hubLinkage{
				Data:  resourceIdentifier{Type: "hubs", ID: p.HubID},
				Links: relatedLinks{Related: link{Href: base + hubPath(p.HubID)}},
			},
			RootFolder: metaRelated("folders", folder, base+folderPath(p.ID, folder)),
			TopFolders: related(self + "/topFolders"),
		},
	}
}

// rootFolderID derives a stable, realistic-looking root folder URN.
func rootFolderID(projectID string) string {
	sum := sha256.Sum256([]byte("apsemu root folder " + projectID))
	return "urn:adsk.wipprod:fs.folder:co." + base64.RawURLEncoding.EncodeToString(sum[:])[:22]
}

// hubPath, projectPath, folderPath, itemPath and versionPath are the
// escaped API paths of DM resources.
func hubPath(hubID string) string {
	return "/project/v1/hubs/" + escapeID(hubID)
}

func projectPath(hubID, projectID string) string {
	return hubPath(hubID) + "/projects/" + escapeID(projectID)
}

func folderPath(projectID, id string) string {
	return dataPath(projectID, "folders", id)
}

func itemPath(projectID, id string) string {
	return dataPath(projectID, "items", id)
}

func versionPath(projectID, id string) string {
	return dataPath(projectID, "versions", id)
}

// dataPath is the escaped /data/v1 path of a project's resource of a kind.
func dataPath(projectID, kind, id string) string {
	return "/data/v1/projects/" + escapeID(projectID) + "/" + kind + "/" + escapeID(id)
}

// changes are the creation and modification members folders, items and
// versions share, in the examples' order.
type changes struct {
	CreateTime           string `json:"createTime"`
	CreateUserID         string `json:"createUserId"`
	CreateUserName       string `json:"createUserName"`
	LastModifiedTime     string `json:"lastModifiedTime"`
	LastModifiedUserID   string `json:"lastModifiedUserId"`
	LastModifiedUserName string `json:"lastModifiedUserName"`
}

// changedBy is the changes of a resource created at created by creator and
// last modified at modified by modifier.
func changedBy(created time.Time, creator string, modified time.Time, modifier string) changes {
	return changes{
		CreateTime:           dmTime(created),
		CreateUserID:         creator,
		CreateUserName:       demoDMUserName(creator),
		LastModifiedTime:     dmTime(modified),
		LastModifiedUserID:   modifier,
		LastModifiedUserName: demoDMUserName(modifier),
	}
}
