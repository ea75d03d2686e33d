package e2e_test

import (
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestCursorPassesBetweenReplicas: a cursor one replica returns continues
// the listing on another (the README's promise: cursors are signed with a
// key derived from the client secret, which every replica shares), and
// the walk, alternating replicas, sees every object exactly once. A
// replica with other credentials refuses the cursor.
func TestCursorPassesBetweenReplicas(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	profiles := testProfiles(t, "limits: {max_items: 100}\n")
	var replicas []*client.Client
	for range 2 {
		r := startReplica(t, emulatorEnv(base), "--profiles", profiles)
		replicas = append(replicas, httpClient(t, r.URL.String()+"/mcp"))
	}
	seen := map[string]int{}
	args := map[string]any{"bucket_key": demoBucket}
	var cursors []any
	for call := 0; call < 10; call++ {
		r := callTool(t, replicas[call%2], "list_objects", args)
		for _, k := range field(items(t, r), "object_key") {
			seen[k]++
		}
		if r.structured["truncated"] != true {
			break
		}
		cursors = append(cursors, r.structured["cursor"])
		args = map[string]any{"bucket_key": demoBucket, "cursor": r.structured["cursor"]}
	}
	if len(cursors) < 2 {
		t.Fatalf("%d cursors: the walk did not pass a cursor both ways", len(cursors))
	}
	checkSeenOnce(t, seen, len(objectKeys(emu, demoBucket)), "across replicas")

	env := emulatorEnv(base)
	env["APS_CLIENT_SECRET"] = "another-apps-secret-0123"
	other := httpClient(t, startReplica(t, env, "--profiles", profiles).URL.String()+"/mcp")
	r := callTool(t, other, "list_objects", map[string]any{"bucket_key": demoBucket, "cursor": cursors[0]})
	if !r.isError || !strings.Contains(r.text, "argument cursor") {
		t.Errorf("a replica with other credentials took the cursor: %.200s", r.text)
	}
}
