package registry

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

func TestBudgetsReachTheirTools(t *testing.T) {
	for _, tc := range []struct {
		name, budgets string
		want          *apshttp.Budget
	}{
		{"per application", "budgets:\n  GET /oss/v2/buckets/{bucket}/objects: {per_minute: 50}\n",
			&apshttp.Budget{Family: "GET /oss/v2/buckets/{bucket}/objects", PerMinute: 50}},
		{"per user", "budgets:\n  GET /oss/v2/buckets/{bucket_key}/objects: {per_minute: 500, per: user}\n",
			&apshttp.Budget{Family: "GET /oss/v2/buckets/{bucket_key}/objects", PerMinute: 500, PerUser: true}},
		{"none", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(writeCatalog(t, goodTool+tc.budgets), testLoadOptions)
			if err != nil {
				t.Fatal(err)
			}
			tool := c.Tools["list_objects"]
			got := tool.budget
			if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
				t.Fatalf("budget %+v, want %+v", got, tc.want)
			}
			req, err := tool.buildRequest(map[string]any{"bucket_key": "b"})
			if err != nil || req.Budget != got {
				t.Errorf("the request carries %+v (%v), want the tool's budget", req.Budget, err)
			}
		})
	}
}

func TestBudgetProblemsNameFileLineAndField(t *testing.T) {
	const line = 18 // the first line after goodTool's 17 and "budgets:"
	for _, tc := range []struct {
		name, entry, subject, field, message string
	}{
		{"lower-case method", "get /oss/v2/buckets/{b}/objects: {per_minute: 5}", "budget get /oss/v2/buckets/{b}/objects", "", "HTTP method in capitals"},
		{"no path", "GET oss: {per_minute: 5}", "budget GET oss", "", "APS path starting with /"},
		{"no tool calls it", "GET /oss/v2/buckets: {per_minute: 5}", "budget GET /oss/v2/buckets", "", "no tool calls GET /oss/v2/buckets"},
		{"zero", "GET /oss/v2/buckets/{b}/objects: {per_minute: 0}", "budget GET /oss/v2/buckets/{b}/objects", "per_minute", "must be at least 1"},
		{"missing", "GET /oss/v2/buckets/{b}/objects: {per: user}", "budget GET /oss/v2/buckets/{b}/objects", "per_minute", "must be at least 1"},
		{"not a number", "GET /oss/v2/buckets/{b}/objects: {per_minute: lots}", "budget GET /oss/v2/buckets/{b}/objects", "per_minute", "whole number"},
		{"unknown per", "GET /oss/v2/buckets/{b}/objects: {per_minute: 5, per: team}", "budget GET /oss/v2/buckets/{b}/objects", "per", `must be "application" or "user"`},
		{"unknown field", "GET /oss/v2/buckets/{b}/objects: {per_minute: 5, burst: 3}", "budget GET /oss/v2/buckets/{b}/objects", "burst", "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeCatalog(t, goodTool+"budgets:\n  "+tc.entry+"\n")
			_, err := Load(file, testLoadOptions)
			ps, ok := strictyaml.AsProblems(err)
			if !ok || len(ps) != 1 {
				t.Fatalf("got %v, want one problem", err)
			}
			p := ps[0]
			if p.File != file || p.Line != line || p.Subject != tc.subject || p.Field != tc.field || !strings.Contains(p.Message, tc.message) {
				t.Errorf("got %s (line %d, subject %q, field %q); want line %d, %q, field %q, a message with %q",
					p, p.Line, p.Subject, p.Field, line, tc.subject, tc.field, tc.message)
			}
		})
	}
}

func TestBudgetsOfOneEndpointClash(t *testing.T) {
	body := goodTool + "budgets:\n  GET /oss/v2/buckets/{a}/objects: {per_minute: 5}\n  GET /oss/v2/buckets/{b}/objects: {per_minute: 6}\n"
	_, err := Load(writeCatalog(t, body), testLoadOptions)
	ps, _ := strictyaml.AsProblems(err)
	if len(ps) != 1 || ps[0].Line != 19 || !strings.Contains(ps[0].Message, `the same endpoint as budget "GET /oss/v2/buckets/{a}/objects"`) {
		t.Fatalf("got %v, want the second budget refused as the first's endpoint", err)
	}
}

// TestShippedBudgetsArePublishedOnes pins the shipped figures to NOTES §1.5:
// a budget above the published limit would draw the 429s it exists to avoid.
func TestShippedBudgetsArePublishedOnes(t *testing.T) {
	c, err := Load(filepath.Join("..", "tools.yaml"), LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"list_hubs": 50, "get_hub": 50, "list_projects": 50, "get_project": 50,
		"list_top_folders": 300, "list_folder_contents": 300, "whoami": 500,
		"list_issues": 500, "get_issue": 500, "list_issue_types": 500, "list_issue_comments": 500, "list_issue_root_causes": 500,
	}
	for name, tool := range c.Tools {
		b, limit := tool.budget, want[name]
		switch {
		case limit == 0 && b != nil:
			t.Errorf("%s has a budget of %d a minute; APS publishes none for it", name, b.PerMinute)
		case limit != 0 && (b == nil || b.PerMinute != limit):
			t.Errorf("%s: budget %+v, want %d a minute", name, b, limit)
		case b != nil && b.PerUser != strings.HasPrefix(b.Family, "GET /construction/issues/"):
			t.Errorf("%s: per user %v; only the Issues figure is per user", name, b.PerUser)
		}
	}
}
