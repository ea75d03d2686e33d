package apsemu

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"time"
)

// OSS reasons of signeds3upload, the emulator's own wording.
const (
	reasonUploadParts      = "Invalid parts: the emulator hands out one signed URL per upload (parts=1)"
	reasonUploadKeyMissing = "uploadKey is required"
	reasonUploadUnknown    = "Upload session does not exist or has expired"
	reasonUploadEmpty      = "Nothing was uploaded to the signed URL of this session"
	reasonUploadSize       = "size does not match the uploaded content"
	reasonUploadETag       = "eTags do not match the uploaded content"
)

// maxUploadBytes caps what one signed upload URL takes; the emulator keeps
// uploaded bytes in memory (S3 itself takes parts of up to 5 GB).
const maxUploadBytes = 32 << 20

// uploadLifetime is how long an upload session may wait for its
// completion (uploadExpiration); APS documents no fixed value.
const uploadLifetime = 24 * time.Hour

// s3Upload is one signed S3 upload session: where the object goes, until
// when its URL takes bytes, and what was PUT there.
type s3Upload struct {
	bucketKey, objectKey string
	urlExpires, expires  time.Time
	content              []byte
	uploaded             bool
}

// serves reports whether u is a live session for bucket and object.
func (u *s3Upload) serves(bucket, object string, now time.Time) bool {
	return u.bucketKey == bucket && u.objectKey == object && now.Before(u.expires)
}

// signedUploadBody is the 200 body of GET signeds3upload.
type signedUploadBody struct {
	UploadKey        string   `json:"uploadKey"`
	URLs             []string `json:"urls"`
	URLExpiration    string   `json:"urlExpiration"`
	UploadExpiration string   `json:"uploadExpiration"`
}

// signedS3Upload serves GET .../objects/{objectKey}/signeds3upload: a new
// upload session (or, with uploadKey, a fresh URL for one) whose URL points
// at this emulator's S3 and takes a PUT without a token until
// minutesExpiration have passed. Only the owner, or an app granted full
// access, may upload. firstPart and useAcceleration have no effect.
func (e *Emulator) signedS3Upload(w http.ResponseWriter, c *call) {
	b, ok := e.ownedBucket(w, c, accessFull)
	if !ok {
		return
	}
	q := c.query()
	minutes, ok := signedMinutes(w, q)
	if !ok {
		return
	}
	if raw := q.Get("parts"); raw != "" && raw != "1" {
		writeOSSError(w, http.StatusBadRequest, reasonUploadParts)
		return
	}
	now := e.now()
	uploadKey, token := q.Get("uploadKey"), newSignedToken()
	e.mu.Lock()
	u, resumed := e.uploads[uploadKey]
	if uploadKey != "" && (!resumed || !u.serves(b.Key, c.param("objectKey"), now)) {
		e.mu.Unlock()
		writeOSSError(w, http.StatusBadRequest, reasonUploadUnknown)
		return
	}
	if !resumed {
		uploadKey = newSignedToken()
		u = &s3Upload{bucketKey: b.Key, objectKey: c.param("objectKey"), expires: now.Add(uploadLifetime)}
		e.uploads[uploadKey] = u
	}
	ttl := time.Duration(minutes) * time.Minute
	u.urlExpires = now.Add(ttl)
	e.uploadURLs[token] = uploadKey
	urlExpires, expires := u.urlExpires, u.expires
	e.mu.Unlock()

	writeJSON(w, http.StatusOK, contentTypeOSSJSON, signedUploadBody{
		UploadKey:        uploadKey,
		URLs:             []string{presignedURL(c.base(), token, url.Values{}, now, ttl)},
		URLExpiration:    urlExpires.UTC().Format(time.RFC3339),
		UploadExpiration: expires.UTC().Format(time.RFC3339),
	})
}

// serveS3Upload answers PUT on a signed upload URL, as S3 does: the bytes
// replace what the session held and the answer's ETag is their MD5. A
// request that also carries an Authorization header is refused with 400,
// as S3 refuses two auth mechanisms at once (and a client that sends its
// APS token to S3 has leaked it).
func (e *Emulator) serveS3Upload(w http.ResponseWriter, c *call) {
	if c.r.Header.Get("Authorization") != "" {
		writeS3Error(w, http.StatusBadRequest, "InvalidArgument",
			"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
		return
	}
	e.mu.Lock()
	u := e.uploads[e.uploadURLs[c.param("token")]]
	var urlExpires time.Time
	if u != nil {
		urlExpires = u.urlExpires // a re-sign may move it while the body is read
	}
	e.mu.Unlock()
	if u == nil {
		writeS3AccessDenied(w)
		return
	}
	if !e.now().Before(urlExpires) {
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		return
	}
	content, err := io.ReadAll(io.LimitReader(c.r.Body, maxUploadBytes+1))
	switch {
	case err != nil:
		writeS3Error(w, http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
		return
	case len(content) > maxUploadBytes:
		writeS3Error(w, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
		return
	}
	e.mu.Lock()
	u.content, u.uploaded = content, true
	e.mu.Unlock()
	w.Header().Set("ETag", `"`+md5Hex(content)+`"`)
	w.WriteHeader(http.StatusOK)
}

// completeUploadRequest is the body of POST signeds3upload
// (completes3upload_body).
type completeUploadRequest struct {
	UploadKey string   `json:"uploadKey"`
	Size      *int64   `json:"size"`
	ETags     []string `json:"eTags"`
}

// completeS3Upload serves POST .../objects/{objectKey}/signeds3upload: the
// session's bytes become the object (replacing one with the same key), its
// content type from x-ads-meta-Content-Type, and the answer is the
// object's details. size and eTags, when sent, must match.
func (e *Emulator) completeS3Upload(w http.ResponseWriter, c *call) {
	b, ok := e.ownedBucket(w, c, accessFull)
	if !ok {
		return
	}
	var req completeUploadRequest
	if !decodeJSON(w, c.r, &req) {
		writeOSSError(w, http.StatusBadRequest, reasonInvalidBody)
		return
	}
	if req.UploadKey == "" {
		writeOSSError(w, http.StatusBadRequest, reasonUploadKeyMissing)
		return
	}
	// The session is checked and taken in one critical section: a PUT of
	// its bytes, or another complete, may run at the same time.
	e.mu.Lock()
	u, found := e.uploads[req.UploadKey]
	reason, content := "", []byte(nil)
	switch {
	case !found || !u.serves(b.Key, c.param("objectKey"), e.now()):
		reason = reasonUploadUnknown
	case !u.uploaded:
		reason = reasonUploadEmpty
	case req.Size != nil && *req.Size != int64(len(u.content)):
		reason = reasonUploadSize
	case len(req.ETags) > 0 && (len(req.ETags) != 1 || req.ETags[0] != md5Hex(u.content)):
		reason = reasonUploadETag
	default:
		content = u.content // a PUT after this replaces the slice, never its bytes
		delete(e.uploads, req.UploadKey)
	}
	e.mu.Unlock()
	if reason != "" {
		writeOSSError(w, http.StatusBadRequest, reason)
		return
	}
	sum := sha1.Sum(content)
	o := Object{BucketKey: b.Key, Key: u.objectKey, SHA1: hex.EncodeToString(sum[:]),
		ContentType: c.r.Header.Get("x-ads-meta-Content-Type"), Size: int64(len(content))}
	e.AddObject(o)
	e.mu.Lock()
	putNested(e.uploadedContent, o.BucketKey, o.Key, content)
	e.mu.Unlock()
	stored, _ := e.object(o.BucketKey, o.Key)
	writeJSON(w, http.StatusOK, contentTypeOSSJSON, toObjectItem(c.base(), stored))
}

// uploadedReader is the content uploaded for an object, or nil when the
// object was seeded (and its bytes are synthetic).
func (e *Emulator) uploadedReader(o Object) io.ReadSeeker {
	e.mu.Lock()
	defer e.mu.Unlock()
	content, ok := e.uploadedContent[o.BucketKey][o.Key]
	if !ok {
		return nil
	}
	return bytes.NewReader(content)
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}
