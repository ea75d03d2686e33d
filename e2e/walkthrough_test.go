package e2e_test

import (
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// walker calls tools and remembers which ones it called.
type walker struct {
	t      *testing.T
	called map[string]bool
}

func (w *walker) call(c *client.Client, tool string, args map[string]any) toolResult {
	w.t.Helper()
	w.called[tool] = true
	r := callTool(w.t, c, tool, args)
	if r.isError {
		w.t.Fatalf("%s(%v): %s", tool, args, r.text)
	}
	return r
}

// ready calls a Model Derivative tool until APS stops answering "pending".
func (w *walker) ready(c *client.Client, tool string, args map[string]any) toolResult {
	w.t.Helper()
	for range 20 {
		r := w.call(c, tool, args)
		if r.structured["pending"] != true {
			return r
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.t.Fatalf("%s stayed pending", tool)
	return toolResult{}
}

func str(v any) string { s, _ := v.(string); return s }

// pick returns the first item whose field satisfies ok.
func pick(t *testing.T, list []map[string]any, what string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	for _, it := range list {
		if ok(it) {
			return it
		}
	}
	t.Fatalf("no %s among %d results", what, len(list))
	return nil
}

// TestWalkThroughAndEveryTool follows the path a model takes from a hub to
// a model's properties, each step with ids from the one before, then calls
// every other catalogue tool once under a profile that serves it.
func TestWalkThroughAndEveryTool(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	w := &walker{t: t, called: map[string]bool{}}
	ssa := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))

	// The walk-through.
	hubs := items(t, w.call(ssa, "list_hubs", nil))
	hub := pick(t, hubs, "ACC hub", func(h map[string]any) bool { return strings.HasPrefix(str(h["id"]), "b.") && str(h["region"]) == "US" })
	projects := items(t, w.call(ssa, "list_projects", map[string]any{"hub_id": hub["id"]}))
	project := pick(t, projects, "ACC project", func(p map[string]any) bool { return str(p["project_type"]) == "ACC" })
	folders := items(t, w.call(ssa, "list_top_folders", map[string]any{"hub_id": hub["id"], "project_id": project["id"]}))
	folder := pick(t, folders, "Project Files folder", func(f map[string]any) bool { return str(f["name"]) == "Project Files" })
	var item map[string]any
	for depth := 0; item == nil && depth < 5; depth++ {
		contents := items(t, w.call(ssa, "list_folder_contents", map[string]any{"project_id": project["id"], "folder_id": folder["id"]}))
		for _, e := range contents {
			if str(e["type"]) == "items" && strings.HasSuffix(str(e["name"]), ".rvt") {
				item = e
				break
			}
		}
		if item == nil {
			folder = pick(t, contents, "subfolder", func(e map[string]any) bool { return str(e["type"]) == "folders" })
		}
	}
	if item == nil {
		t.Fatal("found no .rvt item in the project's files")
	}
	versions := items(t, w.call(ssa, "list_item_versions", map[string]any{"project_id": project["id"], "item_id": item["id"]}))
	version := pick(t, versions, "translated version", func(v map[string]any) bool { return str(v["derivative_urn"]) != "" })
	manifest := w.call(ssa, "get_manifest", map[string]any{"urn": version["derivative_urn"]})
	if manifest.structured["status"] != "success" {
		t.Fatalf("manifest of the newest .rvt version: %s", manifest.text)
	}
	views, _ := manifest.structured["views"].([]any)
	if len(views) == 0 {
		t.Fatalf("manifest lists no model views: %s", manifest.text)
	}
	guid := str(views[0].(map[string]any)["guid"])
	props := items(t, w.ready(ssa, "get_properties", map[string]any{"urn": version["derivative_urn"], "model_guid": guid}))
	if len(props) == 0 || props[0]["properties"] == nil {
		t.Fatalf("no properties: %v", props)
	}

	// The rest of Data Management and Model Derivative.
	w.call(ssa, "get_hub", map[string]any{"hub_id": hub["id"]})
	w.call(ssa, "get_project", map[string]any{"hub_id": hub["id"], "project_id": project["id"]})
	w.call(ssa, "get_folder", map[string]any{"project_id": project["id"], "folder_id": folder["id"]})
	w.call(ssa, "search_folder", map[string]any{"project_id": project["id"], "folder_id": folders[0]["id"], "name_contains": strings.TrimSuffix(str(item["name"]), ".rvt")})
	got := w.call(ssa, "get_item", map[string]any{"project_id": project["id"], "item_id": item["id"], "include_path": true})
	tip := w.call(ssa, "get_item_tip", map[string]any{"project_id": project["id"], "item_id": item["id"]})
	if got.structured["tip_version_id"] != tip.structured["id"] {
		t.Errorf("get_item's tip %v is not get_item_tip's %v", got.structured["tip_version_id"], tip.structured["id"])
	}
	w.call(ssa, "get_version", map[string]any{"project_id": project["id"], "version_id": version["id"]})
	modelViews := items(t, w.call(ssa, "list_model_views", map[string]any{"urn": version["derivative_urn"]}))
	if !slices.ContainsFunc(modelViews, func(v map[string]any) bool { return v["guid"] == guid }) {
		t.Errorf("list_model_views %v lacks the manifest's view %s", modelViews, guid)
	}
	w.ready(ssa, "get_object_tree", map[string]any{"urn": version["derivative_urn"], "model_guid": guid})
	query := w.call(ssa, "query_properties", map[string]any{"urn": version["derivative_urn"], "model_guid": guid,
		"query": map[string]any{"$in": []any{"objectid", props[0]["objectid"]}}, "fields": []any{"objectid", "name"}})
	if qi, _ := query.structured["items"].([]any); len(qi) != 1 {
		t.Errorf("query_properties for one objectid: %s", query.text)
	}

	// The same model in the AEC Data Model, by the project's Data Management id.
	designs := items(t, w.call(ssa, "aec_list_element_groups", map[string]any{"project_id": project["id"]}))
	design := pick(t, designs, "design of the .rvt item", func(d map[string]any) bool { return d["item_id"] == item["id"] })
	if design["version_id"] != tip.structured["id"] {
		t.Errorf("the design is at version %v, the item's tip is %v", design["version_id"], tip.structured["id"])
	}
	if walls := items(t, w.call(ssa, "aec_query_elements", map[string]any{"element_group_id": design["id"], "filter": "property.name.category==Walls"})); len(walls) == 0 {
		t.Errorf("the design %v has no walls", design["name"])
	}

	// ACC issues of the same project, by its Data Management id.
	issues := items(t, w.call(ssa, "list_issues", map[string]any{"project_id": project["id"], "status": []any{"open", "in_progress"}}))
	if len(issues) == 0 {
		t.Fatal("the project has no open issues")
	}
	issue := w.call(ssa, "get_issue", map[string]any{"project_id": project["id"], "issue_id": issues[0]["id"]})
	if issue.structured["number"] != issues[0]["number"] {
		t.Errorf("get_issue %v vs list_issues %v", issue.structured["number"], issues[0]["number"])
	}
	items(t, w.call(ssa, "list_issue_types", map[string]any{"project_id": project["id"]}))
	items(t, w.call(ssa, "list_issue_comments", map[string]any{"project_id": project["id"], "issue_id": issues[0]["id"]}))
	items(t, w.call(ssa, "list_issue_root_causes", map[string]any{"project_id": project["id"]}))
	// Who the issue's creator is, by name.
	creator := items(t, w.call(ssa, "list_project_users", map[string]any{"project_id": project["id"], "autodesk_id": issue.structured["created_by"]}))
	if len(creator) != 1 || str(creator[0]["name"]) == "" {
		t.Errorf("the creator %v of issue %v among the project's users: %v", issue.structured["created_by"], issue.structured["number"], creator)
	}

	// ACC writes, RFIs and submittals, under the profile that opts into them.
	walkACCWrites(t, w, base, str(project["id"]))

	// OSS, writes included, under the profile that opts into them.
	// delete_object asks the person to confirm; this one does.
	admin := elicitingClient(t, startServer(t, base, serverOptions{profile: "oss-admin"}), &asker{action: mcp.ElicitationResponseActionAccept}, mcp.LATEST_PROTOCOL_VERSION)
	w.call(admin, "list_buckets", nil)
	w.call(admin, "get_bucket_details", map[string]any{"bucket_key": demoBucket})
	objects := items(t, w.call(admin, "list_objects", map[string]any{"bucket_key": demoBucket, "begins_with": "site/"}))
	key := str(objects[0]["object_key"])
	w.call(admin, "get_object_details", map[string]any{"bucket_key": demoBucket, "object_key": key})
	download := w.call(admin, "get_object_download_url", map[string]any{"bucket_key": demoBucket, "object_key": key, "minutes_expiration": 5})
	resp, err := http.Get(str(download.structured["url"]))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body) == 0 {
		t.Errorf("downloading from the signed URL: %d, %d bytes", resp.StatusCode, len(body))
	}
	created := w.call(admin, "create_bucket", map[string]any{"bucket_key": "aps-mcp-e2e-new", "policy_key": "transient", "region": "EMEA"})
	if created.structured["bucket_key"] != "aps-mcp-e2e-new" {
		t.Errorf("create_bucket = %s", created.text)
	}
	if r := callTool(t, admin, "create_bucket", map[string]any{"bucket_key": "aps-mcp-e2e-new", "policy_key": "transient"}); !r.isError || !strings.Contains(r.text, "409") {
		t.Errorf("creating it again: %s", r.text)
	}
	uploaded := w.call(admin, "upload_object", map[string]any{"bucket_key": demoBucket, "object_key": "walk/notes.txt", "content": "walked"})
	if d := w.call(admin, "get_object_details", map[string]any{"bucket_key": demoBucket, "object_key": "walk/notes.txt"}); d.structured["size"] != float64(6) || uploaded.structured["size"] != float64(6) {
		t.Errorf("upload_object %s, then get_object_details %s", uploaded.text, d.text)
	}
	w.call(admin, "delete_object", map[string]any{"bucket_key": demoBucket, "object_key": key})
	if r := callTool(t, admin, "get_object_details", map[string]any{"bucket_key": demoBucket, "object_key": key}); !r.isError || !strings.Contains(r.text, "404") {
		t.Errorf("the deleted object is still there: %s", r.text)
	}

	// Translations and webhooks, writes included, under models-admin.
	translateAndSubscribe(t, w, emu, base)

	// Model Derivative on an app-owned OSS object, with an app token.
	twoLegged := httpClient(t, startServer(t, base, serverOptions{}))
	var translated string
	for _, o := range items(t, w.call(twoLegged, "list_objects", map[string]any{"bucket_key": demoBucket})) {
		r := callTool(t, twoLegged, "get_manifest", map[string]any{"urn": o["object_id"]})
		if !r.isError && r.structured["status"] == "success" {
			translated = str(o["object_id"])
			break
		}
	}
	if translated == "" {
		t.Error("no object in the demo bucket has a translation")
	}

	// Identity, as a signed-in user.
	threeLegged := httpClient(t, startServer(t, base, serverOptions{profile: "3lo"}))
	browse(t, loginURL(t, callTool(t, threeLegged, "whoami", nil)))
	if who := w.call(threeLegged, "whoami", nil); who.structured["user_id"] != apsemu.DemoUserID {
		t.Errorf("whoami = %s", who.text)
	}

	loaded, err := app.Load(app.Options{ToolsFile: filepath.Join(repoRoot, "tools.yaml"), ProfilesDir: filepath.Join(repoRoot, "profiles"), Profile: "2lo"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range loaded.Catalog.Names() {
		if conformedResults(name) == 0 {
			t.Errorf("no result of %s was checked against its outputSchema", name)
		}
		if !w.called[name] {
			t.Errorf("catalogue tool %s was never called", name)
		}
	}
}

// TestObjectIDsWithSpacesReachModelDerivative: the object ids list_objects
// returns, spaces included, are what the Model Derivative tools take (all
// four translated demo designs).
func TestObjectIDsWithSpacesReachModelDerivative(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{}))
	translated := map[string]bool{"設計図.rvt": false, "site/north wing/model.rvt": false, "Floor Plan Level 1.dwg": false, "façade élévation.pdf": false}
	for _, o := range items(t, callTool(t, c, "list_objects", map[string]any{"bucket_key": demoBucket})) {
		key, _ := o["object_key"].(string)
		if _, ok := translated[key]; !ok {
			continue
		}
		r := callTool(t, c, "get_manifest", map[string]any{"urn": o["object_id"]})
		if r.isError || r.structured["status"] == nil {
			t.Errorf("get_manifest for %q (%v): %s", key, o["object_id"], r.text)
		}
		translated[key] = true
	}
	for key, seen := range translated {
		if !seen {
			t.Errorf("%q is not listed", key)
		}
	}
	if r := callTool(t, c, "get_manifest", map[string]any{"urn": " urn:adsk.objects:os.object:b/k"}); !r.isError {
		t.Error("a urn with a leading space was accepted")
	}
}
