package apsemu

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Page size bounds shared by the OSS list endpoints.
const (
	defaultPageLimit = 10
	maxPageLimit     = 100
)

// OSS reasons. "Invalid limit", "Bucket not found" and "Object does not
// exist" follow the docs; the others are the emulator's own wording.
const (
	reasonInvalidLimit     = "Invalid limit"
	reasonInvalidRegion    = "Invalid region"
	reasonInvalidBucketKey = "Invalid bucket key: it must match ^[-_.a-z0-9]{3,128}$"
	reasonInvalidPath      = "Invalid path encoding"
	reasonBucketNotFound   = "Bucket not found"
	reasonNotOwner         = "Only the bucket creator is allowed to access this api."
	reasonObjectNotFound   = "Object does not exist"
	reasonNoSuchResource   = "The requested resource does not exist."
	reasonMethodNotAllowed = "Method not allowed"
)

// isOSSRegion reports whether s is in oss.yaml's region enum (APAC is legacy
// but still listed). Values are case-sensitive, as the enum is.
func isOSSRegion(s string) bool {
	switch s {
	case "US", "EMEA", "AUS", "APAC", "CAN", "DEU", "IND", "JPN", "GBR":
		return true
	}
	return false
}

// ossErrors are OSS's own answers for requests no handler serves, in its
// {"reason": ...} shape.
func ossErrors() apiErrors {
	return apiErrors{
		badPath:  answer(writeOSSError, http.StatusBadRequest, reasonInvalidPath),
		notFound: answer(writeOSSError, http.StatusNotFound, reasonNoSuchResource),
		method:   answer(writeOSSError, http.StatusMethodNotAllowed, reasonMethodNotAllowed),
	}
}

// bucketItem is one entry of GET /oss/v2/buckets.
type bucketItem struct {
	BucketKey   string `json:"bucketKey"`
	CreatedDate int64  `json:"createdDate"`
	PolicyKey   string `json:"policyKey"`
}

// bucketList is the body of GET /oss/v2/buckets.
type bucketList struct {
	Items []bucketItem `json:"items"`
	Next  string       `json:"next,omitempty"`
}

// permission is one entry of a bucket's permissions.
type permission struct {
	AuthID string `json:"authId"`
	Access string `json:"access"`
}

// bucketDetail is the body of GET /oss/v2/buckets/{bucketKey}/details.
type bucketDetail struct {
	BucketKey   string       `json:"bucketKey"`
	BucketOwner string       `json:"bucketOwner"`
	CreatedDate int64        `json:"createdDate"`
	Permissions []permission `json:"permissions"`
	PolicyKey   string       `json:"policyKey"`
}

// objectItem is an object as the list and details endpoints report it.
type objectItem struct {
	BucketKey   string `json:"bucketKey"`
	ObjectKey   string `json:"objectKey"`
	ObjectID    string `json:"objectId"`
	SHA1        string `json:"sha1"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
	Location    string `json:"location"`
}

// objectList is the body of GET /oss/v2/buckets/{bucketKey}/objects.
type objectList struct {
	Items []objectItem `json:"items"`
	Next  string       `json:"next,omitempty"`
}

// listBuckets serves GET /oss/v2/buckets: the caller's buckets in one region.
func (e *Emulator) listBuckets(w http.ResponseWriter, c *call) {
	q := c.query()
	region, ok := requestRegion(c.r)
	if !ok {
		writeOSSError(w, http.StatusBadRequest, reasonInvalidRegion)
		return
	}
	limit, ok := parseLimit(q.Get("limit"))
	if !ok {
		writeOSSError(w, http.StatusBadRequest, reasonInvalidLimit)
		return
	}
	e.mu.Lock()
	owned := e.bucketsLocked(func(b Bucket) bool { return b.Owner == c.token.clientID && b.Region == region })
	e.mu.Unlock()
	page, more := paginate(owned, func(b Bucket) string { return b.Key }, q.Get("startAt"), limit)

	body := bucketList{Items: make([]bucketItem, 0, len(page))}
	for _, b := range page {
		body.Items = append(body.Items, bucketItem{BucketKey: b.Key, CreatedDate: b.CreatedDate, PolicyKey: b.PolicyKey})
	}
	if more {
		body.Next = c.base() + "/oss/v2/buckets?region=" + url.QueryEscape(region) +
			"&startAt=" + url.QueryEscape(page[len(page)-1].Key) + "&limit=" + strconv.Itoa(limit)
	}
	writeJSON(w, http.StatusOK, contentTypeOSSJSON, body)
}

// requestRegion picks the region: per the docs a "region" header wins over
// the query parameter; US when neither is given.
func requestRegion(r *http.Request) (string, bool) {
	region := r.Header.Get("region")
	if region == "" {
		region = r.URL.Query().Get("region")
	}
	if region == "" {
		return defaultRegion, true
	}
	return region, isOSSRegion(region)
}

// bucketDetails serves GET /oss/v2/buckets/{bucketKey}/details.
func (e *Emulator) bucketDetails(w http.ResponseWriter, c *call) {
	b, ok := e.ownedBucket(w, c, accessRead)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, contentTypeOSSJSON, toBucketDetail(b))
}

// toBucketDetail renders a bucket as its details (and its creation) report it.
func toBucketDetail(b ossBucket) bucketDetail {
	return bucketDetail{
		BucketKey:   b.Key,
		BucketOwner: b.Owner,
		CreatedDate: b.CreatedDate,
		Permissions: b.permissions(),
		PolicyKey:   b.PolicyKey,
	}
}

// listObjects serves GET /oss/v2/buckets/{bucketKey}/objects.
func (e *Emulator) listObjects(w http.ResponseWriter, c *call) {
	b, ok := e.ownedBucket(w, c, accessRead)
	if !ok {
		return
	}
	q := c.query()
	limit, ok := parseLimit(q.Get("limit"))
	if !ok {
		writeOSSError(w, http.StatusBadRequest, reasonInvalidLimit)
		return
	}
	beginsWith := q.Get("beginsWith")
	e.mu.Lock()
	objs := e.objectsLocked(b.Key, beginsWith)
	e.mu.Unlock()
	page, more := paginate(objs, func(o Object) string { return o.Key }, q.Get("startAt"), limit)

	base := c.base()
	body := objectList{Items: make([]objectItem, 0, len(page))}
	for _, o := range page {
		body.Items = append(body.Items, toObjectItem(base, o))
	}
	if more {
		body.Next = base + "/oss/v2/buckets/" + url.PathEscape(b.Key) + "/objects?startAt=" +
			url.QueryEscape(page[len(page)-1].Key) + "&limit=" + strconv.Itoa(limit)
		if beginsWith != "" {
			body.Next += "&beginsWith=" + url.QueryEscape(beginsWith)
		}
	}
	writeJSON(w, http.StatusOK, contentTypeOSSJSON, body)
}

// objectDetails serves GET /oss/v2/buckets/{bucketKey}/objects/{objectKey}/details.
// The optional "with" dates and If-Modified-Since are not emulated: the
// store keeps no timestamps, and APS omits those fields unless asked.
func (e *Emulator) objectDetails(w http.ResponseWriter, c *call) {
	b, ok := e.ownedBucket(w, c, accessRead)
	if !ok {
		return
	}
	o, ok := e.object(b.Key, c.param("objectKey"))
	if !ok {
		writeOSSError(w, http.StatusNotFound, reasonObjectNotFound)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeOSSJSON, toObjectItem(c.base(), o))
}

// Bucket access levels (oss.yaml's permission_access): "read" lets an app
// list, inspect and download objects, "full" also lets it delete them. The
// owner always has full access.
const (
	accessRead = "read"
	accessFull = "full"
)

// ownedBucket resolves the path's bucket for its owner, or for an app the
// bucket's creator granted need (or more) access, answering 400, 404 or
// 403 itself otherwise.
func (e *Emulator) ownedBucket(w http.ResponseWriter, c *call, need string) (ossBucket, bool) {
	b, ok := e.existingBucket(w, c)
	if !ok {
		return ossBucket{}, false
	}
	if !b.grants(c.token.clientID, need) {
		writeOSSError(w, http.StatusForbidden, reasonNotOwner)
		return ossBucket{}, false
	}
	return b, true
}

// existingBucket resolves the path's bucket whoever asks, answering 400 or
// 404 itself when the key is malformed or unknown.
func (e *Emulator) existingBucket(w http.ResponseWriter, c *call) (ossBucket, bool) {
	key := c.param("bucketKey")
	if !validBucketKey(key) {
		writeOSSError(w, http.StatusBadRequest, reasonInvalidBucketKey)
		return ossBucket{}, false
	}
	b, ok := e.bucket(key)
	if !ok {
		writeOSSError(w, http.StatusNotFound, reasonBucketNotFound)
		return ossBucket{}, false
	}
	return b, true
}

// grants reports whether clientID has need access to b.
func (b ossBucket) grants(clientID, need string) bool {
	if b.Owner == clientID {
		return true
	}
	for _, p := range b.allow {
		if p.AuthID == clientID && (p.Access == accessFull || need == accessRead) {
			return true
		}
	}
	return false
}

// permissions are a bucket's permissions as its details report them: the
// owner's full access, then the apps its creator allowed.
func (b ossBucket) permissions() []permission {
	out := []permission{{AuthID: b.Owner, Access: accessFull}}
	for _, p := range b.allow {
		if p.AuthID != b.Owner {
			out = append(out, p)
		}
	}
	return out
}

// toObjectItem renders an object. objectId carries the raw key, as OSS URNs
// do; location escapes it as one path segment so it can be fetched back.
func toObjectItem(base string, o Object) objectItem {
	return objectItem{
		BucketKey:   o.BucketKey,
		ObjectKey:   o.Key,
		ObjectID:    "urn:adsk.objects:os.object:" + o.BucketKey + "/" + o.Key,
		SHA1:        o.SHA1,
		Size:        o.Size,
		ContentType: o.ContentType,
		Location:    base + "/oss/v2/buckets/" + url.PathEscape(o.BucketKey) + "/objects/" + url.PathEscape(o.Key),
	}
}

// validBucketKey reports whether key matches ^[-_.a-z0-9]{3,128}$.
func validBucketKey(key string) bool {
	if len(key) < 3 || len(key) > 128 {
		return false
	}
	for _, c := range []byte(key) {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// parseLimit reads a page size: empty means the default, anything but an
// integer in 1..100 is invalid.
func parseLimit(raw string) (int, bool) {
	if raw == "" {
		return defaultPageLimit, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxPageLimit {
		return 0, false
	}
	return n, true
}

// paginate returns up to limit items whose key sorts after startAt (an
// exclusive cursor: the last key of the previous page) and whether more
// remain. items must be sorted by key.
func paginate[T any](items []T, key func(T) string, startAt string, limit int) ([]T, bool) {
	if startAt != "" {
		i, found := slices.BinarySearchFunc(items, startAt, func(it T, k string) int { return strings.Compare(key(it), k) })
		if found {
			i++
		}
		items = items[i:]
	}
	if len(items) > limit {
		return items[:limit], true
	}
	return items, false
}
