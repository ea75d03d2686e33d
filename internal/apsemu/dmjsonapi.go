package apsemu

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// contentTypeJSONAPI is the JSON:API media type DM answers with. The spec
// declares application/json; the exact header is unverified, and clients
// should accept both.
const contentTypeJSONAPI = "application/vnd.api+json"

// jsonAPIVersion is the top-level "jsonapi" member.
type jsonAPIVersion struct {
	Version string `json:"version"`
}

// jsonAPI10 is the only JSON:API version DM speaks.
func jsonAPI10() jsonAPIVersion { return jsonAPIVersion{Version: "1.0"} }

// link is a JSON:API link object.
type link struct {
	Href string `json:"href"`
}

// topLinks are a document's links; first, prev and next only on pages.
type topLinks struct {
	Self  link  `json:"self"`
	First *link `json:"first,omitempty"`
	Prev  *link `json:"prev,omitempty"`
	Next  *link `json:"next,omitempty"`
}

// dmDocument is a successful DM response body.
type dmDocument struct {
	JSONAPI jsonAPIVersion `json:"jsonapi"`
	Links   topLinks       `json:"links"`
	Data    any            `json:"data"`
	// Included holds the tip versions of listed items (folder contents,
	// get item) or the items of listed versions (search).
	Included any     `json:"included,omitempty"`
	Meta     *dmMeta `json:"meta,omitempty"`
}

// dmMeta carries the hub listing's partial-failure warnings.
type dmMeta struct {
	Warnings []hubWarning `json:"warnings"`
}

// hubWarning is one meta.warnings entry, capitalised keys and nulls exactly
// as NOTES §5 quotes them.
type hubWarning struct {
	ID             *string `json:"Id"`
	HTTPStatusCode string  `json:"HttpStatusCode"`
	ErrorCode      string  `json:"ErrorCode"`
	Title          string  `json:"Title"`
	Detail         string  `json:"Detail"`
	AboutLink      *string `json:"AboutLink"`
	Source         *string `json:"Source"`
	Meta           any     `json:"meta"`
}

// dmErrorDocument is a JSON:API error body.
type dmErrorDocument struct {
	JSONAPI jsonAPIVersion `json:"jsonapi"`
	Errors  []dmError      `json:"errors"`
}

// dmError is one JSON:API error object.
type dmError struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// jsonAPI builds the documents of one DM request: links are absolute on
// the scheme and host the client used and carry its query re-encoded.
type jsonAPI struct {
	base string
	q    url.Values
}

// jsonAPIOf is the document builder for c.
func jsonAPIOf(c *call) jsonAPI { return jsonAPI{base: c.base(), q: c.query()} }

// document is the answer for the resource or collection at path (escaped):
// data, with the request's own URL as the self link.
func (j jsonAPI) document(path string, data any) dmDocument {
	return dmDocument{JSONAPI: jsonAPI10(), Links: topLinks{Self: selfLink(j.base, path, j.q)}, Data: data}
}

// page is the answer for page number of the collection at path: self,
// first and prev after the first page, next while more pages remain.
func (j jsonAPI) page(path string, number int, more bool, data any) dmDocument {
	doc := j.document(path, data)
	if number > 0 {
		doc.Links.First = pageLink(j.base, path, j.q, 0)
		doc.Links.Prev = pageLink(j.base, path, j.q, number-1)
	}
	if more {
		doc.Links.Next = pageLink(j.base, path, j.q, number+1)
	}
	return doc
}

// withIncluded sets d's included resources, leaving the member out when
// there are none.
func withIncluded[T any](d dmDocument, included []T) dmDocument {
	if len(included) > 0 {
		d.Included = included
	}
	return d
}

// writeDocument sends d as a 200 answer.
func writeDocument(w http.ResponseWriter, d dmDocument) {
	writeJSON(w, http.StatusOK, contentTypeJSONAPI, d)
}

// selfLink is the request's own absolute URL with its query re-encoded.
func selfLink(base, path string, q url.Values) link {
	href := base + path
	if len(q) > 0 {
		href += "?" + q.Encode()
	}
	return link{Href: href}
}

// pageLink is the absolute URL of another page: the request's query (page
// size and filters included) with page[number] replaced, encoded.
func pageLink(base, path string, q url.Values, number int) *link {
	next := url.Values{}
	for k, v := range q {
		next[k] = slices.Clone(v)
	}
	next.Set(paramPageNumber, strconv.Itoa(number))
	l := link{Href: base + path + "?" + next.Encode()}
	return &l
}

// escapeID percent-encodes an ID as one path segment, leaving only RFC 3986
// unreserved characters bare: DM links encode ':', '?' and '=' inside IDs
// (NOTES §1.3), which url.PathEscape would leave alone.
func escapeID(id string) string {
	return strings.ReplaceAll(url.QueryEscape(id), "+", "%20")
}

// writeDMError sends a JSON:API error body with a fresh error id.
func writeDMError(w http.ResponseWriter, status int, code, title, detail string) {
	writeJSON(w, status, contentTypeJSONAPI, dmErrorDocument{
		JSONAPI: jsonAPI10(),
		Errors:  []dmError{{ID: newUUID(), Status: strconv.Itoa(status), Code: code, Title: title, Detail: detail}},
	})
}

// writeDMNotFound answers an unknown hub, project, folder, item, version or path.
func writeDMNotFound(w http.ResponseWriter) {
	writeDMError(w, http.StatusNotFound, dmCodeNotFound, "Not Found", dmDetailNotFound)
}

// writeBadInput answers 400 BAD_INPUT with detail.
func writeBadInput(w http.ResponseWriter, detail string) {
	writeDMError(w, http.StatusBadRequest, dmCodeBadInput, "Bad Input", detail)
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return formatUUID(b)
}

// formatUUID stamps b as a version 4, RFC 4122 variant UUID and formats it.
func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
