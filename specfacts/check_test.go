package specfacts_test

import (
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/specfacts"
)

// Tools that match the specs. Each failing case below starts from one of
// these and breaks exactly one thing.
var (
	listObjects = specfacts.Tool{
		Name:   "list_objects",
		Method: "GET",
		Path:   "/oss/v2/buckets/{bucket_key}/objects",
		Params: []specfacts.Param{
			{Name: "bucket_key", In: "path", Required: true},
			{Name: "beginsWith", In: "query"},
		},
		PageSizeParam: "limit",
	}
	listBuckets = specfacts.Tool{
		Name:   "list_buckets",
		Method: "GET",
		Path:   "/oss/v2/buckets",
		Params: []specfacts.Param{
			{Name: "region", In: "query", Enum: []string{"US", "EMEA", "AUS", "CAN", "DEU", "IND", "JPN", "GBR"}},
		},
		PageSizeParam: "limit",
	}
	folderContents = specfacts.Tool{
		Name:   "list_folder_contents",
		Method: "GET",
		Path:   "/data/v1/projects/{project_id}/folders/{folder_id}/contents",
		Params: []specfacts.Param{
			{Name: "project_id", In: "path", Required: true},
			{Name: "folder_id", In: "path", Required: true},
			{Name: "filter[type]", In: "query", Enum: []string{"folders", "items"}},
			{Name: "x-user-id", In: "header"},
		},
		PageSizeParam: "page[limit]",
	}
	listIssues = specfacts.Tool{
		Name:   "list_issues",
		Method: "GET",
		Path:   "/construction/issues/v1/projects/{project_id}/issues",
		Params: []specfacts.Param{
			{Name: "project_id", In: "path", Required: true},
			{Name: "filter[status]", In: "query"},
			// Header names compare case-insensitively.
			{Name: "X-Ads-Region", In: "header", Enum: []string{"US", "EMEA"}},
		},
		PageSizeParam: "limit",
		OffsetParam:   "offset",
	}
	queryProperties = specfacts.Tool{
		Name:   "query_properties",
		Method: "POST",
		// The literal segment properties:query must match exactly.
		Path: "/modelderivative/v2/designdata/{urn}/metadata/{guid}/properties:query",
		Params: []specfacts.Param{
			{Name: "urn", In: "path", Required: true},
			{Name: "guid", In: "path", Required: true},
			{Name: "region", In: "header", Enum: []string{"US", "EMEA"}},
			{Name: "query", In: "body"},
			{Name: "pagination.limit", In: "body"},
		},
	}
	authorize = specfacts.Tool{
		Name:   "authorize",
		Method: "GET",
		Path:   "/authentication/v2/authorize",
		Params: []specfacts.Param{
			{Name: "response_type", In: "query", Required: true, Enum: []string{"code"}},
			{Name: "client_id", In: "query", Required: true},
			{Name: "redirect_uri", In: "query", Required: true},
			{Name: "scope", In: "query", Required: true},
		},
	}
	listHubs = specfacts.Tool{Name: "list_hubs", Method: "GET", Path: "/project/v1/hubs"}
)

// with returns a copy of t changed by edit, so the base tools stay intact.
func with(t specfacts.Tool, edit func(*specfacts.Tool)) specfacts.Tool {
	t.Params = append([]specfacts.Param(nil), t.Params...)
	edit(&t)
	return t
}

func TestCheckerCatchesMismatches(t *testing.T) {
	facts, err := specfacts.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		tool specfacts.Tool
		// field is the Problem.Field expected; empty means the tool passes.
		field string
		// inMessage must appear in the problem's message.
		inMessage string
	}{
		{name: "OSS list objects", tool: listObjects},
		{name: "OSS list buckets with region enum", tool: listBuckets},
		{name: "DM folder contents with filter[type]", tool: folderContents},
		{name: "ACC issues with offset pagination and region header", tool: listIssues},
		{name: "MD properties:query with body params", tool: queryProperties},
		{name: "authorize declaring its required query params", tool: authorize},
		{name: "DM hubs", tool: listHubs},
		{
			name: "method in lower case",
			tool: with(listObjects, func(t *specfacts.Tool) { t.Method = "get" }),
		},
		{
			name: "DM version links at the corrected /data/v1 path (NOTES §8.6)",
			tool: specfacts.Tool{Name: "version_links", Method: "GET", Path: "/data/v1/projects/{p}/versions/{v}/relationships/links",
				Params: []specfacts.Param{{Name: "p", In: "path"}, {Name: "v", In: "path"}}},
		},
		{
			name: "create bucket with x-ads-region and no region header (NOTES §8.5)",
			tool: specfacts.Tool{Name: "create_bucket", Method: "POST", Path: "/oss/v2/buckets",
				Params: []specfacts.Param{
					{Name: "x-ads-region", In: "header", Enum: []string{"US"}},
					{Name: "bucketKey", In: "body", Required: true},
					{Name: "policyKey", In: "body", Required: true},
				}},
		},
		{
			name: "token endpoint judged against the SSA spec that has assertion",
			tool: specfacts.Tool{Name: "ssa_token", Method: "POST", Path: "/authentication/v2/token",
				Params: []specfacts.Param{{Name: "grant_type", In: "body"}, {Name: "assertion", In: "body"}}},
		},
		{
			name: "complete upload without the client's Content-Type header",
			tool: specfacts.Tool{Name: "complete_upload", Method: "POST", Path: "/oss/v2/buckets/{b}/objects/{o}/signeds3upload",
				Params: []specfacts.Param{{Name: "b", In: "path"}, {Name: "o", In: "path"}, {Name: "uploadKey", In: "body"}}},
		},

		{
			name:      "wrong path",
			tool:      with(listObjects, func(t *specfacts.Tool) { t.Path = "/oss/v2/bucket/{x}/objects"; t.Params[0].Name = "x" }),
			field:     "path",
			inMessage: "/oss/v2/bucket/{x}/objects",
		},
		{
			name:      "wrong literal segment",
			tool:      with(queryProperties, func(t *specfacts.Tool) { t.Path = strings.Replace(t.Path, "properties:query", "properties:search", 1) }),
			field:     "path",
			inMessage: "properties:search",
		},
		{
			name:      "wrong method",
			tool:      with(listObjects, func(t *specfacts.Tool) { t.Method = "DELETE" }),
			field:     "method",
			inMessage: "DELETE",
		},
		{
			name:      "wrong location",
			tool:      with(listObjects, func(t *specfacts.Tool) { t.Params[1].In = "header" }),
			field:     "params.beginsWith",
			inMessage: `"beginsWith" is a query parameter`,
		},
		{
			name:      "unknown parameter",
			tool:      with(listObjects, func(t *specfacts.Tool) { t.Params = append(t.Params, specfacts.Param{Name: "prefix", In: "query"}) }),
			field:     "params.prefix",
			inMessage: `"prefix"`,
		},
		{
			name:      "DM filter names compare literally",
			tool:      with(folderContents, func(t *specfacts.Tool) { t.Params[2].Name = "filter[Type]" }),
			field:     "params.filter[Type]",
			inMessage: `"filter[Type]"`,
		},
		{
			name:      "enum not a subset",
			tool:      with(listBuckets, func(t *specfacts.Tool) { t.Params[0].Enum = []string{"US", "MARS"} }),
			field:     "params.region",
			inMessage: "MARS",
		},
		{
			name:      "legacy APAC dropped from the OSS region enum (NOTES §8.5)",
			tool:      with(listBuckets, func(t *specfacts.Tool) { t.Params[0].Enum = []string{"US", "APAC"} }),
			field:     "params.region",
			inMessage: "APAC",
		},
		{
			name:      "enum on an array-typed filter not a subset",
			tool:      with(folderContents, func(t *specfacts.Tool) { t.Params[2].Enum = []string{"folders", "versions"} }),
			field:     "params.filter[type]",
			inMessage: "versions",
		},
		{
			name:      "missing required query parameter",
			tool:      with(authorize, func(t *specfacts.Tool) { t.Params = append(t.Params[:2], t.Params[3:]...) }),
			field:     "params.redirect_uri",
			inMessage: `query parameter "redirect_uri"`,
		},
		{
			name:      "path parameter without placeholder",
			tool:      with(listObjects, func(t *specfacts.Tool) { t.Params[0].Name = "bucketKey" }),
			field:     "params.bucketKey",
			inMessage: "{bucketKey}",
		},
		{
			name:      "page size parameter the spec lacks",
			tool:      with(listHubs, func(t *specfacts.Tool) { t.PageSizeParam = "page[limit]" }),
			field:     "paginate.page_size_param",
			inMessage: `"page[limit]"`,
		},
		{
			name:      "offset parameter the spec lacks",
			tool:      with(listIssues, func(t *specfacts.Tool) { t.OffsetParam = "startAt" }),
			field:     "paginate.offset_param",
			inMessage: `"startAt"`,
		},
		{
			name:      "unknown body property",
			tool:      with(queryProperties, func(t *specfacts.Tool) { t.Params[4].Name = "paging.limit" }),
			field:     "params.paging.limit",
			inMessage: `"paging"`,
		},
		{
			name:      "body parameter on an operation without body",
			tool:      with(listObjects, func(t *specfacts.Tool) { t.Params = append(t.Params, specfacts.Param{Name: "name", In: "body"}) }),
			field:     "params.name",
			inMessage: `"name"`,
		},
		{
			name:      "unknown location",
			tool:      with(listObjects, func(t *specfacts.Tool) { t.Params[1].In = "cookie" }),
			field:     "params.beginsWith",
			inMessage: `"cookie"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := facts.Check(tt.tool)
			if tt.field == "" {
				if len(ps) != 0 {
					t.Fatalf("want no problems, got %v", ps)
				}
				return
			}
			// Exactly one problem: each case breaks one thing, and anything
			// more would be a false positive.
			if len(ps) != 1 {
				t.Fatalf("want one problem on %s, got %v", tt.field, ps)
			}
			p := ps[0]
			if p.Tool != tt.tool.Name || p.Field != tt.field || !strings.Contains(p.Message, tt.inMessage) {
				t.Errorf("got %v\nwant tool %s, field %s, message containing %s", p, tt.tool.Name, tt.field, tt.inMessage)
			}
		})
	}
}

func TestCheckReads(t *testing.T) {
	facts, err := specfacts.Load()
	if err != nil {
		t.Fatal(err)
	}
	reads := func(tool specfacts.Tool, paths ...string) specfacts.Tool {
		for _, p := range paths {
			tool.Reads = append(tool.Reads, specfacts.Read{Field: "result", Path: p})
		}
		return tool
	}
	tests := []struct {
		name string
		tool specfacts.Tool
		// inMessage is in the one problem expected; empty means none.
		inMessage string
	}{
		{"OSS objects", reads(listObjects, "items", "next", "items.#.objectKey", "items.#.size"), ""},
		{"DM folder contents, with an open extension.data", reads(folderContents, "data.#.attributes.displayName", "data.#.attributes.extension.data.anything.at.all"), ""},
		{"DM next page (NOTES §5.2 gap corrected)", reads(listHubs, "links.next.href", "meta.warnings"), ""},
		{"MD properties:query collection (NOTES §6 gap corrected)", reads(queryProperties, "data.collection.#.objectid", "pagination.totalResults"), ""},
		{"an operation the specs lack is Check's to report", reads(specfacts.Tool{Name: "x", Method: "GET", Path: "/nowhere"}, "a"), ""},
		{"misspelled field", reads(listObjects, "items.#.objectKy"), "reads items.#.objectKy, which the response schema of get_objects (GET /oss/v2/buckets/{bucketKey}/objects in oss.yaml) lacks; under items.# it has"},
		{"into a plain value", reads(listObjects, "items.#.size.bytes"), "items.#.size is a plain value"},
		{"an array read as an object", reads(listObjects, "items.objectKey"), "items is an array: read its elements with #"},
		{"at the top", reads(listHubs, "dta.#.id"), "at the top it has data, jsonapi, links, meta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := facts.CheckReads(tt.tool)
			if tt.inMessage == "" {
				if len(ps) != 0 {
					t.Fatalf("want no problems, got %v", ps)
				}
				return
			}
			if len(ps) != 1 || ps[0].Field != "result" || !strings.Contains(ps[0].Message, tt.inMessage) {
				t.Errorf("got %v\nwant one problem on result containing %q", ps, tt.inMessage)
			}
		})
	}
}
