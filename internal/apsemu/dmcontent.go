package apsemu

import (
	"net/http"
	"strconv"
)

// DM query parameters of the content endpoints.
const (
	paramIncludeHidden        = "includeHidden"
	paramExcludeDeleted       = "excludeDeleted"
	paramProjectFilesOnly     = "projectFilesOnly"
	paramIncludePathInProject = "includePathInProject"
)

// flag reads an optional boolean query parameter, false when absent.
func (qr *queryReader) flag(name string) bool {
	if !qr.q.Has(name) {
		return false
	}
	v, err := strconv.ParseBool(qr.q.Get(name))
	if err != nil {
		qr.fail("The " + name + " parameter must be true or false.")
	}
	return v
}

// dataProject resolves the project of a /data/ request for the caller,
// answering 404 (unknown or invisible project) or 403 (unreachable hub)
// itself.
func (e *Emulator) dataProject(w http.ResponseWriter, c *call) (dmRenderer, bool) {
	p, h, ok := e.findProject(c.param("project_id"))
	if !ok || !e.seesHub(c.token, h.ID) {
		writeDMNotFound(w)
		return dmRenderer{}, false
	}
	if !reachable(w, h) {
		return dmRenderer{}, false
	}
	return dmRenderer{jsonAPI: jsonAPIOf(c), p: p, c: e.contentOf(p)}, true
}

// dataFolder resolves the folder of a folders/... request, answering
// itself when the project or folder is unknown.
func (e *Emulator) dataFolder(w http.ResponseWriter, c *call) (dmRenderer, *dmFolder, bool) {
	d, ok := e.dataProject(w, c)
	if !ok {
		return dmRenderer{}, nil, false
	}
	f, ok := found(w, d.c.folders, c.param("folder_id"))
	return d, f, ok
}

// dataItem resolves the item of an items/... request, answering itself
// when the project or item is unknown.
func (e *Emulator) dataItem(w http.ResponseWriter, c *call) (dmRenderer, *dmItem, bool) {
	d, ok := e.dataProject(w, c)
	if !ok {
		return dmRenderer{}, nil, false
	}
	it, ok := found(w, d.c.items, c.param("item_id"))
	return d, it, ok
}

// found looks id up in a project's content, answering 404 itself when it
// is not there.
func found[T any](w http.ResponseWriter, m map[string]*T, id string) (*T, bool) {
	v, ok := m[id]
	if !ok {
		writeDMNotFound(w)
	}
	return v, ok
}

// listTopFolders serves GET /project/v1/hubs/{hub_id}/projects/{project_id}/topFolders:
// every top folder, unpaginated. excludeDeleted=true leaves hidden folders
// out (by default they are listed, as the spec says); projectFilesOnly=true
// keeps only "Project Files".
func (e *Emulator) listTopFolders(w http.ResponseWriter, c *call) {
	h, p, ok := e.dmProject(w, c)
	if !ok {
		return
	}
	qr := newQueryReader(c)
	excludeDeleted := qr.flag(paramExcludeDeleted)
	filesOnly := qr.flag(paramProjectFilesOnly)
	if !qr.valid(w, writeBadInput) {
		return
	}
	d := dmRenderer{jsonAPI: jsonAPIOf(c), p: p, c: e.contentOf(p)}
	data := []folderResource{}
	for _, id := range d.c.folders[d.c.root].folders {
		f := d.c.folders[id]
		if (excludeDeleted && f.Hidden) || (filesOnly && !f.projectFiles) {
			continue
		}
		data = append(data, d.folder(f, viewTop))
	}
	writeDocument(w, d.document(projectPath(h.ID, p.ID)+"/topFolders", data))
}

// getFolder serves GET /data/v1/projects/{project_id}/folders/{folder_id}.
func (e *Emulator) getFolder(w http.ResponseWriter, c *call) {
	d, f, ok := e.dataFolder(w, c)
	if !ok {
		return
	}
	writeDocument(w, d.document(folderPath(d.p.ID, f.ID), d.folder(f, viewOne)))
}

// listFolderContents serves GET .../folders/{folder_id}/contents: the
// folder's subfolders then items (each by name), paginated with
// page[number] and page[limit] before the filters apply, as DM does.
// Hidden (deleted) entries are left out unless includeHidden=true or a
// filter names "hidden"; included holds the tip versions of the items on
// the page.
func (e *Emulator) listFolderContents(w http.ResponseWriter, c *call) {
	d, f, ok := e.dataFolder(w, c)
	if !ok {
		return
	}
	qr := newQueryReader(c)
	number, limit := qr.page()
	includeHidden := qr.flag(paramIncludeHidden)
	conds := qr.conditions()
	if !qr.valid(w, writeBadInput) {
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
	writeDocument(w, withIncluded(d.page(folderPath(d.p.ID, f.ID)+"/contents", number, more, data), included))
}

// searchFolder serves GET .../folders/{folder_id}/search: the tip versions
// of the visible items in the folder and all its visible subfolders (each
// folder's items by name, then its subfolders depth-first), with the
// items in included. Any version field can be filtered on, e.g.
// filter[displayName]-contains=Tower or filter[fileType]=rvt,dwg. The spec
// documents only page[number]; pages hold 200 versions (page[limit] is
// honoured too) and, as elsewhere in DM, are cut before filtering.
func (e *Emulator) searchFolder(w http.ResponseWriter, c *call) {
	d, f, ok := e.dataFolder(w, c)
	if !ok {
		return
	}
	qr := newQueryReader(c)
	number, limit := qr.page()
	conds := qr.conditions()
	if !qr.valid(w, writeBadInput) {
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
	writeDocument(w, withIncluded(d.page(folderPath(d.p.ID, f.ID)+"/search", number, more, data), included))
}

// getItem serves GET /data/v1/projects/{project_id}/items/{item_id}, with
// the tip version in included; includePathInProject=true adds
// pathInProject, the path of the item's folder from the project's root.
func (e *Emulator) getItem(w http.ResponseWriter, c *call) {
	d, it, ok := e.dataItem(w, c)
	if !ok {
		return
	}
	qr := newQueryReader(c)
	withPath := qr.flag(paramIncludePathInProject)
	if !qr.valid(w, writeBadInput) {
		return
	}
	doc := d.document(itemPath(d.p.ID, it.id), d.item(it, viewOne, withPath))
	writeDocument(w, withIncluded(doc, []versionResource{d.version(it.tip())}))
}

// getItemTip serves GET .../items/{item_id}/tip: the tip version, whose
// self link (as in the example) is the version's own URL.
func (e *Emulator) getItemTip(w http.ResponseWriter, c *call) {
	d, it, ok := e.dataItem(w, c)
	if !ok {
		return
	}
	tip := jsonAPI{base: d.base} // the version's URL, without the request's query
	writeDocument(w, tip.document(versionPath(d.p.ID, it.tip().ID), d.version(it.tip())))
}

// listItemVersions serves GET .../items/{item_id}/versions: newest first,
// paginated before filtering (filter[versionNumber], filter[id],
// filter[extension.type] or any other version field).
func (e *Emulator) listItemVersions(w http.ResponseWriter, c *call) {
	d, it, ok := e.dataItem(w, c)
	if !ok {
		return
	}
	qr := newQueryReader(c)
	number, limit := qr.page()
	conds := qr.conditions()
	if !qr.valid(w, writeBadInput) {
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
	writeDocument(w, d.page(itemPath(d.p.ID, it.id)+"/versions", number, more, data))
}

// getVersion serves GET /data/v1/projects/{project_id}/versions/{version_id}.
func (e *Emulator) getVersion(w http.ResponseWriter, c *call) {
	d, ok := e.dataProject(w, c)
	if !ok {
		return
	}
	v, ok := found(w, d.c.versions, c.param("version_id"))
	if !ok {
		return
	}
	writeDocument(w, d.document(versionPath(d.p.ID, v.ID), d.version(v)))
}
