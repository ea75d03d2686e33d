package apsemu

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// signedDownloadKeys are the members of examples/oss.signed_s3_download.200.synthesized.json.
var signedDownloadKeys = []string{"params", "params.content-disposition", "params.content-type", "sha1", "size", "status", "url"}

// signDownload asks for a signed download URL of an object and checks the
// answer's shape; it returns the decoded body.
func signDownload(t *testing.T, base, bucketKey, objectKey, query, token string) map[string]any {
	t.Helper()
	r := get(t, base+"/oss/v2/buckets/"+bucketKey+"/objects/"+url.PathEscape(objectKey)+"/signeds3download"+query, token)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("signeds3download: status %d, Content-Type %q; body %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	m := r.object(t)
	if m["status"] != "complete" || !strings.HasPrefix(m["url"].(string), base+"/emulated-s3/") {
		t.Fatalf("body %s", r.body)
	}
	return m
}

// syntheticContent is what the emulated S3 serves for an object.
func syntheticContent(bucketKey, objectKey string, size int) string {
	line := "apsemu object " + bucketKey + "/" + objectKey + "\n"
	return strings.Repeat(line, size/len(line)+1)[:size]
}

func TestSignedS3Download(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	e, base := startEmulator(t, Options{Now: clock.Now})
	const key = "small file ü.txt"
	e.AddObject(Object{BucketKey: demoModelsBucket, Key: key, Size: 100, ContentType: "text/plain"})
	obj, _ := e.object(demoModelsBucket, key)
	token := fetchToken(t, base, "data:read")

	tests := []struct {
		name    string
		query   string
		params  map[string]any
		expires string
	}{
		{"defaults", "", map[string]any{"content-type": "text/plain", "content-disposition": `attachment; filename="small file ü.txt"`}, "120"},
		{"response headers and an hour", "?minutesExpiration=60&response-content-type=application%2Fx-test&response-content-disposition=inline&response-cache-control=no-cache",
			map[string]any{"content-type": "application/x-test", "content-disposition": "inline", "cache-control": "no-cache"}, "3600"},
		{"cdn and fallback flags", "?useCdn=true&public-resource-fallback=false&minutesExpiration=1",
			map[string]any{"content-type": "text/plain", "content-disposition": `attachment; filename="small file ü.txt"`}, "60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := signDownload(t, base, demoModelsBucket, key, tt.query, token)
			want := signedDownloadKeys
			if _, ok := tt.params["cache-control"]; ok {
				want = append([]string{"params.cache-control"}, want...)
			}
			wantKeys(t, "signed download", m, want...)
			if !mapsEqual(m["params"], tt.params) || m["size"] != float64(100) || m["sha1"] != obj.SHA1 {
				t.Errorf("body %v", m)
			}
			signed, _ := url.Parse(m["url"].(string))
			if got := signed.Query().Get("X-Amz-Expires"); got != tt.expires {
				t.Errorf("X-Amz-Expires = %q, want %s", got, tt.expires)
			}
			// A plain GET, no token, fetches the bytes with the chosen headers.
			r := get(t, m["url"].(string), "")
			if r.status != http.StatusOK || string(r.body) != syntheticContent(demoModelsBucket, key, 100) {
				t.Fatalf("download: status %d body %q", r.status, r.body)
			}
			if r.header.Get("Content-Type") != tt.params["content-type"] || r.header.Get("Content-Disposition") != tt.params["content-disposition"] {
				t.Errorf("download headers %v", r.header)
			}
			if cc, _ := tt.params["cache-control"].(string); r.header.Get("Cache-Control") != cc {
				t.Errorf("Cache-Control = %q, want %q", r.header.Get("Cache-Control"), cc)
			}
		})
	}

	dmKey := strings.TrimPrefix(e.Versions(demoTowerProjectID(), e.FolderContents(demoTowerProjectID(), e.TopFolders(demoTowerProjectID())[0].ID)[0].ID)[0].StorageID,
		"urn:adsk.objects:os.object:wip.dm.prod/")
	errs := []struct {
		name   string
		path   string
		token  string
		status int
		body   map[string]any
	}{
		{"minutesExpiration 0", url.PathEscape(key) + "/signeds3download?minutesExpiration=0", token, 400, map[string]any{"reason": reasonInvalidMinutes}},
		{"minutesExpiration 61", url.PathEscape(key) + "/signeds3download?minutesExpiration=61", token, 400, map[string]any{"reason": reasonInvalidMinutes}},
		{"minutesExpiration not a number", url.PathEscape(key) + "/signeds3download?minutesExpiration=two", token, 400, map[string]any{"reason": reasonInvalidMinutes}},
		{"useCdn not a boolean", url.PathEscape(key) + "/signeds3download?useCdn=maybe", token, 400, map[string]any{"reason": reasonInvalidBool + ": useCdn"}},
		{"missing object", "nope.txt/signeds3download", token, 404, map[string]any{"reason": "Object does not exist"}},
		{"without data:read", url.PathEscape(key) + "/signeds3download", fetchToken(t, base, "data:write"), 403,
			gatewayBody("AUTH-010", "Token does not have the privilege for this request.")},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			get(t, base+"/oss/v2/buckets/"+demoModelsBucket+"/objects/"+tt.path, tt.token).wantJSON(t, tt.status, tt.body)
		})
	}
	t.Run("DM storage", func(t *testing.T) {
		path := base + "/oss/v2/buckets/" + dmStorageBucket + "/objects/" + dmKey + "/signeds3download"
		get(t, path, token).wantJSON(t, 403, map[string]any{"reason": reasonNotOwner})
		user := userToken(t, e, base, "data:read")
		m := signDownload(t, base, dmStorageBucket, dmKey, "", user)
		dmObj, _ := e.object(dmStorageBucket, dmKey)
		if r := send(t, http.MethodGet, m["url"].(string), "", "", "Range", "bytes=0-9"); r.status != http.StatusPartialContent ||
			string(r.body) != syntheticContent(dmStorageBucket, dmKey, 10) || r.header.Get("Content-Range") != "bytes 0-9/"+strconv.FormatInt(dmObj.Size, 10) {
			t.Errorf("range: status %d body %q headers %v", r.status, r.body, r.header)
		}
		// Listing stays forbidden, as on APS.
		get(t, base+"/oss/v2/buckets/"+dmStorageBucket+"/objects", user).wantJSON(t, 403, map[string]any{"reason": reasonNotOwner})
	})

	t.Run("large object", func(t *testing.T) {
		big, _ := e.object(demoModelsBucket, "part-0001.ipt")
		m := signDownload(t, base, demoModelsBucket, big.Key, "", token)
		r := send(t, http.MethodHead, m["url"].(string), "", "")
		if r.status != http.StatusOK || r.header.Get("Content-Length") != strconv.FormatInt(big.Size, 10) || m["size"] != float64(big.Size) {
			t.Errorf("HEAD: status %d Content-Length %q, size %d", r.status, r.header.Get("Content-Length"), big.Size)
		}
	})

	t.Run("expiry", func(t *testing.T) {
		m := signDownload(t, base, demoModelsBucket, key, "?minutesExpiration=1", token)
		clock.Advance(59 * time.Second)
		if r := get(t, m["url"].(string), ""); r.status != http.StatusOK {
			t.Fatalf("before expiry: %d %s", r.status, r.body)
		}
		clock.Advance(time.Second)
		r := get(t, m["url"].(string), "")
		if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "<Code>AccessDenied</Code><Message>Request has expired</Message>") ||
			r.header.Get("Content-Type") != "application/xml" {
			t.Errorf("after expiry: %d %s", r.status, r.body)
		}
		if r := get(t, base+"/emulated-s3/unknown", ""); r.status != http.StatusForbidden || !strings.Contains(string(r.body), "<Message>Access Denied</Message>") {
			t.Errorf("unknown URL: %d %s", r.status, r.body)
		}
	})

	t.Run("deleted object and faults", func(t *testing.T) {
		m := signDownload(t, base, demoModelsBucket, key, "", token)
		e.SetFaults(Faults{Rate429: 1})
		r := get(t, m["url"].(string), "") // S3 is not behind the APS gateway
		e.SetFaults(Faults{})
		if r.status != http.StatusOK {
			t.Fatalf("with faults: %d %s", r.status, r.body)
		}
		e.removeObject(demoModelsBucket, key)
		r = get(t, m["url"].(string), "")
		if r.status != http.StatusNotFound || !strings.Contains(string(r.body), "<Code>NoSuchKey</Code>") {
			t.Errorf("deleted: %d %s", r.status, r.body)
		}
		if r := send(t, http.MethodPost, m["url"].(string), "", "x"); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, HEAD, PUT" {
			t.Errorf("POST: %d Allow %q", r.status, r.header.Get("Allow"))
		}
	})
}
