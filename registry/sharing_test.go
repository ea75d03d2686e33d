package registry

import (
	"strings"
	"testing"
	"time"
)

func TestLoadChecksCacheAndFamily(t *testing.T) {
	write := strings.Replace(goodTool, "method: get", "method: post", 1)
	tests := []struct {
		name string
		body string
		old  string // replaced by add in body
		add  string
		want string // a problem, after the file name; "" for none
	}{
		{"a read cached a minute", goodTool, "    method: get", "    method: get\n    cache: 60s", ""},
		{"finished answers only", goodTool, "    method: get", "    method: get\n    cache: 10m\n    cache_when: {status: success}", ""},
		{"a family with a path argument", goodTool, "    method: get", "    method: get\n    cache: 1m\n    family: objects/{bucket_key}", ""},
		{"a write's family", write, "    method: post", "    method: post\n    family: objects/{bucket_key}", ""},
		{"not a duration", goodTool, "    method: get", "    method: get\n    cache: soon", `:12: tool list_objects: field cache: must be a duration such as 30s, 5m or 1h, got "soon"`},
		{"too short", goodTool, "    method: get", "    method: get\n    cache: 10ms", `:12: tool list_objects: field cache: must be at least 1s, got 10ms`},
		{"too long", goodTool, "    method: get", "    method: get\n    cache: 48h", `:12: tool list_objects: field cache: must be at most 24h0m0s, got 48h0m0s`},
		{"a write cached", write, "    method: post", "    method: post\n    cache: 1m", `:12: tool list_objects: field cache: only a read's answers are cached; this tool changes APS (method POST)`},
		{"cache_when alone", goodTool, "    method: get", "    method: get\n    cache_when: {status: success}", `:12: tool list_objects: field cache_when: says which answers cache keeps, but the tool has no cache`},
		{"bad cache_when path", goodTool, "    method: get", "    method: get\n    cache: 1m\n    cache_when: {'a.{b': x}", `tool list_objects: field cache_when.a.{b: invalid gjson path`},
		{"family of an uncached read", goodTool, "    method: get", "    method: get\n    family: objects", `:12: tool list_objects: field family: groups cached reads with the writes that invalidate them, but this read has no cache`},
		{"family naming a query parameter", goodTool, "    method: get", "    method: get\n    cache: 1m\n    family: objects/{limit}", `:13: tool list_objects: field family: placeholder {limit} must name a path parameter of the tool`},
		{"malformed family", goodTool, "    method: get", "    method: get\n    cache: 1m\n    family: objects/{bucket_key", `:13: tool list_objects: field family: malformed placeholder in "objects/{bucket_key"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeCatalog(t, strings.Replace(tc.body, tc.old, tc.add, 1)), testLoadOptions)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want a problem containing %q", err, tc.want)
			}
		})
	}
}

func TestRequestsCarryTheirSharing(t *testing.T) {
	body := strings.Replace(goodTool, "    method: get", "    method: get\n    cache: 90s\n    family: objects/{bucket_key}\n    cache_when: {status: success}", 1)
	body += `  put_object:
    title: Put
    description: Puts an object.
    toolset: oss
    auth: [2lo]
    scopes: [data:read]
    method: put
    path: /oss/v2/buckets/{bucket_key}/objects/{object_key}
    family: objects/{bucket_key}
    params:
      bucket_key: {in: path, description: Bucket.}
      object_key: {in: path, description: Object.}
  delete_object:
    title: Delete
    description: Deletes an object.
    toolset: oss
    auth: [2lo]
    scopes: [data:read]
    method: delete
    path: /oss/v2/buckets/{bucket_key}/objects/{object_key}
    params:
      bucket_key: {in: path, description: Bucket.}
      object_key: {in: path, description: Object.}
  get_details:
    title: Details
    description: Details.
    toolset: oss
    auth: [2lo]
    scopes: [data:read]
    method: get
    path: /oss/v2/buckets/{bucket_key}/details
    cache: 1m
    params:
      bucket_key: {in: path, description: Bucket.}
`
	c, err := Load(writeCatalog(t, body), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	req, err := c.Tools["list_objects"].buildRequest(map[string]any{"bucket_key": "abc"})
	if err != nil {
		t.Fatal(err)
	}
	sh := req.Sharing
	if sh == nil || !sh.Read || sh.TTL != 90*time.Second || sh.Family != "objects/abc" || sh.Keep == nil {
		t.Fatalf("list_objects shares %+v, want a read kept 90s in family objects/abc", sh)
	}
	if sh.Keep([]byte(`{"status":"inprogress"}`)) || !sh.Keep([]byte(`{"status":"success"}`)) {
		t.Error("cache_when does not decide which answers are kept")
	}
	put, _ := c.Tools["put_object"].buildRequest(map[string]any{"bucket_key": "abc", "object_key": "k"})
	if put.Sharing == nil || put.Sharing.Read || put.Sharing.Family != "objects/abc" {
		t.Errorf("put_object shares %+v, want a write invalidating objects/abc", put.Sharing)
	}
	del, _ := c.Tools["delete_object"].buildRequest(map[string]any{"bucket_key": "abc", "object_key": "k"})
	if del.Sharing != nil {
		t.Errorf("a write without a family shares %+v, want nothing", del.Sharing)
	}
	det, _ := c.Tools["get_details"].buildRequest(map[string]any{"bucket_key": "abc"})
	if det.Sharing == nil || det.Sharing.Family != "tool:get_details" || det.Sharing.TTL != time.Minute {
		t.Errorf("a cached read without a family shares %+v, want a family of its own", det.Sharing)
	}
}
