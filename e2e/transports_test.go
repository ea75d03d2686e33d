package e2e_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// oddKeys are seeded object keys that break naive URL handling.
var oddKeys = []string{"Floor Plan Level 1.dwg", "Zeichnung-Übersicht.dwg", "設計図.rvt", "site/north wing/model.rvt", "what?.txt", "100% done.txt"}

// checkListings calls both tools through c and checks every bucket and
// every object arrives, across pages, with odd keys intact.
func checkListings(t *testing.T, c *client.Client, emu *apsemu.Emulator) {
	t.Helper()
	tools, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range tools.Tools {
		names = append(names, tool.Name)
	}
	if !slices.Contains(names, "list_buckets") || !slices.Contains(names, "list_objects") || slices.Contains(names, "list_hubs") {
		t.Errorf("tools = %v, want list_buckets and list_objects and no user-context tools", names)
	}

	buckets := items(t, callTool(t, c, "list_buckets", nil))
	want := bucketKeys(emu, apsemu.DemoClientID, "US")
	if len(want) <= 10 {
		t.Fatalf("seed has %d US buckets; the test needs more than one default page", len(want))
	}
	if got := field(buckets, "bucket_key"); !slices.Equal(got, want) {
		t.Errorf("list_buckets keys:\n got %v\nwant %v", got, want)
	}
	emea := items(t, callTool(t, c, "list_buckets", map[string]any{"region": "EMEA"}))
	if got, want := field(emea, "bucket_key"), bucketKeys(emu, apsemu.DemoClientID, "EMEA"); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("list_buckets EMEA = %v, want %v", got, want)
	}

	objects := items(t, callTool(t, c, "list_objects", map[string]any{"bucket_key": demoBucket}))
	wantKeys := objectKeys(emu, demoBucket)
	if len(wantKeys) < 250 {
		t.Fatalf("seed has %d objects; want at least 250", len(wantKeys))
	}
	gotKeys := field(objects, "object_key")
	if !slices.Equal(gotKeys, wantKeys) {
		t.Errorf("list_objects returned %d keys, want %d", len(gotKeys), len(wantKeys))
	}
	for _, k := range oddKeys {
		if !slices.Contains(gotKeys, k) {
			t.Errorf("odd key %q missing from list_objects", k)
		}
	}
	for _, o := range objects {
		key, _ := o["object_key"].(string)
		if o["object_id"] != "urn:adsk.objects:os.object:"+demoBucket+"/"+key {
			t.Errorf("object %q has object_id %v", key, o["object_id"])
			break
		}
	}
}

func TestStreamableHTTPListsEveryPage(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{}))
	checkListings(t, c, emu)

	// The listings really were paged: objects need three 100-item pages.
	pages := 0
	for _, r := range emu.Requests() {
		if r.Path == "/oss/v2/buckets/"+demoBucket+"/objects" {
			pages++
		}
	}
	if pages < 3 {
		t.Errorf("list_objects made %d page requests, want at least 3", pages)
	}
}

func TestStdioListsEveryPage(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := stdioClient(t, emulatorEnv(base), "--log-level", "debug")
	// Debug logs are on: any log line on stdout would break the protocol
	// and fail these calls.
	checkListings(t, c, emu)
}

func TestOfficialGoSDKClient(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	session := sdkSession(t, startServer(t, base, serverOptions{}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tools, err := session.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools.Tools {
		if tool.Annotations == nil || !tool.Annotations.ReadOnlyHint {
			t.Errorf("%s: want readOnlyHint true for a GET tool, got %+v", tool.Name, tool.Annotations)
		}
	}
	res, err := session.CallTool(ctx, &sdk.CallToolParams{Name: "list_objects", Arguments: map[string]any{"bucket_key": demoBucket, "begins_with": "site/"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError {
		t.Fatalf("tool error: %v", res.Content)
	}
	got, _ := res.StructuredContent.(map[string]any)
	list, _ := got["items"].([]any)
	var want []string
	for _, k := range objectKeys(emu, demoBucket) {
		if strings.HasPrefix(k, "site/") {
			want = append(want, k)
		}
	}
	if len(list) != len(want) || len(want) == 0 {
		t.Fatalf("begins_with site/: got %d objects, want %d", len(list), len(want))
	}
}

// TestServeCommandWithEmulator runs the README's serve command as a real
// process: --emulator needs no account (for ssa it generates and registers
// a service account key), and the server stops on SIGTERM.
func TestServeCommandWithEmulator(t *testing.T) {
	for _, tc := range []struct{ profile, tool string }{{"2lo", "list_buckets"}, {"ssa", "list_hubs"}} {
		t.Run(tc.profile, func(t *testing.T) { serveWithEmulator(t, tc.profile, tc.tool) })
	}
}

func serveWithEmulator(t *testing.T, profile, tool string) {
	cmd, url := serveBinary(t, t.TempDir(), nil, "--emulator", "--profile", profile, "--addr", "127.0.0.1:0",
		"--tools", repoRoot+"/tools.yaml", "--profiles", repoRoot+"/profiles")
	c := httpClient(t, url)
	if got := items(t, callTool(t, c, tool, nil)); len(got) < 3 {
		t.Errorf("%s against --emulator returned %d items, want the seeded set", tool, len(got))
	}
	c.Close()
	stopBinary(t, cmd)
}
