package metrics

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAPILabel(t *testing.T) {
	for path, want := range map[string]string{
		"/oss/v2/buckets/x/objects":                    "oss/v2",
		"/project/v1/hubs":                             "project/v1",
		"/data/v1/projects/b.1/folders/f/contents":     "data/v1",
		"/modelderivative/v2/designdata/dXJu/manifest": "modelderivative/v2",
		"/construction/issues/v1/projects/1/issues":    "construction/issues",
		"/userinfo":                "userinfo",
		"/authentication/v2/token": "authentication/v2",
	} {
		if got := API(path); got != want {
			t.Errorf("API(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestRecordsAndServes(t *testing.T) {
	var nilMetrics *Metrics
	nilMetrics.ToolCall("x", "ok", time.Second) // a nil *Metrics records nothing, without panicking

	m := New()
	m.ToolCall("list_buckets", "ok", 20*time.Millisecond)
	m.APSRequest("/oss/v2/buckets", 429)
	m.Retry("/oss/v2/buckets", 2)
	m.TokenFetch("2lo", nil)
	m.TokenFetch("2lo", errors.New("refused"))
	m.Shaped("list_buckets", 4096, 2*time.Millisecond)
	m.Shared("list_projects", 3, 1500*time.Millisecond)
	m.Shared("list_projects", 0, 0) // nothing shared or paced: no change
	m.Session(1)
	m.Session(1)
	m.Session(-1)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`aps_mcp_tool_calls_total{outcome="ok",tool="list_buckets"} 1`,
		`aps_mcp_aps_requests_total{api="oss/v2",status="429"} 1`,
		`aps_mcp_aps_retries_total{api="oss/v2"} 2`,
		`aps_mcp_token_fetches_total{kind="2lo",outcome="error"} 1`,
		`aps_mcp_tool_call_duration_seconds_bucket{tool="list_buckets",le="0.025"} 1`,
		`aps_mcp_shaped_bytes_total{tool="list_buckets"} 4096`,
		`aps_mcp_shaping_seconds_total{tool="list_buckets"} 0.002`,
		`aps_mcp_shared_reads_total{tool="list_projects"} 3`,
		`aps_mcp_paced_seconds_total{tool="list_projects"} 1.5`,
		"aps_mcp_sessions 1\n",
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
