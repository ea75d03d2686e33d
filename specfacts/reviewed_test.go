package specfacts

import (
	"strings"
	"testing"
	"testing/fstest"
)

// minimalFacts stands in for facts.json: one generated operation.
const minimalFacts = `{"note":"test","operations":[
{"method":"GET","path":"/oss/v2/buckets","operationId":"get_buckets","file":"oss.yaml","params":[{"name":"limit","in":"query"}],"response":{"items":{"#":{"bucketKey":{}}}}}]}`

// reviewedOp is a well-formed reviewed operation; the refusal cases below
// each break one thing in it.
const reviewedOp = `{"method":"POST","path":"/construction/rfis/v3/projects/{projectId}/search:rfis","operationId":"searchRfis",
"docs":["https://aps.autodesk.com/en/docs/acc/v1/reference/http/rfis-search-rfis-POST"],
"params":[{"name":"projectId","in":"path","required":true},{"name":"Region","in":"header","enum":["EMEA","US"]}],
"body":{"content":[{"type":"application/json","properties":["filter","limit","offset"]}]},
"response":{"results":{"#":{"id":{},"title":{}}},"pagination":{"totalResults":{}}}}`

func reviewedFiles(ops ...string) fstest.MapFS {
	return fstest.MapFS{"r/rfis.json": {Data: []byte(`{"note":"test","operations":[` + strings.Join(ops, ",") + `]}`)}}
}

func TestReviewedOperationIsCheckedLikeAGeneratedOne(t *testing.T) {
	f, err := load([]byte(minimalFacts), reviewedFiles(reviewedOp), "r")
	if err != nil {
		t.Fatal(err)
	}
	ops := f.Lookup("POST", "/construction/rfis/v3/projects/{p}/search:rfis")
	if len(ops) != 1 || ops[0].File != "reviewed/rfis.json" || len(ops[0].Docs) != 1 {
		t.Fatalf("reviewed operation: got %+v", ops)
	}
	good := Tool{Name: "list_rfis", Method: "POST", Path: "/construction/rfis/v3/projects/{project_id}/search:rfis",
		Params: []Param{{Name: "project_id", In: InPath, Required: true}, {Name: "limit", In: InBody}, {Name: "region", In: InHeader, Enum: []string{"US"}}},
		Reads:  []Read{{Field: "result", Path: "results.#.title"}}}
	if ps := f.Check(good); len(ps) != 0 {
		t.Errorf("good tool: %v", ps)
	}
	if ps := f.CheckReads(good); len(ps) != 0 {
		t.Errorf("good reads: %v", ps)
	}
	tests := []struct {
		name, field, inMessage string
		edit                   func(*Tool)
	}{
		{"unknown body property", "params.sort", `no top-level property "sort"`, func(t *Tool) { t.Params = append(t.Params, Param{Name: "sort", In: InBody}) }},
		{"enum beyond the doc's", "params.region", "AUS", func(t *Tool) { t.Params[2].Enum = []string{"US", "AUS"} }},
		{"wrong method", "method", "the specs declare no GET", func(t *Tool) { t.Method = "GET" }},
		{"wrong location", "params.limit", "is not a parameter of searchRfis (POST /construction/rfis/v3/projects/{projectId}/search:rfis in reviewed/rfis.json)", func(t *Tool) { t.Params[1].In = InQuery }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := good
			bad.Params = append([]Param(nil), good.Params...)
			tt.edit(&bad)
			ps := f.Check(bad)
			if len(ps) != 1 || ps[0].Field != tt.field || !strings.Contains(ps[0].Message, tt.inMessage) {
				t.Errorf("got %v, want one problem on %s containing %q", ps, tt.field, tt.inMessage)
			}
		})
	}
	bad := good
	bad.Reads = []Read{{Field: "result", Path: "results.#.titel"}}
	if ps := f.CheckReads(bad); len(ps) != 1 || !strings.Contains(ps[0].Message, "reviewed/rfis.json") {
		t.Errorf("misspelled read: got %v", ps)
	}
}

func TestReviewedEntryRefused(t *testing.T) {
	change := func(old, new string) string {
		if !strings.Contains(reviewedOp, old) {
			t.Fatalf("test case edits %q, which the operation lacks", old)
		}
		return strings.Replace(reviewedOp, old, new, 1)
	}
	tests := []struct {
		name      string
		fs        fstest.MapFS
		inMessage string
	}{
		{"no doc URL", reviewedFiles(change(`"docs":["https://aps.autodesk.com/en/docs/acc/v1/reference/http/rfis-search-rfis-POST"],`, "")), "no doc URL"},
		{"empty doc list", reviewedFiles(change(`"https://aps.autodesk.com/en/docs/acc/v1/reference/http/rfis-search-rfis-POST"`, "")), "no doc URL"},
		{"doc URL not on autodesk.com", reviewedFiles(change("https://aps.autodesk.com/", "https://example.com/")), "not an https page on autodesk.com"},
		{"plain http doc URL", reviewedFiles(change("https://", "http://")), "not an https page"},
		{"lower-case method", reviewedFiles(change(`"POST"`, `"post"`)), `method "post"`},
		{"no operationId", reviewedFiles(change(`"operationId":"searchRfis",`, "")), "no operationId"},
		{"file given", reviewedFiles(change(`"operationId"`, `"file":"x.yaml","operationId"`)), "leave it out"},
		{"optional path parameter", reviewedFiles(change(`"in":"path","required":true`, `"in":"path"`)), "must be required"},
		{"placeholder without parameter", reviewedFiles(change(`{"name":"projectId","in":"path","required":true},`, "")), "{projectId} has no path parameter"},
		{"body location", reviewedFiles(change(`"in":"header"`, `"in":"body"`)), `location "body"`},
		{"unknown field", reviewedFiles(change(`"docs"`, `"doc":"x","docs"`)), `unknown field "doc"`},
		{"no note", fstest.MapFS{"r/x.json": {Data: []byte(`{"operations":[]}`)}}, "needs a note"},
		{"same endpoint as a spec", reviewedFiles(`{"method":"GET","path":"/oss/v2/buckets","operationId":"x","docs":["https://aps.autodesk.com/x"]}`), "already declared in oss.yaml"},
		{"same endpoint twice", reviewedFiles(reviewedOp, reviewedOp), "already declared in reviewed/rfis.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load([]byte(minimalFacts), tt.fs, "r")
			if err == nil || !strings.Contains(err.Error(), tt.inMessage) {
				t.Fatalf("got %v, want an error containing %q", err, tt.inMessage)
			}
			if !strings.Contains(err.Error(), "reviewed/") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestShippedReviewedFacts(t *testing.T) {
	f, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, op := range f.Operations {
		if strings.HasPrefix(op.File, ReviewedDir+"/") {
			n++
			if len(op.Docs) == 0 {
				t.Errorf("%s %s in %s has no doc URL", op.Method, op.Path, op.File)
			}
		} else if len(op.Docs) != 0 {
			t.Errorf("generated %s %s has docs", op.Method, op.Path)
		}
	}
	if n == 0 {
		t.Error("no reviewed operations loaded")
	}
}
