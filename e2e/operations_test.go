package e2e_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

const ownerTool = `
  get_bucket_owner:
    title: Get a bucket's owner
    description: Returns who owns an OSS bucket (added while the server runs).
    toolset: oss
    auth: [2lo]
    scopes: [bucket:read]
    method: GET
    path: /oss/v2/buckets/{bucket_key}/details
    params:
      bucket_key: {in: path, type: string, description: Bucket.}
    result: '{owner:bucketOwner}'
`

const policyTool = `
  get_bucket_policy:
    title: Get a bucket's policy
    description: Returns a bucket's retention policy (added after a broken edit).
    toolset: oss
    auth: [2lo]
    scopes: [bucket:read]
    method: GET
    path: /oss/v2/buckets/{bucket_key}/details
    params:
      bucket_key: {in: path, type: string, description: Bucket.}
    result: '{policy:policyKey}'
`

// TestHotReload edits tools.yaml under a running server: an added tool
// appears with tools/list_changed; a broken file keeps the running tools;
// the fix goes live.
func TestHotReload(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	shipped, err := os.ReadFile(filepath.Join(repoRoot, "tools.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	toolsFile := filepath.Join(t.TempDir(), "tools.yaml")
	must(t, os.WriteFile(toolsFile, shipped, 0o600))
	logs := &syncBuffer{}
	url := startServer(t, base, serverOptions{toolsFile: toolsFile, logs: logs})

	changed := make(chan struct{}, 10)
	cl := sdk.NewClient(&sdk.Implementation{Name: "reload-e2e", Version: "1"}, &sdk.ClientOptions{
		ToolListChangedHandler: func(context.Context, *sdk.ToolListChangedRequest) { changed <- struct{}{} },
	})
	ctx := context.Background()
	session, err := cl.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: url, MaxRetries: -1},
		&sdk.ClientSessionOptions{ProtocolVersion: "2025-11-25"}) // list_changed over the session's standalone stream
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	names := func() []string {
		res, err := session.ListTools(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, tool := range res.Tools {
			n = append(n, tool.Name)
		}
		return n
	}
	call := func(name string) *sdk.CallToolResult {
		args := map[string]any{"bucket_key": demoBucket}
		if name == "list_buckets" {
			args = nil
		}
		res, err := session.CallTool(ctx, &sdk.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res
	}
	waitChanged := func(what string) {
		select {
		case <-changed:
		case <-time.After(10 * time.Second):
			t.Fatalf("no tools/list_changed after %s", what)
		}
	}

	// Add a tool: rewrite by rename, as editors save.
	replaceFile(t, toolsFile, withTools(t, shipped, ownerTool))
	waitChanged("adding a tool")
	if !slices.Contains(names(), "get_bucket_owner") || call("get_bucket_owner").IsError {
		t.Fatal("the added tool is not served")
	}

	// Break the file: the running tools stay.
	replaceFile(t, toolsFile, withTools(t, shipped, "  broken: [\n"))
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "reload refused") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "reload refused") || !strings.Contains(logs.String(), "tools.yaml") {
		t.Fatalf("the broken file was not reported:\n%s", logs.String())
	}
	if got := names(); !slices.Contains(got, "get_bucket_owner") {
		t.Errorf("while the file is broken, the tools are %v", got)
	}
	for _, name := range []string{"get_bucket_owner", "list_buckets"} {
		if res := call(name); res.IsError {
			t.Errorf("while the file is broken, %s fails: %v", name, res.Content)
		}
	}

	// Fix it, with one more tool.
	replaceFile(t, toolsFile, withTools(t, shipped, ownerTool, policyTool))
	waitChanged("fixing the file")
	if got := names(); !slices.Contains(got, "get_bucket_policy") || !slices.Contains(got, "get_bucket_owner") {
		t.Errorf("after the fix the tools are %v", got)
	}
	if call("get_bucket_policy").IsError {
		t.Error("the new tool fails")
	}
	if n := strings.Count(logs.String(), "reload refused"); n > 3 {
		t.Errorf("the broken file was reported %d times; each problem should be logged once", n)
	}

	// Drop a tool: the reload says which (logged just after clients are
	// told the list changed).
	replaceFile(t, toolsFile, withTools(t, shipped, policyTool))
	waitChanged("dropping a tool")
	lost := regexp.MustCompile(`reload removed tools.*removed=get_bucket_owner`)
	for deadline := time.Now().Add(10 * time.Second); !lost.MatchString(logs.String()) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !lost.MatchString(logs.String()) {
		t.Errorf("the reload that lost get_bucket_owner does not say so:\n%s", logs.String())
	}
}

// replaceFile writes a file the way editors save: a temporary file renamed
// over the original.
func replaceFile(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp~"
	must(t, os.WriteFile(tmp, data, 0o600))
	must(t, os.Rename(tmp, path))
}

// TestMetricsAndHealth scrapes /metrics after some calls.
func TestMetricsAndHealth(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	url := startServer(t, base, serverOptions{})
	c := httpClient(t, url)
	items(t, callTool(t, c, "list_buckets", nil))
	items(t, callTool(t, c, "list_buckets", nil))
	callTool(t, c, "list_objects", map[string]any{"bucket_key": "no-such-bucket"})
	root := strings.TrimSuffix(url, "/mcp")
	get := func(path string) (int, string) {
		resp, err := http.Get(root + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if status, _ := get(p); status != 200 {
			t.Errorf("%s answered %d", p, status)
		}
	}
	status, body := get("/metrics")
	if status != 200 {
		t.Fatalf("/metrics answered %d", status)
	}
	for _, want := range []string{
		`aps_mcp_tool_calls_total{outcome="ok",tool="list_buckets"} 2`,
		`aps_mcp_tool_calls_total{outcome="tool_error",tool="list_objects"} 1`,
		`aps_mcp_aps_requests_total{api="oss/v2",status="404"} 1`,
		`aps_mcp_token_fetches_total{kind="2lo",outcome="ok"} 1`,
		`aps_mcp_tool_call_duration_seconds_count{tool="list_buckets"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if !regexp.MustCompile(`aps_mcp_aps_requests_total\{api="oss/v2",status="200"\} [1-9]`).MatchString(body) {
		t.Error("/metrics counts no successful OSS requests")
	}
	// The two listings went through the projection: bytes and time counted.
	if !regexp.MustCompile(`aps_mcp_shaped_bytes_total\{tool="list_buckets"\} [1-9][0-9]{2,}\n`).MatchString(body) ||
		!regexp.MustCompile(`aps_mcp_shaping_seconds_total\{tool="list_buckets"\} [0-9.e-]+\n`).MatchString(body) {
		t.Error("/metrics lacks the projection's bytes and time for list_buckets")
	}
}

// TestReplicasBehindRoundRobinProxy runs two server processes behind a
// round-robin reverse proxy; calls through it work with both protocol
// generations (mcp-go's client speaks 2026-07-28, the official SDK's the
// session-based 2025-11-25).
func TestReplicasBehindRoundRobinProxy(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	lb := newBalancer(t)
	for range 2 {
		lb.add(startProcess(t, base))
	}

	modern := httpClient(t, lb.URL+"/mcp")
	for range 6 {
		items(t, callTool(t, modern, "list_objects", map[string]any{"bucket_key": demoBucket}))
	}
	session := sdkSession(t, lb.URL+"/mcp")
	for range 6 {
		res, err := session.CallTool(context.Background(), &sdk.CallToolParams{Name: "list_buckets"})
		if err != nil || res.IsError {
			t.Fatalf("session-based call through the proxy: %v %v", err, res)
		}
	}
	for i, n := range lb.hits() {
		if n < 3 {
			t.Errorf("replica %d answered %d requests; the proxy did not spread the calls", i, n)
		}
	}
	if n := emu.TokenRequests(); n > 2 {
		t.Errorf("token requests = %d, want at most one per replica", n)
	}
}

// startProcess runs the binary on a free loopback port against APS at base.
func startProcess(t *testing.T, base string) *url.URL {
	t.Helper()
	return startReplica(t, emulatorEnv(base)).URL
}
