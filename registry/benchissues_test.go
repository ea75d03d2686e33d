package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/sharedreads"
)

// benchIssues is how many issues the Issues benchmarks list: the bench
// program's large project.
const benchIssues = 1000

// issueTemplate is one issue as the emulator renders it (about 1.2 KB),
// with %d for its number.
const issueTemplate = `{"id":"53d86d8a-091f-4edb-b77b-%012d","containerId":"5eed0000-0000-4000-8001-000000000001","deleted":false,` +
	`"displayId":%d,"title":"Missing fire stopping – lobby","description":"Found during the weekly site walk.","snapshotUrn":null,` +
	`"issueTypeId":"b1e2c709-0635-4300-8786-5caf6e07bd1f","issueSubtypeId":"7245c40a-d1ad-4685-b600-b0917e4d49d5","status":"open",` +
	`"assignedTo":"C4NP8WD2FJ6S","assignedToType":"user","dueDate":"2024-01-16","startDate":null,"locationId":null,` +
	`"locationDetails":"lobby","linkedDocuments":[],"links":[],"ownerId":"APSEMUDEMOUSER1","rootCauseId":null,"officialResponse":null,` +
	`"issueTemplateId":null,"permittedStatuses":["open","in_review","closed"],"permittedAttributes":["title","description","status",` +
	`"assignedTo","assignedToType","dueDate","startDate","locationDetails","rootCauseId"],"published":true,"permittedActions":{},` +
	`"commentCount":0,"attachmentCount":0,"openedBy":"APSEMUDEMOUSER1","openedAt":"2024-01-01T07:00:01.237Z","closedBy":null,` +
	`"closedAt":null,"createdBy":"APSEMUDEMOUSER1","createdAt":"2024-01-01T07:00:01.237Z","updatedBy":"C4NP8WD2FJ6S",` +
	`"updatedAt":"2024-01-02T07:00:01.237Z","watchers":[],"customAttributes":[],"gpsCoordinates":null,"snapshotHasMarkups":false}`

// issuesAPSB serves ACC Issues pages (limit/offset, totalResults) of
// benchIssues issues, each page rendered once and then sent as it is.
func issuesAPSB(b *testing.B) *httptest.Server {
	b.Helper()
	pages := map[string][]byte{}
	for offset := 0; offset < benchIssues; offset += 100 {
		var sb strings.Builder
		fmt.Fprintf(&sb, `{"pagination":{"limit":100,"offset":%d,"totalResults":%d},"results":[`, offset, benchIssues)
		for n := offset + 1; n <= min(offset+100, benchIssues); n++ {
			if n > offset+1 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, issueTemplate, n, n)
		}
		sb.WriteString(`]}`)
		pages[strconv.Itoa(offset)] = []byte(sb.String())
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		offset := r.URL.Query().Get("offset")
		if offset == "" {
			offset = "0"
		}
		page, ok := pages[offset]
		if !ok || r.URL.Query().Get("limit") != "100" {
			http.Error(w, "unexpected page "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(page)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkListIssues1000: the shipped list_issues listing all 1,000
// issues of a project in one call against a local stub, as a team
// server makes it (reads shared through sharedreads, caps raised as the
// bench program's listing rows raise them), and its result encoded as
// mcp-go's streamable HTTP transport writes it: the server's whole CPU
// cost of the call but for the HTTP request that carries it.
func BenchmarkListIssues1000(b *testing.B) {
	srv := issuesAPSB(b)
	c, err := Load(filepath.Join("..", "tools.yaml"), LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope})
	if err != nil {
		b.Fatal(err)
	}
	rt := &Runtime{
		BaseURL: srv.URL, HTTP: apshttp.NewClient(apshttp.ClientOptions{}), Auth: staticToken{},
		Retry: apshttp.RetryPolicy{MaxAttempts: 1}, CursorKey: CursorKey("test"), Logger: discardLogger(),
		Limits: Limits{MaxItems: 5000, MaxBytes: 50_000_000}, Sharer: sharedreads.New(sharedreads.Options{MaxBytes: 64 << 20}),
	}
	h := rt.Handler(c.Tools["list_issues"])
	req := mcp.CallToolRequest{}
	req.Params.Name = "list_issues"
	req.Params.Arguments = map[string]any{"project_id": "5eed0000-0000-4000-8001-000000000001"}
	b.ReportAllocs()
	for b.Loop() {
		res, err := h(context.Background(), req)
		if err != nil || res.IsError {
			b.Fatal(err, res)
		}
		if n := strings.Count(string(res.RawStructuredContent), `{"id":"`); n != benchIssues {
			b.Fatalf("%d issues listed, want %d", n, benchIssues)
		}
		if err := json.NewEncoder(io.Discard).Encode(mcp.NewJSONRPCResultResponse(mcp.NewRequestId(7), res)); err != nil {
			b.Fatal(err)
		}
	}
}
