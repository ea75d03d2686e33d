package registry

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/internal/needs"
)

// exampleOf names the Autodesk example body each shipped tool's answer
// looks like (../shared/aps-openapi/examples).
var exampleOf = map[string]string{
	"list_buckets":            "oss.get_buckets.200.synthesized.json",
	"list_objects":            "oss.get_objects.200.synthesized.json",
	"get_bucket_details":      "oss.get_bucket_details.200.synthesized.json",
	"get_object_details":      "oss.get_object_details.200.synthesized.json",
	"get_object_download_url": "oss.signed_s3_download.200.synthesized.json",
	"upload_object":           "oss.complete_signed_s3_upload.200.synthesized.json",
	"list_hubs":               "dm.getHubs.200.json",
	"get_hub":                 "dm.getHub.200.json",
	"list_projects":           "dm.getHubProjects.200.json",
	"get_project":             "dm.getProject.200.json",
	"list_top_folders":        "dm.getProjectTopFolders.200.json",
	"get_folder":              "dm.getFolder.200.json",
	"list_folder_contents":    "dm.getFolderContents.200.json",
	"get_item":                "dm.getItem.200.json",
	"get_item_tip":            "dm.getItemTip.200.json",
	"list_item_versions":      "dm.getItemVersions.200.json",
	"get_version":             "dm.getVersion.200.json",
	"get_manifest":            "md.get-manifest.200.json",
	"list_model_views":        "md.get-model-views.200.json",
	"get_object_tree":         "md.get-object-tree.200.json",
	"get_properties":          "md.get-all-properties.200.json",
	"query_properties":        "md.fetch-specific-properties.200.json",
	"list_issues":             "issues.getIssues.200.synthesized.json",
	"whoami":                  "authentication.get-user-info.200.json",
}

// optionalFields may be null in an example: APS sends them only sometimes
// (a path only when asked for, a parent only on some items, a closed date
// only on closed issues).
var optionalFields = map[string]map[string]bool{
	"get_item":             {"path": true},
	"list_top_folders":     {"last_modified": true},
	"list_model_views":     {"master": true},
	"list_issues":          {"assigned_to": true, "assigned_to_type": true, "due_date": true},
	"list_folder_contents": {"last_modified": true},
	// The spec's version schema has fileType and storageSize, Autodesk's
	// example omits them (a PDF), and its version list has no derivatives.
	"get_item_tip":       {"file_type": true, "size": true},
	"get_version":        {"file_type": true, "size": true},
	"list_item_versions": {"size": true, "derivative_urn": true},
}

// TestProjectionsFitAutodeskExamples applies every shipped tool's result
// projection to Autodesk's example answer for its operation: a projected
// field that comes out null names an APS field that does not exist.
func TestProjectionsFitAutodeskExamples(t *testing.T) {
	dir := filepath.Join(needs.APSSpecs(t), "examples")
	c, err := Load(filepath.Join("..", "tools.yaml"), LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope})
	if err != nil {
		t.Fatal(err)
	}
	for name, file := range exampleOf {
		t.Run(name, func(t *testing.T) {
			tool := c.Tools[name]
			if tool == nil {
				t.Fatalf("tools.yaml has no %s", name)
			}
			body, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			var objects []gjson.Result
			if tool.Paginate != nil {
				var items []byte
				gjson.GetBytes(body, tool.Paginate.Items).ForEach(func(_, item gjson.Result) bool {
					projected := projectItem(nil, tool, item)
					objects = append(objects, gjson.ParseBytes(projected))
					items = append(append(items, ','), projected...)
					return true
				})
				listing := fmt.Sprintf(`{"items":[%s],"count":%d}`, bytes.TrimPrefix(items, []byte(",")), len(objects))
				conformsTo(t, tool, []byte(listing))
			} else {
				out, err := projectAnswer(tool, body)
				if err != nil {
					t.Fatal(err)
				}
				conformsTo(t, tool, out)
				r := gjson.ParseBytes(out)
				if items := r.Get("items"); items.IsArray() && !r.Get("pagination").Exists() {
					objects = items.Array()
				} else {
					objects = []gjson.Result{r}
				}
			}
			if len(objects) == 0 {
				t.Fatal("the projection yields nothing from the example")
			}
			// gjson leaves a field out of {a:b} when b is missing, so every
			// key the projection names must be there (unless optional).
			obj := objects[0]
			for _, key := range resultKeys(tool.Result) {
				if v := obj.Get(gjson.Escape(key)); (!v.Exists() || v.Type == gjson.Null) && !optionalFields[name][key] {
					t.Errorf("field %s is missing: the projection names something the example lacks (%s)", key, obj.Raw[:min(200, len(obj.Raw))])
				}
			}
		})
	}
	for name := range c.Tools {
		if _, ok := exampleOf[name]; !ok && name != "create_bucket" && name != "delete_object" && name != "search_folder" &&
			name != "get_issue" && name != "list_issue_types" && name != "list_issue_comments" && name != "list_issue_root_causes" &&
			name != "list_project_users" { // the examples hold none of the Account Admin API

			t.Errorf("tool %s has no example to check its projection against; add it to exampleOf", name)
		}
	}
}
