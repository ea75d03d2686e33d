package apsemu

import (
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSignedS3Upload follows NOTES §4.6: a signed URL, a PUT of the bytes
// to it without a token, the completion; the object then has the bytes'
// size and SHA-1 and downloads as them. S3 refuses a PUT that carries an
// Authorization header, and OSS refuses a completion before any upload,
// with a size that does not match, or of an unknown session.
func TestSignedS3Upload(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	e, base := startEmulator(t, Options{Now: clock.Now})
	writer, reader := fetchToken(t, base, "data:write data:read"), fetchToken(t, base, "data:read")
	object := base + "/oss/v2/buckets/" + demoModelsBucket + "/objects/notes%2Fnew.txt"
	complete := func(body string) testResponse {
		return send(t, http.MethodPost, object+"/signeds3upload", writer, body, "Content-Type", "application/json", "x-ads-meta-Content-Type", "text/plain")
	}

	if r := get(t, object+"/signeds3upload", reader); r.status != http.StatusForbidden {
		t.Errorf("without data:write: %d %s", r.status, r.body)
	}
	r := get(t, object+"/signeds3upload?minutesExpiration=5", writer)
	var signed signedUploadBody
	decodeInto(t, r.body, &signed)
	if r.status != http.StatusOK || signed.UploadKey == "" || len(signed.URLs) != 1 || signed.URLExpiration != "2025-06-01T12:05:00Z" {
		t.Fatalf("signed upload: %d %s", r.status, r.body)
	}
	wantKeys(t, "signed upload", r.object(t), "uploadExpiration", "uploadKey", "urlExpiration", "urls")
	if r := complete(`{"uploadKey":"` + signed.UploadKey + `"}`); r.status != http.StatusBadRequest {
		t.Errorf("completed before any upload: %d %s", r.status, r.body)
	}

	content := "site visit notes\n"
	if r := send(t, http.MethodPut, signed.URLs[0], writer, content); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "<Code>InvalidArgument</Code>") {
		t.Errorf("a PUT with the APS token: %d %s", r.status, r.body)
	}
	if r := send(t, http.MethodPut, signed.URLs[0], "", content); r.status != http.StatusOK || r.header.Get("ETag") != `"`+md5Hex([]byte(content))+`"` {
		t.Fatalf("PUT to the signed URL: %d %s", r.status, r.body)
	}
	for _, bad := range []string{`{"uploadKey":"` + signed.UploadKey + `","size":3}`, `{"uploadKey":"nope"}`, `{}`} {
		if r := complete(bad); r.status != http.StatusBadRequest {
			t.Errorf("completing with %s: %d %s", bad, r.status, r.body)
		}
	}
	r = complete(`{"uploadKey":"` + signed.UploadKey + `","size":17,"eTags":["` + md5Hex([]byte(content)) + `"]}`)
	sum := sha1.Sum([]byte(content))
	o, stored := e.object(demoModelsBucket, "notes/new.txt")
	if r.status != http.StatusOK || !stored || o.Size != int64(len(content)) || o.SHA1 != hex.EncodeToString(sum[:]) || o.ContentType != "text/plain" {
		t.Fatalf("completed: %d %s, stored %+v", r.status, r.body, o)
	}
	wantKeys(t, "completed upload", r.object(t), "bucketKey", "contentType", "location", "objectId", "objectKey", "sha1", "size")
	if r := complete(`{"uploadKey":"` + signed.UploadKey + `"}`); r.status != http.StatusBadRequest {
		t.Errorf("completed twice: %d %s", r.status, r.body)
	}

	var link signedDownloadBody
	decodeInto(t, get(t, object+"/signeds3download", reader).body, &link)
	if r := get(t, link.URL, ""); r.status != http.StatusOK || string(r.body) != content {
		t.Errorf("download of the uploaded object: %d %q", r.status, r.body)
	}

	r = get(t, object+"/signeds3upload", writer)
	decodeInto(t, r.body, &signed)
	clock.Advance(3 * time.Minute)
	if r := send(t, http.MethodPut, signed.URLs[0], "", "late"); r.status != http.StatusForbidden || !strings.Contains(string(r.body), "Request has expired") {
		t.Errorf("a PUT after the URL expired: %d %s", r.status, r.body)
	}
}
