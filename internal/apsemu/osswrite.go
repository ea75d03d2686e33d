package apsemu

import (
	"net/http"
)

// OSS reasons of the write endpoints. "Bucket already exists" is observed
// (NOTES §4.4); the others are the emulator's own wording.
const (
	reasonBucketExists     = "Bucket already exists"
	reasonInvalidBody      = "Invalid request body: it must be a JSON object"
	reasonInvalidPolicyKey = "Invalid policyKey: it must be transient, temporary or persistent"
	reasonInvalidAllow     = "Invalid allow entry: authId is required and access must be full or read"
)

// createBucketRequest is the body of POST /oss/v2/buckets
// (create_buckets_payload).
type createBucketRequest struct {
	BucketKey string       `json:"bucketKey"`
	PolicyKey string       `json:"policyKey"`
	Allow     []permission `json:"allow"`
}

// createBucket serves POST /oss/v2/buckets. Bucket keys are global across
// apps and regions, so an existing key answers 409 whoever owns it. The
// region comes from the "region" header or its legacy name "x-ads-region";
// per the docs "region" wins when both are sent (NOTES §4.4, §8.5).
func (e *Emulator) createBucket(w http.ResponseWriter, c *call) {
	r := c.r
	region := r.Header.Get("region")
	if region == "" {
		region = r.Header.Get(headerADSRegion)
	}
	if region == "" {
		region = defaultRegion
	}
	if !isOSSRegion(region) {
		writeOSSError(w, http.StatusBadRequest, reasonInvalidRegion)
		return
	}
	var req createBucketRequest
	if !decodeJSON(w, r, &req) {
		writeOSSError(w, http.StatusBadRequest, reasonInvalidBody)
		return
	}
	if !validBucketKey(req.BucketKey) {
		writeOSSError(w, http.StatusBadRequest, reasonInvalidBucketKey)
		return
	}
	switch req.PolicyKey {
	case "transient", "temporary", "persistent":
	default:
		writeOSSError(w, http.StatusBadRequest, reasonInvalidPolicyKey)
		return
	}
	for _, p := range req.Allow {
		if p.AuthID == "" || (p.Access != accessFull && p.Access != accessRead) {
			writeOSSError(w, http.StatusBadRequest, reasonInvalidAllow)
			return
		}
	}
	b := ossBucket{
		Bucket: Bucket{
			Key:         req.BucketKey,
			Owner:       c.token.clientID,
			Region:      region,
			PolicyKey:   req.PolicyKey,
			CreatedDate: e.now().UnixMilli(),
		},
		allow: req.Allow,
	}
	e.mu.Lock()
	_, exists := e.buckets[b.Key]
	if !exists {
		e.buckets[b.Key] = b.Bucket
		e.bucketGrants[b.Key] = b.allow
	}
	e.mu.Unlock()
	if exists {
		writeOSSError(w, http.StatusConflict, reasonBucketExists)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeOSSJSON, toBucketDetail(b))
}

// deleteObject serves DELETE /oss/v2/buckets/{bucketKey}/objects/{objectKey}:
// 200 with an empty body, as the spec declares. Only the owner, or an app
// granted full access, may delete.
func (e *Emulator) deleteObject(w http.ResponseWriter, c *call) {
	b, ok := e.ownedBucket(w, c, accessFull)
	if !ok {
		return
	}
	if !e.removeObject(b.Key, c.param("objectKey")) {
		writeOSSError(w, http.StatusNotFound, reasonObjectNotFound)
		return
	}
	w.WriteHeader(http.StatusOK)
}
