package apsemu

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// bucketPage and objectPage decode the OSS list bodies.
type bucketPage struct {
	Items []struct {
		BucketKey   string `json:"bucketKey"`
		CreatedDate int64  `json:"createdDate"`
		PolicyKey   string `json:"policyKey"`
	} `json:"items"`
	Next *string `json:"next"`
}

type objectJSON struct {
	BucketKey   string `json:"bucketKey"`
	ObjectKey   string `json:"objectKey"`
	ObjectID    string `json:"objectId"`
	SHA1        string `json:"sha1"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
	Location    string `json:"location"`
}

type objectPage struct {
	Items []objectJSON `json:"items"`
	Next  *string      `json:"next"`
}

// maxWalkPages stops a pagination walk whose cursor does not advance.
const maxWalkPages = 100

// walkObjects follows next links from first and returns every item and the
// number of pages, checking each page against limit.
func walkObjects(t *testing.T, first, token string, limit int) ([]objectJSON, int) {
	t.Helper()
	var all []objectJSON
	pages := 0
	for next := first; next != ""; pages++ {
		if pages > maxWalkPages {
			t.Fatalf("still paging after %d pages; next = %q", pages, next)
		}
		r := get(t, next, token)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: status %d; body %s", next, r.status, r.body)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Fatalf("Content-Type = %q", ct)
		}
		var p objectPage
		decodeInto(t, r.body, &p)
		if len(p.Items) > limit || len(p.Items) == 0 {
			t.Fatalf("page %d has %d items, limit %d", pages, len(p.Items), limit)
		}
		all = append(all, p.Items...)
		next = ""
		if p.Next != nil {
			next = *p.Next
			if !strings.HasPrefix(next, "http://127.0.0.1:") || !strings.Contains(next, "&limit="+strconv.Itoa(limit)) {
				t.Fatalf("next = %q", next)
			}
		}
	}
	return all, pages
}

func TestListObjectsWalksAllPages(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := fetchToken(t, base, "data:read")
	want := e.Objects(demoModelsBucket)
	if len(want) < 260 {
		t.Fatalf("seeded %d objects, want at least 260", len(want))
	}

	got, pages := walkObjects(t, base+"/oss/v2/buckets/"+demoModelsBucket+"/objects?limit=7", token, 7)
	if wantPages := (len(want) + 6) / 7; pages != wantPages {
		t.Errorf("pages = %d, want %d", pages, wantPages)
	}
	var gotKeys, wantKeys []string
	for _, o := range got {
		gotKeys = append(gotKeys, o.ObjectKey)
	}
	for _, o := range want {
		wantKeys = append(wantKeys, o.Key)
	}
	if !slices.Equal(gotKeys, wantKeys) {
		t.Fatalf("walked keys differ from Objects():\n got %q\nwant %q", gotKeys, wantKeys)
	}
	for _, odd := range demoOddObjectKeys() {
		if !slices.Contains(gotKeys, odd) {
			t.Errorf("odd key %q missing from the walk", odd)
		}
	}
	for i, o := range got {
		w := want[i]
		if o.BucketKey != demoModelsBucket || o.SHA1 != w.SHA1 || len(o.SHA1) != 40 || o.Size != w.Size || o.ContentType != w.ContentType ||
			o.ObjectID != "urn:adsk.objects:os.object:"+demoModelsBucket+"/"+w.Key {
			t.Errorf("item %d = %+v, want %+v", i, o, w)
		}
	}

	// Every odd key's location must lead back to the object's details.
	for _, o := range got {
		if strings.HasPrefix(o.ObjectKey, "part-") {
			continue
		}
		r := get(t, o.Location+"/details", token)
		if r.status != http.StatusOK {
			t.Errorf("details via location %s: status %d", o.Location, r.status)
			continue
		}
		var d objectJSON
		decodeInto(t, r.body, &d)
		if d != o {
			t.Errorf("details = %+v, want %+v", d, o)
		}
	}
}

func TestListObjectsBeginsWith(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := fetchToken(t, base, "data:read")
	list := base + "/oss/v2/buckets/" + demoModelsBucket + "/objects"
	tests := []struct {
		prefix string
		limit  int
		want   int
		pages  int
	}{
		{"site/", 1, 2, 2},
		{"part-00", 100, 99, 1},
		{"part-00", 50, 99, 2},
		{"Floor Plan", 10, 1, 1},
		{"設計", 10, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			first := list + "?beginsWith=" + url.QueryEscape(tt.prefix) + "&limit=" + strconv.Itoa(tt.limit)
			got, pages := walkObjects(t, first, token, tt.limit)
			if len(got) != tt.want || pages != tt.pages {
				t.Fatalf("got %d items in %d pages, want %d in %d", len(got), pages, tt.want, tt.pages)
			}
			for _, o := range got {
				if !strings.HasPrefix(o.ObjectKey, tt.prefix) {
					t.Errorf("key %q lacks prefix", o.ObjectKey)
				}
			}
		})
	}

	t.Run("next carries beginsWith", func(t *testing.T) {
		r := get(t, list+"?beginsWith=site%2F&limit=1", token)
		var p objectPage
		decodeInto(t, r.body, &p)
		want := base + "/oss/v2/buckets/" + demoModelsBucket + "/objects?startAt=site%2Fnorth+wing%2Fmodel.rvt&limit=1&beginsWith=site%2F"
		if p.Next == nil || *p.Next != want {
			t.Fatalf("next = %v, want %q", p.Next, want)
		}
	})

	t.Run("next only while more remain", func(t *testing.T) {
		all := e.Objects(demoModelsBucket)
		startAt := url.QueryEscape(all[len(all)-3].Key) // two keys follow it
		for _, tt := range []struct {
			limit    int
			items    int
			wantNext bool
		}{{1, 1, true}, {2, 2, false}, {3, 2, false}} {
			r := get(t, list+"?startAt="+startAt+"&limit="+strconv.Itoa(tt.limit), token)
			m := r.object(t)
			_, hasNext := m["next"]
			if items, _ := m["items"].([]any); r.status != 200 || len(items) != tt.items || hasNext != tt.wantNext {
				t.Errorf("limit %d: status %d, body %s", tt.limit, r.status, r.body)
			}
		}
		r := get(t, list+"?startAt="+url.QueryEscape(all[len(all)-1].Key), token)
		if string(r.body) != `{"items":[]}` {
			t.Errorf("past the end: %s", r.body)
		}
	})
}

func TestListBucketsPagination(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	e.AddBucket(Bucket{Key: "aps-mcp-demo-05x", Owner: "other-client", Region: "US"})
	token := fetchToken(t, base, "bucket:read")
	tests := []struct {
		region string
		query  string
	}{
		{"US", ""}, {"US", "region=US&"}, {"EMEA", "region=EMEA&"}, {"AUS", "region=AUS&"}, {"JPN", "region=JPN&"},
	}
	for _, tt := range tests {
		t.Run(tt.region+"/"+tt.query, func(t *testing.T) {
			var want []string
			for _, b := range e.Buckets(DemoClientID) {
				if b.Region == tt.region {
					want = append(want, b.Key)
				}
			}
			var got []string
			next := base + "/oss/v2/buckets?" + tt.query + "limit=7"
			for pages := 0; next != ""; pages++ {
				if pages > maxWalkPages {
					t.Fatalf("still paging after %d pages; next = %q", pages, next)
				}
				r := get(t, next, token)
				if r.status != http.StatusOK {
					t.Fatalf("GET %s: %d %s", next, r.status, r.body)
				}
				var p bucketPage
				decodeInto(t, r.body, &p)
				for _, it := range p.Items {
					got = append(got, it.BucketKey)
					if it.CreatedDate < 1e12 || it.CreatedDate >= 1e13 || it.PolicyKey == "" {
						t.Errorf("item %+v", it)
					}
				}
				next = ""
				if p.Next != nil {
					next = *p.Next
					wantNext := base + "/oss/v2/buckets?region=" + tt.region + "&startAt=" + got[len(got)-1] + "&limit=7"
					if next != wantNext {
						t.Fatalf("next = %q, want %q", next, wantNext)
					}
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
	if n := len(e.Buckets(DemoClientID)); n < 31 {
		t.Errorf("demo client owns %d buckets, want at least 31", n)
	}
}

func TestOSSBadRequests(t *testing.T) {
	t.Parallel()
	_, base := startEmulator(t, Options{})
	token := fetchToken(t, base, "bucket:read data:read")
	invalidLimit := map[string]any{"reason": "Invalid limit"}
	var tests []struct {
		name   string
		path   string
		status int
		body   map[string]any
	}
	add := func(name, path string, status int, body map[string]any) {
		tests = append(tests, struct {
			name   string
			path   string
			status int
			body   map[string]any
		}{name, path, status, body})
	}
	for _, limit := range []string{"0", "101", "300", "-1", "abc", "7.5"} {
		add("buckets limit "+limit, "/oss/v2/buckets?limit="+limit, 400, invalidLimit)
		add("objects limit "+limit, "/oss/v2/buckets/"+demoModelsBucket+"/objects?limit="+limit, 400, invalidLimit)
	}
	add("unknown region", "/oss/v2/buckets?region=MARS", 400, map[string]any{"reason": "Invalid region"})
	add("bucket key with capitals", "/oss/v2/buckets/Not-Valid/details", 400, map[string]any{"reason": reasonInvalidBucketKey})
	add("bucket key too short", "/oss/v2/buckets/ab/objects", 400, map[string]any{"reason": reasonInvalidBucketKey})
	add("unknown path", "/oss/v2/nothing", 404, map[string]any{"reason": reasonNoSuchResource})
	add("raw slash in object key", "/oss/v2/buckets/"+demoModelsBucket+"/objects/site/plan.dwg/details", 404, map[string]any{"reason": reasonNoSuchResource})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			get(t, base+tt.path, token).wantJSON(t, tt.status, tt.body)
		})
	}

	t.Run("wrong method", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodDelete, base+"/oss/v2/buckets/"+demoModelsBucket+"/details", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		r := do(t, req)
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET" {
			t.Fatalf("status %d Allow %q", r.status, r.header.Get("Allow"))
		}
	})

	t.Run("outside any service", func(t *testing.T) {
		r := get(t, base+"/nowhere", token)
		if r.status != 404 || r.object(t)["developerMessage"] == nil {
			t.Fatalf("status %d body %s", r.status, r.body)
		}
	})
}

func TestDetailsAndOwnership(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	e.AddBucket(Bucket{Key: "foreign-bucket", Owner: "other-client", Region: "US", PolicyKey: "persistent", CreatedDate: 1700000000000})
	e.AddObject(Object{BucketKey: "foreign-bucket", Key: "secret.dwg", Size: 3})
	token := fetchToken(t, base, "bucket:read data:read")
	notOwner := map[string]any{"reason": reasonNotOwner}
	bucketNotFound := map[string]any{"reason": "Bucket not found"}
	b := base + "/oss/v2/buckets/"
	models := e.Buckets(DemoClientID)[slices.IndexFunc(e.Buckets(DemoClientID), func(b Bucket) bool { return b.Key == demoModelsBucket })]
	tests := []struct {
		name   string
		path   string
		status int
		body   map[string]any
	}{
		{"bucket details", demoModelsBucket + "/details", 200, map[string]any{
			"bucketKey": demoModelsBucket, "bucketOwner": DemoClientID, "createdDate": float64(models.CreatedDate),
			"permissions": []any{map[string]any{"authId": DemoClientID, "access": "full"}}, "policyKey": "persistent",
		}},
		{"missing bucket details", "no-such-bucket/details", 404, bucketNotFound},
		{"foreign bucket details", "foreign-bucket/details", 403, notOwner},
		{"missing bucket objects", "no-such-bucket/objects", 404, bucketNotFound},
		{"foreign bucket objects", "foreign-bucket/objects", 403, notOwner},
		{"foreign object details", "foreign-bucket/objects/secret.dwg/details", 403, notOwner},
		{"missing object", demoModelsBucket + "/objects/nope.dwg/details", 404, map[string]any{"reason": "Object does not exist"}},
		{"object in missing bucket", "no-such-bucket/objects/nope.dwg/details", 404, bucketNotFound},
		{"literal %2F key is not a slash key", demoModelsBucket + "/objects/literal%20%2F%20slash.txt/details", 404, map[string]any{"reason": "Object does not exist"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, b+tt.path, token)
			r.wantJSON(t, tt.status, tt.body)
			if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}

	t.Run("object details with encoded odd keys", func(t *testing.T) {
		for _, key := range demoOddObjectKeys() {
			r := get(t, b+demoModelsBucket+"/objects/"+url.PathEscape(key)+"/details", token)
			if r.status != 200 {
				t.Errorf("%q: status %d", key, r.status)
				continue
			}
			m := r.object(t)
			wantLoc := b + demoModelsBucket + "/objects/" + url.PathEscape(key)
			if m["objectKey"] != key || m["location"] != wantLoc {
				t.Errorf("%q: body %v", key, m)
			}
			if _, err := url.Parse(wantLoc); err != nil {
				t.Errorf("location %q does not parse: %v", wantLoc, err)
			}
		}
	})

	t.Run("objects of the first page", func(t *testing.T) {
		var p objectPage
		decodeInto(t, get(t, b+demoBucketKey(1)+"/objects", token).body, &p)
		var keys []string
		for _, it := range p.Items {
			keys = append(keys, it.ObjectKey)
		}
		if !reflect.DeepEqual(keys, []string{"model.rvt", "readme.txt"}) || p.Next != nil {
			t.Fatalf("keys %q next %v", keys, p.Next)
		}
	})
}
