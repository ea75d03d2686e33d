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

// ossRoute is one OSS endpoint: a method, a path pattern below /oss/v2
// whose "{bucketKey}" and "{objectKey}" segments capture path parameters,
// the scopes of which the token needs one, and the handler.
type ossRoute struct {
	method  string
	pattern []string
	scopes  []string
	handle  func(e *Emulator, w http.ResponseWriter, r *http.Request, call ossCall)
}

// ossCall is what a handler gets: the caller's token and the decoded path
// parameters.
type ossCall struct {
	info      tokenInfo
	clientID  string
	bucketKey string
	objectKey string
}

// ossRoutes lists the implemented OSS endpoints.
func ossRoutes() []ossRoute {
	return []ossRoute{
		{http.MethodGet, []string{"buckets"}, []string{scopeBucketRead}, (*Emulator).listBuckets},
		{http.MethodPost, []string{"buckets"}, []string{scopeBucketCreate}, (*Emulator).createBucket},
		// oss.yaml lists viewables:read beside bucket:read for bucket details;
		// the emulator reads that as "either".
		{http.MethodGet, []string{"buckets", "{bucketKey}", "details"}, []string{scopeBucketRead, scopeViewablesRead}, (*Emulator).bucketDetails},
		{http.MethodGet, []string{"buckets", "{bucketKey}", "objects"}, []string{scopeDataRead}, (*Emulator).listObjects},
		{http.MethodDelete, []string{"buckets", "{bucketKey}", "objects", "{objectKey}"}, []string{scopeDataWrite}, (*Emulator).deleteObject},
		{http.MethodGet, []string{"buckets", "{bucketKey}", "objects", "{objectKey}", "details"}, []string{scopeDataRead}, (*Emulator).objectDetails},
		{http.MethodGet, []string{"buckets", "{bucketKey}", "objects", "{objectKey}", "signeds3download"}, []string{scopeDataRead}, (*Emulator).signedS3Download},
	}
}

// serveOSS handles everything under /oss/ in gateway order: token, route,
// method, scope, then the service itself.
func (e *Emulator) serveOSS(w http.ResponseWriter, r *http.Request) {
	info, ok := e.authenticateBearer(w, r)
	if !ok {
		return
	}
	segs, err := splitPath(r.URL.EscapedPath())
	if err != nil {
		writeOSSError(w, http.StatusBadRequest, reasonInvalidPath)
		return
	}
	route, call, allowed := matchOSSRoute(segs, r.Method)
	switch {
	case len(allowed) == 0:
		writeOSSError(w, http.StatusNotFound, reasonNoSuchResource)
		return
	case route.handle == nil:
		setAllow(w, allowed...)
		writeOSSError(w, http.StatusMethodNotAllowed, reasonMethodNotAllowed)
		return
	}
	if !requireScope(w, info, route.scopes...) {
		return
	}
	call.info, call.clientID = info, info.clientID
	route.handle(e, w, r, call)
}

// splitPath splits an escaped path on "/" and unescapes each segment on its
// own, so an encoded "%2F" stays inside its segment (object keys may hold "/").
func splitPath(escaped string) ([]string, error) {
	segs := strings.Split(strings.TrimPrefix(escaped, "/"), "/")
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, err
		}
		segs[i] = u
	}
	return segs, nil
}

// matchOSSRoute finds the route for decoded segments ("oss", "v2", ...)
// and method. allowed lists the methods the path has routes for (empty: an
// unknown path); the route's handler is nil when method is not among them.
func matchOSSRoute(segs []string, method string) (route ossRoute, call ossCall, allowed []string) {
	if len(segs) < 2 || segs[0] != "oss" || segs[1] != "v2" {
		return ossRoute{}, ossCall{}, nil
	}
	rest := segs[2:]
	for _, rt := range ossRoutes() {
		c, ok := matchPattern(rt.pattern, rest)
		if !ok {
			continue
		}
		allowed = append(allowed, rt.method)
		if rt.method == method {
			route, call = rt, c
		}
	}
	return route, call, allowed
}

// matchPattern matches segments against a route pattern, capturing params.
func matchPattern(pattern, segs []string) (ossCall, bool) {
	var call ossCall
	if len(pattern) != len(segs) {
		return call, false
	}
	for i, p := range pattern {
		switch p {
		case "{bucketKey}":
			call.bucketKey = segs[i]
		case "{objectKey}":
			call.objectKey = segs[i]
		default:
			if segs[i] != p {
				return call, false
			}
		}
	}
	return call, true
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
func (e *Emulator) listBuckets(w http.ResponseWriter, r *http.Request, call ossCall) {
	q := r.URL.Query()
	region, ok := requestRegion(r)
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
	owned := e.bucketsLocked(func(b Bucket) bool { return b.Owner == call.clientID && b.Region == region })
	e.mu.Unlock()
	page, more := paginate(owned, func(b Bucket) string { return b.Key }, q.Get("startAt"), limit)

	body := bucketList{Items: make([]bucketItem, 0, len(page))}
	for _, b := range page {
		body.Items = append(body.Items, bucketItem{BucketKey: b.Key, CreatedDate: b.CreatedDate, PolicyKey: b.PolicyKey})
	}
	if more {
		body.Next = baseURL(r) + "/oss/v2/buckets?region=" + url.QueryEscape(region) +
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
func (e *Emulator) bucketDetails(w http.ResponseWriter, r *http.Request, call ossCall) {
	b, ok := e.ownedBucket(w, call, accessRead)
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
func (e *Emulator) listObjects(w http.ResponseWriter, r *http.Request, call ossCall) {
	b, ok := e.ownedBucket(w, call, accessRead)
	if !ok {
		return
	}
	q := r.URL.Query()
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

	base := baseURL(r)
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
func (e *Emulator) objectDetails(w http.ResponseWriter, r *http.Request, call ossCall) {
	b, ok := e.ownedBucket(w, call, accessRead)
	if !ok {
		return
	}
	o, ok := e.object(b.Key, call.objectKey)
	if !ok {
		writeOSSError(w, http.StatusNotFound, reasonObjectNotFound)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeOSSJSON, toObjectItem(baseURL(r), o))
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
func (e *Emulator) ownedBucket(w http.ResponseWriter, call ossCall, need string) (ossBucket, bool) {
	b, ok := e.existingBucket(w, call)
	if !ok {
		return ossBucket{}, false
	}
	if !b.grants(call.clientID, need) {
		writeOSSError(w, http.StatusForbidden, reasonNotOwner)
		return ossBucket{}, false
	}
	return b, true
}

// existingBucket resolves the path's bucket whoever asks, answering 400 or
// 404 itself when the key is malformed or unknown.
func (e *Emulator) existingBucket(w http.ResponseWriter, call ossCall) (ossBucket, bool) {
	if !validBucketKey(call.bucketKey) {
		writeOSSError(w, http.StatusBadRequest, reasonInvalidBucketKey)
		return ossBucket{}, false
	}
	b, ok := e.bucket(call.bucketKey)
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

// baseURL is the scheme and host the client used, so next and location links
// point back at the emulator rather than at developer.api.autodesk.com.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
