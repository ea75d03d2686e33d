package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/tidwall/gjson"
)

func benchTool(b *testing.B) *Tool {
	b.Helper()
	c, err := Load(writeCatalogF(b, goodTool), testLoadOptions)
	if err != nil {
		b.Fatal(err)
	}
	return c.Tools["list_objects"]
}

// BenchmarkBuildRequest: argument validation and URL building.
func BenchmarkBuildRequest(b *testing.B) {
	tool := benchTool(b)
	args := map[string]any{"bucket_key": "abcdef", "limit": 50.0}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tool.buildRequest(args); err != nil {
			b.Fatal(err)
		}
	}
}

// objectsPage is an OSS page of n objects.
func objectsPage(n int) []byte {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"bucketKey":"bench","objectKey":"part-%05d.ipt","objectId":"urn:adsk.objects:os.object:bench/part-%05d.ipt","sha1":"cdbf71bfc07cbc18372a5dd4b6e161463cb7fd35","size":%d,"contentType":"application/octet-stream","location":"https://developer.api.autodesk.com/oss/v2/buckets/bench/objects/part-%05d.ipt"}`, i, i, i*7, i)
	}
	sb.WriteString(`]}`)
	return []byte(sb.String())
}

// BenchmarkProjectPage: per-item projection of one 100-object page, the
// work a listing does per page.
func BenchmarkProjectPage(b *testing.B) {
	tool := &Tool{Result: "{object_key:objectKey,object_id:objectId,size,sha1,content_type:contentType}"}
	tool.projection = compileProjection(tool.Result)
	page := objectsPage(100)
	var buf []byte
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		gjson.GetBytes(page, "items").ForEach(func(_, item gjson.Result) bool {
			buf = projectItem(buf[:0], tool, item)
			return true
		})
	}
}

// BenchmarkShapeObject: projection and result encoding of a single
// resource.
func BenchmarkShapeObject(b *testing.B) {
	tool := &Tool{Result: "{bucket_key:bucketKey,owner:bucketOwner,created_date:createdDate,policy_key:policyKey,permissions}"}
	tool.projection = compileProjection(tool.Result)
	body := []byte(`{"bucketKey":"apptestbucket","bucketOwner":"F6Dn8ypem1j8P6sUz8IX3pmSoNA99GUT","createdDate":1463785697512,"permissions":[{"authId":"F6Dn8ypem1j8P6sUz8IX3pmSoNA99GUT","access":"full"}],"policyKey":"transient"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := projectAnswer(tool, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResultEncoding: a listing's result as it goes on the wire: the
// handler's result in mcp-go's JSON-RPC response, encoded as mcp-go's
// streamable HTTP transport does (json.Encoder; the result's own
// MarshalJSON, then the encoder compacts its output once more).
func BenchmarkResultEncoding(b *testing.B) {
	out := objectsPage(100)
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		resp := mcp.NewJSONRPCResultResponse(mcp.NewRequestId(7), compactResult(out))
		if err := json.NewEncoder(io.Discard).Encode(resp); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListOnePage: a whole one-page listing call against a local stub
// (HTTP round trip included), through the handler.
func BenchmarkListOnePage(b *testing.B) {
	srv := pagedAPSB(b, 100)
	rt, c := pagedRuntimeB(b, srv.URL)
	h := rt.Handler(c.Tools["list_next"])
	req := mcp.CallToolRequest{}
	req.Params.Name = "list_next"
	b.ReportAllocs()
	for b.Loop() {
		if res, err := h(context.Background(), req); err != nil || res.IsError {
			b.Fatal(err, res)
		}
	}
}
