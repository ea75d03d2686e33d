package e2e_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// hostileTools adds tools without patterns, so hostile values reach the
// request builder in every parameter location.
const hostileTools = `
  get_object_details_raw:
    title: Object details without patterns
    description: Returns an object's details (no pattern on purpose, for the test).
    toolset: oss
    auth: [2lo]
    scopes: [data:read]
    method: GET
    path: /oss/v2/buckets/{bucket_key}/objects/{object_key}/details
    params:
      bucket_key: {in: path, type: string, description: Bucket.}
      object_key: {in: path, type: string, description: Object key.}
  list_buckets_by_header:
    title: Buckets by header
    description: Lists buckets of a region chosen by header (for the test).
    toolset: oss
    auth: [2lo]
    scopes: [bucket:read]
    method: GET
    path: /oss/v2/buckets
    params:
      region: {in: header, type: string, description: Region header.}
`

// TestHostileArguments: for path, query and header arguments, hostile
// values are either refused with a clear message or arrive at the
// emulator encoded, confined to their own segment or parameter.
func TestHostileArguments(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	shipped, err := os.ReadFile(filepath.Join(repoRoot, "tools.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	toolsFile := filepath.Join(t.TempDir(), "tools.yaml")
	must(t, os.WriteFile(toolsFile, withTools(t, shipped, hostileTools), 0o600))
	c := httpClient(t, startServer(t, base, serverOptions{toolsFile: toolsFile}))

	tests := []struct {
		name      string
		tool      string
		args      map[string]any
		refused   string // the isError text must contain this, or
		wantPath  string // the emulator must have received this escaped path
		wantQuery string // and this raw query
	}{
		{name: "path traversal", tool: "get_object_details_raw", args: map[string]any{"bucket_key": demoBucket, "object_key": "../../../authentication/v2/token"},
			wantPath: "/oss/v2/buckets/" + demoBucket + "/objects/..%2F..%2F..%2Fauthentication%2Fv2%2Ftoken/details"},
		{name: "query and fragment in a path", tool: "get_object_details_raw", args: map[string]any{"bucket_key": demoBucket, "object_key": "a?limit=1#x"},
			wantPath: "/oss/v2/buckets/" + demoBucket + "/objects/a%3Flimit=1%23x/details"},
		{name: "pre-escaped value stays literal", tool: "get_object_details_raw", args: map[string]any{"bucket_key": demoBucket, "object_key": "%2F%2e%2e"},
			wantPath: "/oss/v2/buckets/" + demoBucket + "/objects/%252F%252e%252e/details"},
		{name: "control characters in a path", tool: "get_object_details_raw", args: map[string]any{"bucket_key": demoBucket, "object_key": "a\r\nHost: evil"},
			wantPath: "/oss/v2/buckets/" + demoBucket + "/objects/a%0D%0AHost:%20evil/details"},
		{name: "dot-dot segment", tool: "get_object_details_raw", args: map[string]any{"bucket_key": "..", "object_key": "x"}, refused: `argument bucket_key: must not be "." or ".."`},
		{name: "very long path value", tool: "get_object_details_raw", args: map[string]any{"bucket_key": demoBucket, "object_key": strings.Repeat("x", 5000)}, refused: "argument object_key: is too long"},
		{name: "pattern", tool: "list_objects", args: map[string]any{"bucket_key": "../x"}, refused: "argument bucket_key: must match the pattern"},
		{name: "query injection", tool: "list_objects", args: map[string]any{"bucket_key": demoBucket, "begins_with": "a&limit=1&startAt=z#"},
			wantPath: "/oss/v2/buckets/" + demoBucket + "/objects", wantQuery: "beginsWith=a%26limit%3D1%26startAt%3Dz%23&limit=100"},
		{name: "header injection", tool: "list_buckets_by_header", args: map[string]any{"region": "US\r\nX-Evil: 1"}, refused: "argument region: must not contain control characters"},
		{name: "enum", tool: "list_buckets", args: map[string]any{"region": "US&region=EMEA"}, refused: "argument region: must be one of"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(emu.Requests())
			r := callTool(t, c, tc.tool, tc.args)
			after := emu.Requests()[before:]
			if tc.refused != "" {
				if !r.isError || !strings.Contains(r.text, tc.refused) {
					t.Errorf("want refusal %q, got %q", tc.refused, r.text)
				}
				for _, req := range after {
					if !strings.HasPrefix(req.Path, "/authentication/") {
						t.Errorf("a refused call still reached APS: %s %s", req.Path, req.RawQuery)
					}
				}
				return
			}
			var got []string
			for _, req := range after {
				if strings.HasPrefix(req.Path, "/oss/") {
					got = append(got, req.Path+"?"+req.RawQuery)
					if req.Path != tc.wantPath || tc.wantQuery != "" && req.RawQuery != tc.wantQuery {
						t.Errorf("emulator received %s?%s, want %s?%s", req.Path, req.RawQuery, tc.wantPath, tc.wantQuery)
					}
				}
			}
			if len(got) == 0 {
				t.Errorf("nothing reached the emulator (result %q)", r.text)
			}
		})
	}
}

// TestHTTPGuards: cross-origin browsers and missing or wrong bearer
// tokens are refused; an exposed address without protection does not start.
func TestHTTPGuards(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	open := startServer(t, base, serverOptions{})
	profiles := testProfiles(t, "")
	body, _ := os.ReadFile(filepath.Join(profiles, "2lo.yaml"))
	must(t, os.WriteFile(filepath.Join(profiles, "2lo.yaml"), bytes.Replace(body, []byte("  addr: 127.0.0.1:5000"), []byte("  addr: 127.0.0.1:5000\n  auth_token_env: TEST_MCP_TOKEN"), 1), 0o600))
	const token = "0123456789abcdef0123456789abcdef"
	locked := startServer(t, base, serverOptions{profilesDir: profiles, env: map[string]string{"TEST_MCP_TOKEN": token}})

	initBody := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`
	post := func(url string, headers map[string]string) int {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, url, strings.NewReader(initBody))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Error("401 without a Bearer challenge")
		}
		return resp.StatusCode
	}
	tests := []struct {
		name    string
		url     string
		headers map[string]string
		want    int
	}{
		{"plain client", open, nil, 200},
		{"cross-origin page", open, map[string]string{"Origin": "https://evil.example"}, 403},
		{"rebinding Host", open, map[string]string{"Host": "evil.example"}, 403},
		{"no token", locked, nil, 401},
		{"wrong token", locked, map[string]string{"Authorization": "Bearer " + strings.Repeat("0", len(token))}, 401},
		{"right token", locked, map[string]string{"Authorization": "Bearer " + token}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := tc.url
			if host := tc.headers["Host"]; host != "" {
				// net/http takes Host from the request, not the header map.
				req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(initBody))
				req.Host = host
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
				}
				return
			}
			if got := post(url, tc.headers); got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
		})
	}

	cmd := exec.Command(binPath, "--addr", "0.0.0.0:0", "--tools", repoRoot+"/tools.yaml", "--profiles", repoRoot+"/profiles")
	cmd.Dir = t.TempDir()
	cmd.Env = binaryEnv(map[string]string{"APS_CLIENT_ID": "id", "APS_CLIENT_SECRET": "secret"})
	out, err := cmd.CombinedOutput()
	if exitCode(err) != 1 || !strings.Contains(string(out), "server.auth_token_env") || !strings.Contains(string(out), "allow_unprotected") {
		t.Errorf("exposed start: exit %d, output %s; want a refusal naming the protection", exitCode(err), out)
	}
}
