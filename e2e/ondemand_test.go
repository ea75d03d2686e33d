package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/aps-mcp/aps-mcp/ondemand"
)

// TestOnDemandTools: the ssa profile lists its walk's tools and
// find_tools and call_tool, not the tools it serves on demand; find_tools
// gives those tools' definitions as tools.yaml builds them; call_tool
// runs one with the result a direct call of it gives, which also works.
func TestOnDemandTools(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))
	loaded, err := app.Load(app.Options{ToolsFile: repoRoot + "/tools.yaml", ProfilesDir: repoRoot + "/profiles", Profile: "ssa"})
	if err != nil {
		t.Fatal(err)
	}
	var unlisted []string
	for _, t := range loaded.Tools {
		if loaded.OnDemand(t) {
			unlisted = append(unlisted, t.Name)
		}
	}
	if len(unlisted) == 0 {
		t.Fatal("the ssa profile serves nothing on demand")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, tool := range list.Tools {
		listed = append(listed, tool.Name)
	}
	for _, want := range []string{"list_hubs", "list_issues", ondemand.FindTools, ondemand.CallTool} {
		if !slices.Contains(listed, want) {
			t.Errorf("tools/list lacks %s: %v", want, listed)
		}
	}
	for _, name := range unlisted {
		if slices.Contains(listed, name) {
			t.Errorf("tools/list lists %s, which tools.on_demand names", name)
		}
	}
	if len(listed)+len(unlisted) != len(loaded.Tools)+2 {
		t.Errorf("%d listed and %d on demand, of %d tools served", len(listed), len(unlisted), len(loaded.Tools))
	}

	// Every tool served on demand, defined as tools.yaml defines it.
	all := callTool(t, c, ondemand.FindTools, nil)
	defs, _ := all.structured["tools"].([]any)
	var found []string
	for _, d := range defs {
		def, _ := d.(map[string]any)
		name := str(def["name"])
		found = append(found, name)
		want := loaded.Catalog.Tools[name].MCPTool()
		var schema any
		must(t, json.Unmarshal(want.RawInputSchema, &schema))
		if def["description"] != want.Description || def["title"] != want.Title || !reflect.DeepEqual(def["inputSchema"], schema) {
			t.Errorf("find_tools defines %s as %v, tools.yaml as %q %q %s", name, def, want.Title, want.Description, want.RawInputSchema)
		}
	}
	if !slices.Equal(found, unlisted) {
		t.Errorf("find_tools without a query finds %v, want %v", found, unlisted)
	}
	rfis := callTool(t, c, ondemand.FindTools, map[string]any{"query": "RFIs"})
	var names []string
	for _, d := range rfis.structured["tools"].([]any) {
		names = append(names, str(d.(map[string]any)["name"]))
	}
	if !slices.Equal(names, []string{"get_rfi", "list_rfis"}) {
		t.Errorf("find_tools RFIs: %v", names)
	}

	// call_tool runs list_rfis as a direct call does.
	args := map[string]any{"project_id": "b." + apsemuTowerIssues(emu), "status": []any{"open"}}
	direct := callTool(t, c, "list_rfis", args)
	req := mcp.CallToolRequest{}
	req.Params.Name = ondemand.CallTool
	req.Params.Arguments = map[string]any{"name": "list_rfis", "arguments": args}
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	must(t, checkConforms(c, "list_rfis", res)) // the result is list_rfis's, to its schema
	through, err := decodeResult(res)
	if err != nil {
		t.Fatal(err)
	}
	if through.isError || len(items(t, direct)) == 0 || !reflect.DeepEqual(through.structured, direct.structured) || through.text != direct.text {
		t.Errorf("call_tool list_rfis:\n%v\n%s\ndirect:\n%v\n%s", through.structured, through.text, direct.structured, direct.text)
	}

	// What call_tool refuses names the argument.
	req.Params.Arguments = map[string]any{"name": "delete_object", "arguments": map[string]any{}}
	if res, err = c.CallTool(ctx, req); err != nil {
		t.Fatal(err)
	}
	if bad, _ := decodeResult(res); !bad.isError || !strings.Contains(bad.text, `argument name: "delete_object" is none of the tools find_tools finds`) {
		t.Errorf("call_tool of a tool it does not serve: %v %s", bad.isError, bad.text)
	}
	req.Params.Arguments = map[string]any{"name": "list_rfis", "arguments": map[string]any{"project_id": "not-a-project"}}
	if res, err = c.CallTool(ctx, req); err != nil {
		t.Fatal(err)
	}
	if bad, _ := decodeResult(res); !bad.isError || !strings.Contains(bad.text, "argument project_id") {
		t.Errorf("call_tool with a bad argument of the tool: %v %s", bad.isError, bad.text)
	}
}

// TestDestructiveToolOnDemandAsks: a destructive tool served on demand
// asks the person through call_tool as it does when listed, at both
// protocol generations (the multi round-trip answer comes back to
// call_tool and confirms the call it wraps); decline leaves the object,
// and call_tool's hints say it may destroy.
func TestDestructiveToolOnDemandAsks(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	edited := false
	dir := editedProfiles(t, func(body []byte) []byte {
		out := bytes.Replace(body, []byte("  read_only: false"), []byte("  read_only: false\n  on_demand: [delete_object]"), 1)
		edited = !bytes.Equal(out, body)
		return out
	}, "oss-admin")
	if !edited {
		t.Fatal("oss-admin.yaml has no read_only: false line to extend")
	}
	url := startServer(t, base, serverOptions{profile: "oss-admin", profilesDir: dir})
	for _, version := range []string{mcp.LATEST_PROTOCOL_VERSION, mcp.LATEST_LEGACY_PROTOCOL_VERSION} {
		for _, tc := range []struct {
			action  mcp.ElicitationResponseAction
			deleted bool
		}{{mcp.ElicitationResponseActionAccept, true}, {mcp.ElicitationResponseActionDecline, false}} {
			t.Run(version+"/"+string(tc.action), func(t *testing.T) {
				a := &asker{action: tc.action}
				c := elicitingClient(t, url, a, version)
				list, err := c.ListTools(t.Context(), mcp.ListToolsRequest{})
				if err != nil {
					t.Fatal(err)
				}
				for _, tool := range list.Tools {
					if tool.Name == "delete_object" {
						t.Error("delete_object is listed")
					}
					if tool.Name == ondemand.CallTool && (tool.Annotations.ReadOnlyHint != nil || tool.Annotations.DestructiveHint != nil) {
						t.Errorf("call_tool's hints %+v: want neither read-only nor non-destructive", tool.Annotations)
					}
				}
				key := "on-demand/" + version + "/" + string(tc.action) + ".txt"
				req := mcp.CallToolRequest{}
				req.Params.Name = ondemand.CallTool
				req.Params.Arguments = map[string]any{"name": "delete_object", "arguments": doomed(emu, key)}
				res, err := c.CallTool(t.Context(), req)
				if err != nil {
					t.Fatal(err)
				}
				r, _ := decodeResult(res)
				if asked := a.messages(); len(asked) != 1 || !strings.Contains(asked[0], "delete_object") || !strings.Contains(asked[0], key) {
					t.Errorf("the person was asked %q, want one question naming delete_object and %s", asked, key)
				}
				if hasObject(emu, key) == tc.deleted || r.isError == tc.deleted {
					t.Errorf("after %s: object exists %v, result error %v: %s", tc.action, hasObject(emu, key), r.isError, r.text)
				}
			})
		}
	}
}
