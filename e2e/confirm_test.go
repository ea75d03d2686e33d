package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// asker is a client's elicitation handler that answers every request with
// one action and keeps the messages it was shown.
type asker struct {
	action mcp.ElicitationResponseAction
	mu     sync.Mutex
	asked  []string
}

func (a *asker) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, req.Params.Message)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: a.action}}, nil
}

func (a *asker) messages() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.asked)
}

// elicitingClient connects a client that declares elicitation and answers
// with a's action, at protocol version (LATEST_PROTOCOL_VERSION: per-request
// capabilities and multi round-trip results; an older one: initialize and
// server-initiated elicitation/create).
func elicitingClient(t *testing.T, url string, a *asker, version string) *client.Client {
	t.Helper()
	return httpClientWith(t, url, version, nil, client.WithElicitationHandler(a))
}

// doomed adds an object to the demo bucket for a test to delete.
func doomed(emu *apsemu.Emulator, key string) map[string]any {
	emu.AddObject(apsemu.Object{BucketKey: demoBucket, Key: key, Size: 3, SHA1: strings.Repeat("ab", 20)})
	return map[string]any{"bucket_key": demoBucket, "object_key": key}
}

func hasObject(emu *apsemu.Emulator, key string) bool {
	return slices.Contains(objectKeys(emu, demoBucket), key)
}

// TestDestructiveToolAsksForConfirmation: delete_object asks the person
// through elicitation, at both protocol generations; accept deletes,
// decline and cancel leave the object and say it was not done.
func TestDestructiveToolAsksForConfirmation(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	url := startServer(t, base, serverOptions{profile: "oss-admin"})
	for _, version := range []string{mcp.LATEST_PROTOCOL_VERSION, mcp.LATEST_LEGACY_PROTOCOL_VERSION} {
		for _, tc := range []struct {
			action  mcp.ElicitationResponseAction
			deleted bool
			says    string
		}{
			{mcp.ElicitationResponseActionAccept, true, ""},
			{mcp.ElicitationResponseActionDecline, false, "declined"},
			{mcp.ElicitationResponseActionCancel, false, "cancelled"},
		} {
			t.Run(version+"/"+string(tc.action), func(t *testing.T) {
				a := &asker{action: tc.action}
				c := elicitingClient(t, url, a, version)
				key := "confirm/" + version + "/" + string(tc.action) + ".txt"
				r := callTool(t, c, "delete_object", doomed(emu, key))
				asked := a.messages()
				if len(asked) != 1 || !strings.Contains(asked[0], "delete_object") || !strings.Contains(asked[0], key) {
					t.Errorf("the person was asked %q, want one question naming delete_object and %s", asked, key)
				}
				if hasObject(emu, key) == tc.deleted {
					t.Errorf("after %s the object exists = %v", tc.action, !tc.deleted)
				}
				if r.isError == tc.deleted || !strings.Contains(r.text, tc.says) {
					t.Errorf("result after %s (error %v): %s", tc.action, r.isError, r.text)
				}
				if !tc.deleted && !strings.Contains(r.text, "not run") {
					t.Errorf("the refusal does not say the call was not done: %s", r.text)
				}
			})
		}
	}
	// A read asks nothing.
	a := &asker{action: mcp.ElicitationResponseActionAccept}
	items(t, callTool(t, elicitingClient(t, url, a, mcp.LATEST_PROTOCOL_VERSION), "list_buckets", nil))
	if len(a.messages()) != 0 {
		t.Errorf("list_buckets asked for confirmation: %q", a.messages())
	}
}

// TestDestructiveToolWithoutElicitation: a client that cannot ask is
// refused, with why and how to allow it, and nothing is deleted; setting
// tools.allow_unconfirmed_destructive in the running server's profile lets
// the call through once the reload applies it, and validate says so.
func TestDestructiveToolWithoutElicitation(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	dir := t.TempDir()
	admin, err := os.ReadFile(filepath.Join(repoRoot, "profiles", "oss-admin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(dir, "oss-admin.yaml")
	if err := os.WriteFile(profile, admin, 0o600); err != nil {
		t.Fatal(err)
	}
	c := httpClient(t, startServer(t, base, serverOptions{profile: "oss-admin", profilesDir: dir}))
	r := callTool(t, c, "delete_object", doomed(emu, "kept.txt"))
	if !r.isError || !strings.Contains(r.text, "elicitation") || !strings.Contains(r.text, "tools.allow_unconfirmed_destructive: true") ||
		!strings.Contains(r.text, "oss-admin.yaml") || !strings.Contains(r.text, "not run") {
		t.Errorf("refusal = %s", r.text)
	}
	if !hasObject(emu, "kept.txt") {
		t.Error("a refused delete_object deleted the object")
	}

	allowing := strings.Replace(string(admin), "  read_only: false\n", "  read_only: false\n  allow_unconfirmed_destructive: true\n", 1)
	if err := os.WriteFile(profile, []byte(allowing), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, code := runBinary(t, dir, nil, "validate", "--tools", repoRoot+"/tools.yaml", "--profiles", dir, "--profile", "oss-admin")
	if code != 0 || !strings.Contains(out, "destructive: delete_object (") || !strings.Contains(out, "run unconfirmed for clients without it") {
		t.Errorf("validate does not say delete_object runs unconfirmed (exit %d): %s", code, out)
	}
	deadline := time.Now().Add(15 * time.Second)
	for hasObject(emu, "kept.txt") && time.Now().Before(deadline) {
		if r = callTool(t, c, "delete_object", map[string]any{"bucket_key": demoBucket, "object_key": "kept.txt"}); r.isError {
			time.Sleep(100 * time.Millisecond) // the reload has not happened yet
		}
	}
	if r.isError || hasObject(emu, "kept.txt") {
		t.Errorf("after the reload allowed unconfirmed calls, delete_object: %s", r.text)
	}
}

// TestDestructiveToolConfirmedOverStdio: the binary over stdio asks a
// desktop client the same way.
func TestDestructiveToolConfirmedOverStdio(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	for _, tc := range []struct {
		action  mcp.ElicitationResponseAction
		deleted bool
	}{{mcp.ElicitationResponseActionAccept, true}, {mcp.ElicitationResponseActionDecline, false}} {
		a := &asker{action: tc.action}
		c := stdioClientWith(t, emulatorEnv(base), []client.ClientOption{client.WithElicitationHandler(a)}, "--profile", "oss-admin")
		key := "stdio-" + string(tc.action) + ".txt"
		r := callTool(t, c, "delete_object", doomed(emu, key))
		if len(a.messages()) != 1 || hasObject(emu, key) == tc.deleted || r.isError == tc.deleted {
			t.Errorf("%s over stdio: asked %q, result %s", tc.action, a.messages(), r.text)
		}
	}
}
