package e2e_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// e2eModelsBucket holds the design the translation walk-through uploads.
const e2eModelsBucket = "aps-mcp-e2e-models"

// translateAndSubscribe is the models-admin part of the walk-through: it
// translates an uploaded design and follows the job through get_manifest
// to its model views, then subscribes a webhook, sees it listed and
// deletes it. Every write is followed by the read that shows it.
func translateAndSubscribe(t *testing.T, w *walker, emu *apsemu.Emulator, base string) {
	t.Helper()
	emu.AddBucket(apsemu.Bucket{Key: e2eModelsBucket})
	emu.AddObject(apsemu.Object{BucketKey: e2eModelsBucket, Key: "tower east.rvt", Size: 4096})
	models := elicitingClient(t, startServer(t, base, serverOptions{profile: "models-admin"}), &asker{action: mcp.ElicitationResponseActionAccept}, mcp.LATEST_PROTOCOL_VERSION) // delete_webhook asks the person to confirm; this one does
	objects := items(t, w.call(models, "list_objects", map[string]any{"bucket_key": e2eModelsBucket}))
	urn := objects[0]["object_id"]
	if r := callTool(t, models, "get_manifest", map[string]any{"urn": urn}); !r.isError || !strings.Contains(r.text, "404") {
		t.Fatalf("manifest before translating: %s", r.text)
	}

	job := w.call(models, "start_translation", map[string]any{"urn": urn, "views": []any{"3d"}, "also": "ifc"})
	if job.structured["result"] != "success" {
		t.Errorf("start_translation = %s", job.text)
	}
	followJob(t, w, models, urn)
	views := items(t, w.call(models, "list_model_views", map[string]any{"urn": urn}))
	if len(views) == 0 || slices.ContainsFunc(views, func(v map[string]any) bool { return v["role"] != "3d" }) {
		t.Errorf("model views of a 3d-only translation: %v", views)
	}
	again := w.call(models, "start_translation", map[string]any{"urn": urn, "views": []any{"3d"}})
	if again.structured["result"] != "created" {
		t.Errorf("translating again without force = %s, want result created", again.text)
	}
	forced := w.call(models, "start_translation", map[string]any{"urn": urn, "force": true})
	if forced.structured["result"] != "success" {
		t.Errorf("forced translation = %s", forced.text)
	}
	if m := w.call(models, "get_manifest", map[string]any{"urn": urn}); m.structured["status"] != "pending" {
		t.Errorf("manifest after a forced translation: %s", m.text)
	}

	const callback = "https://hooks.example.com/aps"
	folder := "urn:adsk.wipprod:fs.folder:co.e2e-hooks"
	if hooks := items(t, w.call(models, "list_webhooks", nil)); len(hooks) != 0 {
		t.Fatalf("hooks before any was created: %v", hooks)
	}
	created := w.call(models, "create_webhook", map[string]any{"system": "data", "event": "dm.version.added", "callback_url": callback, "folder": folder})
	hooks := items(t, w.call(models, "list_webhooks", nil))
	if len(hooks) != 1 || hooks[0]["callback_url"] != callback || hooks[0]["event"] != "dm.version.added" || hooks[0]["status"] != "active" || str(hooks[0]["hook_id"]) == "" {
		t.Fatalf("list_webhooks after create_webhook: %v", hooks)
	}
	if url := str(created.structured["hook_url"]); !strings.HasSuffix(url, "/webhooks/v1/systems/data/events/dm.version.added/hooks/"+str(hooks[0]["hook_id"])) {
		t.Errorf("create_webhook's hook_url %q does not name the listed hook %v", url, hooks[0]["hook_id"])
	}
	w.call(models, "delete_webhook", map[string]any{"system": "data", "event": "dm.version.added", "hook_id": hooks[0]["hook_id"]})
	if hooks := items(t, w.call(models, "list_webhooks", nil)); len(hooks) != 0 {
		t.Errorf("the deleted hook is still listed: %v", hooks)
	}
}

// followJob calls get_manifest as its description tells a model to, until
// the translation succeeds, and checks it passed through pending and
// inprogress with a progress on the way.
func followJob(t *testing.T, w *walker, c *client.Client, urn any) {
	t.Helper()
	var seen []string
	for range 10 {
		m := w.call(c, "get_manifest", map[string]any{"urn": urn})
		status := str(m.structured["status"])
		seen = append(seen, status+" "+str(m.structured["progress"]))
		if status == "success" {
			break
		}
	}
	want := []string{"pending 0% complete", "inprogress 50% complete", "success complete"}
	if !slices.Equal(seen, want) {
		t.Errorf("manifests while following the job: %q, want %q", seen, want)
	}
}

// TestModelsAdminRefusalsAndHints: the writes' annotations are honest, the
// read profiles do not list them, and APS's refusals of a job and of
// webhook calls reach the model as tool errors naming the status.
func TestModelsAdminRefusalsAndHints(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	models := elicitingClient(t, startServer(t, base, serverOptions{profile: "models-admin"}), &asker{action: mcp.ElicitationResponseActionAccept}, mcp.LATEST_PROTOCOL_VERSION) // delete_webhook asks the person to confirm; this one does
	tools, err := models.ListTools(t.Context(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	annotations := map[string]map[string]any{}
	for _, tool := range tools.Tools {
		var ann map[string]any
		b, _ := json.Marshal(tool.Annotations)
		must(t, json.Unmarshal(b, &ann))
		annotations[tool.Name] = ann
	}
	for _, tc := range []struct {
		tool                              string
		readOnly, destructive, idempotent bool
	}{
		{"start_translation", false, false, false},
		{"create_webhook", false, false, false},
		{"delete_webhook", false, true, true},
		{"list_webhooks", true, false, true},
	} {
		ann, ok := annotations[tc.tool]
		if !ok {
			t.Errorf("models-admin does not list %s", tc.tool)
			continue
		}
		if a := readHints(ann); a.readOnly != tc.readOnly || a.destructive != tc.destructive || a.idempotent != tc.idempotent {
			t.Errorf("%s: readOnly %v destructive %v idempotent %v, want %v %v %v (annotations %v)", tc.tool,
				a.readOnly, a.destructive, a.idempotent, tc.readOnly, tc.destructive, tc.idempotent, ann)
		}
	}

	readOnly := httpClient(t, startServer(t, base, serverOptions{profile: "2lo"}))
	listed, err := readOnly.ListTools(t.Context(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range listed.Tools {
		if tool.Annotations.ReadOnlyHint == nil || !*tool.Annotations.ReadOnlyHint {
			t.Errorf("read-only profile 2lo lists the write %s", tool.Name)
		}
	}

	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"start_translation", map[string]any{"urn": "urn:adsk.objects:os.object:" + demoBucket + "/no such design.rvt"}, "400"},
		{"delete_webhook", map[string]any{"system": "data", "event": "dm.folder.added", "hook_id": "0f60f6a0-996c-11e7-abf3-51d68cff984c"}, "404"},
	} {
		if r := callTool(t, models, tc.tool, tc.args); !r.isError || !strings.Contains(r.text, tc.want) {
			t.Errorf("%s(%v): %s, want an error naming %s", tc.tool, tc.args, r.text, tc.want)
		}
	}
	hook := map[string]any{"system": "derivative", "event": "extraction.finished", "callback_url": "https://hooks.example.com/md", "workflow": "e2e-workflow"}
	if r := callTool(t, models, "create_webhook", hook); r.isError {
		t.Fatalf("create_webhook: %s", r.text)
	}
	if r := callTool(t, models, "create_webhook", hook); !r.isError || !strings.Contains(r.text, "409") {
		t.Errorf("creating the same hook again: %s, want a 409", r.text)
	}
	if r := callTool(t, models, "create_webhook", map[string]any{"system": "data", "event": "dm.version.added", "callback_url": "https://hooks.example.com/md"}); !r.isError || !strings.Contains(r.text, "400") {
		t.Errorf("a data hook without its folder: %s, want APS's 400", r.text)
	}
}
