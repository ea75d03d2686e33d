package apsemu

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Defaults applied by AddBucket and AddObject to fields left empty.
const (
	defaultRegion      = "US"
	defaultPolicyKey   = "transient"
	defaultContentType = "application/octet-stream"
)

// Bucket is an OSS bucket as the emulator stores it.
type Bucket struct {
	Key       string
	Owner     string // client ID of the owning app
	Region    string // US, EMEA, AUS, CAN, DEU, IND, JPN, GBR or APAC
	PolicyKey string // transient, temporary or persistent
	// CreatedDate is Unix time in milliseconds, as OSS reports it.
	CreatedDate int64
}

// Object is an OSS object as the emulator stores it (metadata only).
type Object struct {
	BucketKey, Key string
	SHA1           string // 40 lowercase hex characters
	ContentType    string
	Size           int64
}

// Buckets returns the buckets clientID owns in every region, sorted by key.
func (e *Emulator) Buckets(clientID string) []Bucket {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.bucketsLocked(func(b Bucket) bool { return b.Owner == clientID })
}

// Objects returns the objects of a bucket, sorted by key.
func (e *Emulator) Objects(bucketKey string) []Object {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.objectsLocked(bucketKey, ""))
}

// AddBucket stores b, replacing any bucket with the same key (and the
// access its creator granted other apps). Empty fields get defaults: Owner
// the first registered client, Region US, PolicyKey transient, CreatedDate
// the emulator clock.
func (e *Emulator) AddBucket(b Bucket) {
	if b.Owner == "" {
		b.Owner = e.owner
	}
	if b.Region == "" {
		b.Region = defaultRegion
	}
	if b.PolicyKey == "" {
		b.PolicyKey = defaultPolicyKey
	}
	if b.CreatedDate == 0 {
		b.CreatedDate = e.now().UnixMilli()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.buckets[b.Key] = b
	delete(e.bucketGrants, b.Key)
}

// AddObject stores o, replacing any object with the same bucket and key. The
// bucket need not exist yet, but the object is only served once it does.
// Empty fields get defaults: ContentType application/octet-stream and SHA1
// derived deterministically from the bucket, key and size.
func (e *Emulator) AddObject(o Object) {
	if o.ContentType == "" {
		o.ContentType = defaultContentType
	}
	if o.SHA1 == "" {
		o.SHA1 = syntheticSHA1(o.BucketKey, o.Key, o.Size)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	putNested(e.objects, o.BucketKey, o.Key, o)
	delete(e.sortedObjects, o.BucketKey)
	delete(e.uploadedContent[o.BucketKey], o.Key) // its bytes are synthetic again, until an upload stores others
}

// putNested stores v at m[outer][inner], making the inner map if needed.
func putNested[V any](m map[string]map[string]V, outer, inner string, v V) {
	in := m[outer]
	if in == nil {
		in = make(map[string]V)
		m[outer] = in
	}
	in[inner] = v
}

// bucketsLocked returns the buckets keep accepts, sorted by key. e.mu must be held.
func (e *Emulator) bucketsLocked(keep func(Bucket) bool) []Bucket {
	var out []Bucket
	for _, b := range e.buckets {
		if keep(b) {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b Bucket) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// objectsLocked returns a bucket's objects whose key starts with prefix,
// sorted by key (byte order, i.e. Unicode code point order). e.mu must be held.
func (e *Emulator) objectsLocked(bucketKey, prefix string) []Object {
	sorted, ok := e.sortedObjects[bucketKey]
	if !ok {
		// Sorted once per change, not per page request: a listing of a
		// bucket with 100,000 objects would otherwise sort it 1,000 times.
		for _, o := range e.objects[bucketKey] {
			sorted = append(sorted, o)
		}
		slices.SortFunc(sorted, func(a, b Object) int { return cmp.Compare(a.Key, b.Key) })
		e.sortedObjects[bucketKey] = sorted
	}
	start, _ := slices.BinarySearchFunc(sorted, prefix, func(o Object, p string) int { return cmp.Compare(o.Key, p) })
	end := start
	for end < len(sorted) && strings.HasPrefix(sorted[end].Key, prefix) {
		end++
	}
	// The cached slice is never changed in place (a change drops it and the
	// next call builds a new one), so callers may read it after the lock.
	return sorted[start:end:end]
}

// bucket returns the bucket with the given key and the apps its creator
// allowed.
func (e *Emulator) bucket(key string) (ossBucket, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, ok := e.buckets[key]
	return ossBucket{Bucket: b, allow: e.bucketGrants[key]}, ok
}

// ossBucket is a bucket with the other apps granted access when it was
// created through POST /oss/v2/buckets (its "allow" member).
type ossBucket struct {
	Bucket
	allow []permission
}

// removeObject deletes one object of a bucket and reports whether it existed.
func (e *Emulator) removeObject(bucketKey, objectKey string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.objects[bucketKey][objectKey]; !ok {
		return false
	}
	delete(e.objects[bucketKey], objectKey)
	delete(e.sortedObjects, bucketKey)
	delete(e.uploadedContent[bucketKey], objectKey)
	return true
}

// object returns one object of a bucket.
func (e *Emulator) object(bucketKey, objectKey string) (Object, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, ok := e.objects[bucketKey][objectKey]
	return o, ok
}

// syntheticSHA1 is the hex SHA-1 of the content the emulator pretends an
// object holds, so the same object always reports the same digest.
func syntheticSHA1(bucketKey, objectKey string, size int64) string {
	sum := sha1.Sum(fmt.Appendf(nil, "apsemu object %s/%s %d bytes", bucketKey, objectKey, size))
	return hex.EncodeToString(sum[:])
}
