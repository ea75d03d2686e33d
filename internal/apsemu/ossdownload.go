package apsemu

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// s3PathPrefix starts the URLs of the emulated S3 that signed download URLs
// point at. S3 is not behind the APS gateway: no bearer token, no faults.
const s3PathPrefix = "/emulated-s3/"

// Signed download URL lifetimes in minutes (minutesExpiration, NOTES §4.5).
const (
	defaultSignedMinutes = 2
	maxSignedMinutes     = 60
)

// OSS reasons of signeds3download, the emulator's own wording.
const (
	reasonInvalidMinutes = "Invalid minutesExpiration: it must be an integer between 1 and 60"
	reasonInvalidBool    = "Invalid boolean query parameter"
)

// amzDateLayout is the X-Amz-Date format of AWS Signature Version 4.
const amzDateLayout = "20060102T150405Z"

// presignedURL is this emulator's S3 URL for token, its query v plus the
// members of a presigned S3 URL valid for ttl from now. Only the path's
// token matters; the signature is made up from it.
func presignedURL(base, token string, v url.Values, now time.Time, ttl time.Duration) string {
	v.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	v.Set("X-Amz-Date", now.UTC().Format(amzDateLayout))
	v.Set("X-Amz-Expires", strconv.Itoa(int(ttl/time.Second)))
	v.Set("X-Amz-SignedHeaders", "host")
	sig := sha256.Sum256([]byte("apsemu signed " + token))
	v.Set("X-Amz-Signature", hex.EncodeToString(sig[:]))
	return base + s3PathPrefix + token + "?" + v.Encode()
}

// signedDownload is what a signed S3 URL grants: one object, until expires,
// served with the response headers the caller asked for.
type signedDownload struct {
	bucketKey, objectKey string
	expires              time.Time
	params               signedParams
}

// signedParams are the response headers a signed URL's download gets; the
// signeds3download body echoes them as "params".
type signedParams struct {
	ContentType        string `json:"content-type"`
	ContentDisposition string `json:"content-disposition"`
	CacheControl       string `json:"cache-control,omitempty"`
}

// signedDownloadBody is the 200 body of signeds3download with status
// "complete" (the emulator never has objects still being assembled).
type signedDownloadBody struct {
	Status string       `json:"status"`
	URL    string       `json:"url"`
	Params signedParams `json:"params"`
	Size   int64        `json:"size"`
	SHA1   string       `json:"sha1"`
}

// signedS3Download serves GET .../objects/{objectKey}/signeds3download. The
// URL it answers points at this emulator's S3 and works without a token
// until minutesExpiration have passed on the emulator's clock. Besides the
// bucket's owner and the apps it allows, a user who sees a Data Management
// project may download the files of its versions from the DM storage
// bucket, as the DM download tutorial does. useCdn and
// public-resource-fallback are validated and otherwise have no effect,
// and If-None-Match / If-Modified-Since are not emulated.
func (e *Emulator) signedS3Download(w http.ResponseWriter, c *call) {
	b, ok := e.existingBucket(w, c)
	if !ok {
		return
	}
	objectKey := c.param("objectKey")
	if !b.grants(c.token.clientID, accessRead) && !e.dmStorageVisible(c.token, b.Key, objectKey) {
		writeOSSError(w, http.StatusForbidden, reasonNotOwner)
		return
	}
	o, ok := e.object(b.Key, objectKey)
	if !ok {
		writeOSSError(w, http.StatusNotFound, reasonObjectNotFound)
		return
	}
	q := c.query()
	minutes, ok := signedMinutes(w, q)
	if !ok {
		return
	}
	for _, name := range []string{"public-resource-fallback", "useCdn"} {
		if raw := q.Get(name); raw != "" {
			if _, err := strconv.ParseBool(raw); err != nil {
				writeOSSError(w, http.StatusBadRequest, reasonInvalidBool+": "+name)
				return
			}
		}
	}
	params := signedParams{
		ContentType:        cmp.Or(q.Get("response-content-type"), o.ContentType),
		ContentDisposition: cmp.Or(q.Get("response-content-disposition"), `attachment; filename="`+o.Key+`"`),
		CacheControl:       q.Get("response-cache-control"),
	}
	now := e.now()
	ttl := time.Duration(minutes) * time.Minute
	token := newSignedToken()
	e.mu.Lock()
	for t, d := range e.signedDownloads { // forget what can no longer be used
		if !now.Before(d.expires) {
			delete(e.signedDownloads, t)
		}
	}
	e.signedDownloads[token] = signedDownload{bucketKey: o.BucketKey, objectKey: o.Key, expires: now.Add(ttl), params: params}
	e.mu.Unlock()

	v := url.Values{}
	if rc := q.Get("response-content-type"); rc != "" {
		v.Set("response-content-type", rc)
	}
	writeJSON(w, http.StatusOK, contentTypeOSSJSON, signedDownloadBody{
		Status: "complete",
		URL:    presignedURL(c.base(), token, v, now, ttl),
		Params: params,
		Size:   o.Size,
		SHA1:   o.SHA1,
	})
}

// signedMinutes is how long a signed URL lives: the query's
// minutesExpiration, 1 to 60, or the default of 2; a bad value is answered
// with 400 here.
func signedMinutes(w http.ResponseWriter, q url.Values) (int, bool) {
	raw := q.Get("minutesExpiration")
	if raw == "" {
		return defaultSignedMinutes, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxSignedMinutes {
		writeOSSError(w, http.StatusBadRequest, reasonInvalidMinutes)
		return 0, false
	}
	return n, true
}

// newSignedToken returns the random, unguessable path segment of a signed URL.
func newSignedToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// s3Errors are S3's answers for requests no handler serves: 405 for a
// method other than GET, HEAD and PUT, and for anything else the 403 of an
// unknown URL. S3 is not APS: it takes no bearer token.
func s3Errors() apiErrors {
	return apiErrors{badPath: writeS3AccessDenied, notFound: writeS3AccessDenied, method: func(w http.ResponseWriter) {
		writeS3Error(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	}}
}

// s3ErrorFormat is the XML error body S3 answers with.
const s3ErrorFormat = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<Error><Code>%s</Code><Message>%s</Message></Error>`

// writeS3Error sends an S3-style XML error.
func writeS3Error(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, s3ErrorFormat, code, message)
}

// writeS3AccessDenied answers a URL that signs nothing.
func writeS3AccessDenied(w http.ResponseWriter) {
	writeS3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
}

// serveS3 answers GET and HEAD on a signed URL with the object's bytes.
// Unknown tokens answer 403 AccessDenied and expired ones 403 "Request has
// expired", as S3 does for presigned URLs; an object deleted since the URL
// was signed answers 404 NoSuchKey. Range requests work (the body is
// served with http.ServeContent).
//
// An object a signed upload stored is served with the bytes uploaded.
// Seeded objects have no bytes: the body is the line
// "apsemu object <bucketKey>/<objectKey>\n" repeated and cut to exactly
// the object's size, so it is deterministic and as long as OSS says, but
// it does not hash to the object's sha1.
func (e *Emulator) serveS3(w http.ResponseWriter, c *call) {
	e.mu.Lock()
	d, ok := e.signedDownloads[c.param("token")]
	e.mu.Unlock()
	if !ok {
		writeS3AccessDenied(w)
		return
	}
	if !e.now().Before(d.expires) {
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		return
	}
	o, ok := e.object(d.bucketKey, d.objectKey)
	if !ok {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	h := w.Header()
	h.Set("Content-Type", d.params.ContentType)
	h.Set("Content-Disposition", d.params.ContentDisposition)
	if d.params.CacheControl != "" {
		h.Set("Cache-Control", d.params.CacheControl)
	}
	h.Set("ETag", `"`+o.SHA1+`"`)
	if uploaded := e.uploadedReader(o); uploaded != nil {
		http.ServeContent(w, c.r, "", time.Time{}, uploaded)
		return
	}
	http.ServeContent(w, c.r, "", time.Time{}, newObjectContent(o))
}

// objectContent is an object's synthetic bytes: a line repeated up to the
// object's size, readable and seekable without being held in memory.
type objectContent struct {
	line  int    // length of the repeated line
	block []byte // the line repeated to at least contentBlockSize bytes
	size  int64
	off   int64
}

// contentBlockSize bounds how much synthetic content one copy moves, so
// large downloads take few copies.
const contentBlockSize = 64 << 10

// newObjectContent returns the synthetic content of o.
func newObjectContent(o Object) *objectContent {
	line := "apsemu object " + o.BucketKey + "/" + o.Key + "\n"
	return &objectContent{line: len(line), block: []byte(strings.Repeat(line, contentBlockSize/len(line)+1)), size: o.Size}
}

// Read implements io.Reader.
func (c *objectContent) Read(p []byte) (int, error) {
	if c.off >= c.size {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), c.size-c.off)]
	n := 0
	for n < len(p) {
		// The block starts at a line boundary, so any offset maps into it.
		n += copy(p[n:], c.block[(c.off+int64(n))%int64(c.line):])
	}
	c.off += int64(n)
	return n, nil
}

// Seek implements io.Seeker.
func (c *objectContent) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += c.off
	case io.SeekEnd:
		offset += c.size
	default:
		return 0, errors.New("apsemu: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("apsemu: negative position")
	}
	c.off = offset
	return offset, nil
}
