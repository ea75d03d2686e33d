package apsemu

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// bucketDetailKeys are the members of examples/oss.get_bucket_details.200.synthesized.json,
// which create bucket answers too.
var bucketDetailKeys = []string{"bucketKey", "bucketOwner", "createdDate", "permissions", "permissions[].access", "permissions[].authId", "policyKey"}

func TestCreateBucket(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	e, base := startEmulator(t, Options{Now: clock.Now, Clients: []Client{{ID: DemoClientID, Secret: DemoClientSecret}, {ID: otherClient, Secret: otherSecret}}})
	token := fetchToken(t, base, "bucket:create bucket:read")
	buckets := base + "/oss/v2/buckets"
	tests := []struct {
		name   string
		body   string
		header []string
		status int
		region string // of the created bucket
		reason string // of a refusal
	}{
		{"defaults to US", `{"bucketKey":"new-us","policyKey":"transient"}`, nil, 200, "US", ""},
		{"legacy x-ads-region", `{"bucketKey":"new-emea","policyKey":"temporary"}`, []string{"x-ads-region", "EMEA"}, 200, "EMEA", ""},
		{"region header", `{"bucketKey":"new.aus_1","policyKey":"persistent"}`, []string{"region", "AUS"}, 200, "AUS", ""},
		{"region wins over x-ads-region", `{"bucketKey":"new-jpn","policyKey":"persistent"}`, []string{"x-ads-region", "EMEA", "region", "JPN"}, 200, "JPN", ""},
		{"unknown region", `{"bucketKey":"new-mars","policyKey":"transient"}`, []string{"region", "MARS"}, 400, "", "Invalid region"},
		{"capital letters in key", `{"bucketKey":"New-Bucket","policyKey":"transient"}`, nil, 400, "", reasonInvalidBucketKey},
		{"key too short", `{"bucketKey":"ab","policyKey":"transient"}`, nil, 400, "", reasonInvalidBucketKey},
		{"no key", `{"policyKey":"transient"}`, nil, 400, "", reasonInvalidBucketKey},
		{"no policyKey", `{"bucketKey":"new-nopolicy"}`, nil, 400, "", reasonInvalidPolicyKey},
		{"unknown policyKey", `{"bucketKey":"new-forever","policyKey":"forever"}`, nil, 400, "", reasonInvalidPolicyKey},
		{"not JSON", `bucketKey=new-form`, nil, 400, "", reasonInvalidBody},
		{"bad allow access", `{"bucketKey":"new-allow","policyKey":"transient","allow":[{"authId":"x","access":"write"}]}`, nil, 400, "", reasonInvalidAllow},
		{"existing demo bucket", `{"bucketKey":"aps-mcp-demo-01","policyKey":"transient"}`, nil, 409, "", "Bucket already exists"},
		{"another app's bucket", `{"bucketKey":"wip.dm.prod","policyKey":"transient"}`, nil, 409, "", "Bucket already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, http.MethodPost, buckets, token, tt.body, append([]string{"Content-Type", "application/json"}, tt.header...)...)
			if tt.status != http.StatusOK {
				r.wantJSON(t, tt.status, map[string]any{"reason": tt.reason})
				return
			}
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("status %d, Content-Type %q; body %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			m := r.object(t)
			wantKeys(t, "created bucket", m, bucketDetailKeys...)
			key := m["bucketKey"].(string)
			if m["bucketOwner"] != DemoClientID || m["createdDate"] != float64(clock.Now().UnixMilli()) {
				t.Errorf("body %s", r.body)
			}
			i := slices.IndexFunc(e.Buckets(DemoClientID), func(b Bucket) bool { return b.Key == key })
			if i < 0 || e.Buckets(DemoClientID)[i].Region != tt.region {
				t.Fatalf("bucket %s not stored in region %s: %+v", key, tt.region, e.Buckets(DemoClientID))
			}
			// The new bucket is listed in its region.
			var page bucketPage
			decodeInto(t, get(t, buckets+"?limit=100&region="+tt.region, token).body, &page)
			listed := false
			for _, it := range page.Items {
				listed = listed || it.BucketKey == key
			}
			if !listed {
				t.Errorf("bucket %s not listed in %s", key, tt.region)
			}
		})
	}

	t.Run("repeated key", func(t *testing.T) {
		body := `{"bucketKey":"twice","policyKey":"transient"}`
		if r := send(t, http.MethodPost, buckets, token, body); r.status != http.StatusOK {
			t.Fatalf("first: %d %s", r.status, r.body)
		}
		send(t, http.MethodPost, buckets, token, body).wantJSON(t, 409, map[string]any{"reason": "Bucket already exists"})
		other := fetchTokenFor(t, base, otherClient, otherSecret, formValues("client_credentials", "bucket:create"))
		send(t, http.MethodPost, buckets, other, body).wantJSON(t, 409, map[string]any{"reason": "Bucket already exists"})
	})

	t.Run("scope", func(t *testing.T) {
		readOnly := fetchToken(t, base, "bucket:read")
		send(t, http.MethodPost, buckets, readOnly, `{"bucketKey":"noscope","policyKey":"transient"}`).
			wantJSON(t, 403, gatewayBody("AUTH-010", "Token does not have the privilege for this request."))
	})
}

// formValues is a token request form for grant and scope.
func formValues(grant, scope string) url.Values {
	return url.Values{"grant_type": {grant}, "scope": {scope}}
}

func TestBucketAllowGrantsAccess(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{Clients: []Client{{ID: DemoClientID, Secret: DemoClientSecret}, {ID: otherClient, Secret: otherSecret}}})
	token := fetchToken(t, base, "bucket:create bucket:read")
	body := `{"bucketKey":"shared","policyKey":"persistent","allow":[{"authId":"` + otherClient + `","access":"read"}]}`
	r := send(t, http.MethodPost, base+"/oss/v2/buckets", token, body)
	if r.status != http.StatusOK {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	wantPerms := []any{
		map[string]any{"authId": DemoClientID, "access": "full"},
		map[string]any{"authId": otherClient, "access": "read"},
	}
	if got := r.object(t)["permissions"]; !slices.EqualFunc(got.([]any), wantPerms, func(a, b any) bool { return mapsEqual(a, b) }) {
		t.Errorf("permissions = %v", got)
	}
	e.AddObject(Object{BucketKey: "shared", Key: "a.txt", Size: 3})
	other := fetchTokenFor(t, base, otherClient, otherSecret, formValues("client_credentials", "data:read data:write"))
	if r := get(t, base+"/oss/v2/buckets/shared/objects", other); r.status != http.StatusOK {
		t.Errorf("allowed app lists: %d %s", r.status, r.body)
	}
	send(t, http.MethodDelete, base+"/oss/v2/buckets/shared/objects/a.txt", other, "").
		wantJSON(t, 403, map[string]any{"reason": reasonNotOwner})
}

// mapsEqual compares two decoded JSON objects.
func mapsEqual(a, b any) bool {
	am, bm := a.(map[string]any), b.(map[string]any)
	if len(am) != len(bm) {
		return false
	}
	for k, v := range am {
		if bm[k] != v {
			return false
		}
	}
	return true
}

func TestDeleteObject(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	e.AddObject(Object{BucketKey: demoModelsBucket, Key: "to delete/ü.txt", Size: 10})
	token := fetchToken(t, base, "data:write data:read")
	objects := base + "/oss/v2/buckets/" + demoModelsBucket + "/objects/"
	dmKey := ""
	for k := range e.dmStorage {
		dmKey = k
		break
	}
	// Sequential steps: the first deletes the object the second misses.
	steps := []struct {
		name   string
		url    string
		token  string
		status int
		body   map[string]any // nil: empty body
	}{
		{"existing object", objects + "to%20delete%2F%C3%BC.txt", token, 200, nil},
		{"deleted object", objects + "to%20delete%2F%C3%BC.txt", token, 404, map[string]any{"reason": "Object does not exist"}},
		{"missing bucket", base + "/oss/v2/buckets/no-such-bucket/objects/x", token, 404, map[string]any{"reason": "Bucket not found"}},
		{"invalid bucket key", base + "/oss/v2/buckets/NO/objects/x", token, 400, map[string]any{"reason": reasonInvalidBucketKey}},
		{"another app's object", base + "/oss/v2/buckets/wip.dm.prod/objects/" + dmKey, token, 403, map[string]any{"reason": reasonNotOwner}},
		{"without data:write", objects + "part-0001.ipt", fetchToken(t, base, "data:read"), 403,
			gatewayBody("AUTH-010", "Token does not have the privilege for this request.")},
	}
	for _, st := range steps {
		r := send(t, http.MethodDelete, st.url, st.token, "")
		if st.body == nil {
			if r.status != st.status || len(r.body) != 0 {
				t.Fatalf("%s: status %d body %q", st.name, r.status, r.body)
			}
			continue
		}
		r.wantJSON(t, st.status, st.body)
	}
	if slices.ContainsFunc(e.Objects(demoModelsBucket), func(o Object) bool { return o.Key == "to delete/ü.txt" }) {
		t.Error("deleted object still stored")
	}
	if _, ok := e.object(dmStorageBucket, dmKey); !ok {
		t.Error("DM storage object was deleted")
	}

	t.Run("wrong method", func(t *testing.T) {
		r := send(t, http.MethodPut, objects+"part-0001.ipt", token, "x")
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "DELETE" {
			t.Fatalf("status %d Allow %q", r.status, r.header.Get("Allow"))
		}
		r = send(t, http.MethodDelete, base+"/oss/v2/buckets", token, "")
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, POST" {
			t.Fatalf("status %d Allow %q", r.status, r.header.Get("Allow"))
		}
	})
}
