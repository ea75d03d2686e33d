package registry

import (
	"encoding/base64"
	"strings"
	"testing"
)

const featureCatalog = `version: 1
toolsets:
  s: {description: S}
tools:
  query_things:
    title: Query things
    description: Posts a query.
    toolset: s
    auth: [2lo]
    method: POST
    path: /designdata/{urn}/things:query
    headers: {x-ads-force: "true"}
    params:
      urn: {in: path, type: string, transform: base64url, description: URN.}
      project_id: {in: query, name: projectId, type: string, transform: 'strip_prefix:b.', description: Project.}
      statuses: {in: query, name: 'filter[status]', type: array, items: string, enum: [open, closed], description: Statuses.}
      fields: {in: body, type: array, description: Fields.}
      query: {in: body, type: object, description: Query.}
      limit: {in: body, name: pagination.limit, type: integer, minimum: 1, maximum: 1000, description: Limit.}
      offset: {in: body, name: pagination.offset, type: integer, description: Offset.}
    pending: {status: 202, message: Not ready yet; try again.}
`

func TestBodiesArraysTransformsHeaders(t *testing.T) {
	c, err := Load(writeCatalog(t, featureCatalog), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	tool := c.Tools["query_things"]
	const versionID = "urn:adsk.wipprod:fs.file:vf.abc?version=2"
	encoded := base64.RawURLEncoding.EncodeToString([]byte(versionID))
	tests := []struct {
		name     string
		args     map[string]any
		wantPath string
		query    string
		body     string
		err      string
	}{
		{name: "everything", args: map[string]any{"urn": versionID, "project_id": "b.123", "statuses": []any{"open", "closed"},
			"fields": []any{"name", "externalId"}, "query": map[string]any{"$in": []any{"objectid", 1.0}}, "limit": 50.0, "offset": 0.0},
			wantPath: "/designdata/" + encoded + "/things:query", query: "filter%5Bstatus%5D=open%2Cclosed&projectId=123",
			body: `{"fields":["name","externalId"],"pagination":{"limit":50,"offset":0},"query":{"$in":["objectid",1]}}`},
		{name: "already encoded urn passes", args: map[string]any{"urn": encoded, "project_id": "123"}, wantPath: "/designdata/" + encoded + "/things:query", query: "projectId=123"},
		{name: "padded urn loses its padding", args: map[string]any{"urn": base64.URLEncoding.EncodeToString([]byte("urn:x"))}, wantPath: "/designdata/" + base64.RawURLEncoding.EncodeToString([]byte("urn:x")) + "/things:query"},
		{name: "array element outside enum", args: map[string]any{"urn": "u", "statuses": []any{"open", "lost"}}, err: "argument statuses: element 1 must be one of open, closed"},
		{name: "one value for an array", args: map[string]any{"urn": "u", "statuses": "open"}, wantPath: "/designdata/dQ/things:query", query: "filter%5Bstatus%5D=open"},
		{name: "one value outside enum", args: map[string]any{"urn": "u", "statuses": "lost"}, err: `argument statuses: must be one of open, closed, got "lost"`},
		{name: "array of wrong type", args: map[string]any{"urn": "u", "statuses": map[string]any{"s": "open"}}, err: "argument statuses: must be an array of strings, got an object"},
		{name: "array of wrong element type", args: map[string]any{"urn": "u", "statuses": 3.0}, err: "argument statuses: must be an array of strings, got a number"},
		{name: "object of wrong type", args: map[string]any{"urn": "u", "query": []any{}}, err: "argument query: must be an object"},
		{name: "bounds in body", args: map[string]any{"urn": "u", "limit": 5000.0}, err: "argument limit: must be at most 1000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := tool.buildRequest(tc.args)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if req.Path != tc.wantPath || req.Query.Encode() != tc.query || string(req.Body) != tc.body {
				t.Errorf("got %s ? %s body %s", req.Path, req.Query.Encode(), req.Body)
			}
			if req.Header.Get("x-ads-force") != "true" {
				t.Error("the tool's constant header is missing")
			}
		})
	}
	schema := string(tool.schema)
	for _, want := range []string{`"statuses":{"description":"Statuses.","items":{"enum":["open","closed"],"type":"string"},"type":"array"}`, `"query":{"description":"Query.","type":"object"}`} {
		if !strings.Contains(schema, want) {
			t.Errorf("schema lacks %s:\n%s", want, schema)
		}
	}
}

func TestFeatureValidation(t *testing.T) {
	tests := []struct {
		replace [2]string
		want    string
	}{
		{[2]string{"transform: base64url", "transform: rot13"}, `field params.urn.transform: unknown transform "rot13"`},
		{[2]string{"transform: 'strip_prefix:b.'", "transform: strip_prefix"}, "transform strip_prefix needs an argument"},
		{[2]string{"method: POST", "method: GET"}, "a GET request has no body"},
		{[2]string{"items: string, enum", "items: date, enum"}, `field params.statuses.items: must be one of`},
		{[2]string{"{status: 202, message: Not ready yet; try again.}", "{status: 500, message: x}"}, "field pending: needs a 2xx status"},
		{[2]string{"title: Query things", "title: ''"}, "field title: missing"},
	}
	for _, tc := range tests {
		_, err := Load(writeCatalog(t, strings.Replace(featureCatalog, tc.replace[0], tc.replace[1], 1)), testLoadOptions)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.replace[1], err, tc.want)
		}
	}
}
