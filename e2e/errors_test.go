package e2e_test

import (
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestErrorsTheModelCanActOn: bad arguments and APS refusals come back as
// isError results that name the argument or carry APS's own message.
func TestErrorsTheModelCanActOn(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	emu.AddBucket(apsemu.Bucket{Key: "someone-elses-bucket", Owner: "another-app", Region: "US", PolicyKey: "persistent", CreatedDate: 1704153601000})
	c := httpClient(t, startServer(t, base, serverOptions{}))
	tests := []struct {
		name string
		tool string
		args map[string]any
		want []string
	}{
		{"missing required", "list_objects", nil, []string{"argument bucket_key", "required"}},
		{"pattern", "list_objects", map[string]any{"bucket_key": "Not A Bucket"}, []string{"argument bucket_key", "pattern"}},
		{"wrong type", "list_objects", map[string]any{"bucket_key": 42}, []string{"argument bucket_key", "must be a string"}},
		{"unknown argument", "list_objects", map[string]any{"bucket_key": demoBucket, "bucketKey": "x"}, []string{"argument bucketKey", "unknown", "begins_with, bucket_key"}},
		{"enum", "list_buckets", map[string]any{"region": "MARS"}, []string{"argument region", "US, EMEA"}},
		{"too short", "list_objects", map[string]any{"bucket_key": ".."}, []string{"argument bucket_key", "pattern"}},
		{"APS 404", "list_objects", map[string]any{"bucket_key": "no-such-bucket"}, []string{"404", "Bucket not found"}},
		{"APS 403", "list_objects", map[string]any{"bucket_key": "someone-elses-bucket"}, []string{"403"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := callTool(t, c, tc.tool, tc.args)
			if !r.isError {
				t.Fatalf("want an isError result, got %v", r.structured)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.text, w) {
					t.Errorf("error %q lacks %q", r.text, w)
				}
			}
		})
	}
}

// TestUnknownToolSaysWhereItIsServed: a tool the profile lacks is
// refused with why, its toolset and the profiles that serve it; one no
// profile or catalogue has, with as much.
func TestUnknownToolSaysWhereItIsServed(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{}))
	tests := []struct {
		tool string
		want []string
	}{
		{"whoami", []string{`tool "whoami" not found: profile 2lo`, "it needs auth 3lo, the profile uses 2lo", "toolset identity",
			"profiles 3lo, issues-editor, issues-triage and team serve it"}},
		{"create_bucket", []string{"the profile's scopes lack bucket:create", "toolset oss", "profiles models-admin and oss-admin serve it"}},
		{"no_such_tool", []string{`tool "no_such_tool" not found`, "does not declare it"}},
	}
	for _, tc := range tests {
		_, err := callToolErr(c, tc.tool, nil)
		if err == nil {
			t.Fatalf("%s: called", tc.tool)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tc.tool, err, w)
			}
		}
	}
	if r := callTool(t, c, "list_buckets", nil); r.isError {
		t.Errorf("a served tool after the refusals: %s", r.text)
	}
}

// TestBadCredentialsAndSecrets: wrong credentials give APS's message, and
// nothing secret reaches the result or the debug log.
func TestBadCredentialsAndSecrets(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	const wrongSecret = "wrong-secret-value-1234"
	logs := &syncBuffer{}
	c := httpClient(t, startServer(t, base, serverOptions{env: map[string]string{"APS_CLIENT_SECRET": wrongSecret}, logs: logs}))
	r := callTool(t, c, "list_buckets", nil)
	if !r.isError || !strings.Contains(r.text, "invalid_client") || !strings.Contains(r.text, "401") {
		t.Errorf("want an isError result with APS's invalid_client answer, got %q", r.text)
	}
	if strings.Contains(r.text, wrongSecret) || strings.Contains(logs.String(), wrongSecret) {
		t.Error("the client secret appears in the result or the logs")
	}

	// A working server, debug logging on: the token must not be logged.
	logs2 := &syncBuffer{}
	c2 := httpClient(t, startServer(t, base, serverOptions{logs: logs2}))
	items(t, callTool(t, c2, "list_objects", map[string]any{"bucket_key": demoBucket}))
	out := logs2.String()
	if !strings.Contains(out, "tool call") {
		t.Fatalf("debug log has no tool call line:\n%s", out)
	}
	for _, secret := range []string{apsemu.DemoClientSecret, "Bearer ", "Basic ", "eyJ"} {
		if strings.Contains(out, secret) {
			t.Errorf("debug log contains %q", secret)
		}
	}
}
