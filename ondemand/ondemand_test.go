package ondemand

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/registry"
)

// hiddenTool is a tool to hide, whose handler answers with its name and
// the arguments it got, and records the request.
func hiddenTool(name, toolset, description string, hints mcp.ToolAnnotation, got *[]mcp.CallToolRequest) Tool {
	tool := mcp.NewTool(name, mcp.WithDescription(description), mcp.WithToolAnnotation(hints),
		mcp.WithString("project_id", mcp.Required(), mcp.Description("The project.")))
	return Tool{Toolset: toolset, ServerTool: server.ServerTool{Tool: tool,
		Handler: func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			*got = append(*got, req)
			return mcp.NewToolResultStructured(map[string]any{"tool": req.Params.Name, "args": req.GetArguments()}, name), nil
		}}}
}

func fixture(got *[]mcp.CallToolRequest) []Tool {
	read := registry.Hints(true, false, true, true)
	return []Tool{
		hiddenTool("list_rfis", "acc-rfis", "Lists a project's RFIs.", read, got),
		hiddenTool("get_rfi", "acc-rfis", "Returns one RFI in full.", read, got),
		hiddenTool("list_project_users", "acc-admin", "Lists the members of a project.", read, got),
		hiddenTool("get_hub", "data-management", "Returns one hub.", read, got),
	}
}

// call runs tool (find_tools or call_tool) of tools with args.
func call(t *testing.T, tools []server.ServerTool, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	i := slices.IndexFunc(tools, func(st server.ServerTool) bool { return st.Tool.Name == name })
	if i < 0 {
		t.Fatalf("no %s in %v", name, names(tools))
	}
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = name, args
	req.Params.Meta = &mcp.Meta{ProgressToken: "p-1"}
	res, err := tools[i].Handler(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// names are the names of tools, in their order.
func names(tools []server.ServerTool) []string {
	out := make([]string, len(tools))
	for i, t := range tools {
		out[i] = t.Tool.Name
	}
	return out
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := mcp.AsTextContent(c); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func TestNothingHiddenNoTools(t *testing.T) {
	if tools := Tools(nil); tools != nil {
		t.Errorf("Tools(nil) = %v, want none", names(tools))
	}
}

// TestFindTools: find_tools's description names every hidden tool by
// toolset; a call gives the definitions of those matching the query's
// words (plurals too), the best matches first, as structuredContent and
// the same JSON as text.
func TestFindTools(t *testing.T) {
	var got []mcp.CallToolRequest
	hidden := fixture(&got)
	tools := Tools(hidden)
	if names := names(tools); !slices.Equal(names, []string{FindTools, CallTool}) {
		t.Fatalf("tools %v", names)
	}
	desc := tools[0].Tool.Description
	for _, want := range []string{"acc-rfis: list_rfis, get_rfi", "acc-admin: list_project_users", "data-management: get_hub"} {
		if !strings.Contains(desc, want) {
			t.Errorf("find_tools's description lacks %q:\n%s", want, desc)
		}
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"list_rfis", "get_rfi", "list_project_users", "get_hub"}},
		{"rfi", []string{"list_rfis", "get_rfi"}},
		{"RFIs", []string{"list_rfis", "get_rfi"}},
		{"members", []string{"list_project_users"}},
		{"hubs", []string{"get_hub"}},
		{"project members", []string{"list_project_users", "list_rfis"}},      // two words, then one
		{"acc-admin", []string{"list_project_users", "list_rfis", "get_rfi"}}, // acc and admin, then acc
		{"webhooks", nil},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			res := call(t, tools, FindTools, map[string]any{"query": tc.query})
			if res.IsError {
				t.Fatalf("error: %s", text(res))
			}
			b, _ := json.Marshal(res.StructuredContent)
			if text(res) != string(b) {
				t.Errorf("text %s, structuredContent %s: want the same document", text(res), b)
			}
			var doc struct {
				Tools []struct {
					Name        string          `json:"name"`
					Description string          `json:"description"`
					InputSchema json.RawMessage `json:"inputSchema"`
					Annotations map[string]any  `json:"annotations"`
				} `json:"tools"`
				Count int `json:"count"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, d := range doc.Tools {
				names = append(names, d.Name)
				if !strings.Contains(string(d.InputSchema), `"project_id"`) || d.Description == "" || d.Annotations["readOnlyHint"] != true {
					t.Errorf("%s: definition %+v lacks its schema, description or hints", d.Name, d)
				}
			}
			if !slices.Equal(names, tc.want) || doc.Count != len(tc.want) {
				t.Errorf("found %v (count %d), want %v", names, doc.Count, tc.want)
			}
		})
	}
}

// TestCallTool: call_tool runs the hidden tool named with the arguments
// given for it, keeping the request's _meta (a progress token), and
// answers with its result as it is; a name it does not serve or
// arguments that are no object are refused, naming the argument.
func TestCallTool(t *testing.T) {
	var got []mcp.CallToolRequest
	tools := Tools(fixture(&got))
	res := call(t, tools, CallTool, map[string]any{"name": "get_rfi", "arguments": map[string]any{"project_id": "p1"}})
	if res.IsError || len(got) != 1 {
		t.Fatalf("result %v, %d calls", text(res), len(got))
	}
	inner := got[0]
	if inner.Params.Name != "get_rfi" || inner.GetString("project_id", "") != "p1" || len(inner.GetArguments()) != 1 ||
		inner.Params.Meta == nil || inner.Params.Meta.ProgressToken != "p-1" {
		t.Errorf("the tool got %+v", inner.Params)
	}
	if sc, _ := res.StructuredContent.(map[string]any); sc["tool"] != "get_rfi" || text(res) != "get_rfi" {
		t.Errorf("result %v %q is not the tool's own", res.StructuredContent, text(res))
	}

	if res := call(t, tools, CallTool, map[string]any{"name": "list_rfis"}); res.IsError || len(got) != 2 || got[1].GetArguments() != nil {
		t.Errorf("without arguments: %s, arguments %v", text(res), got[len(got)-1].GetArguments())
	}

	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"name": "delete_everything"}, `argument name: "delete_everything" is none of the tools find_tools finds: list_rfis, get_rfi, list_project_users, get_hub`},
		{map[string]any{}, `argument name: "" is none`},
		{map[string]any{"name": "get_rfi", "arguments": "project_id=p1"}, "argument arguments: must be an object of get_rfi's arguments, got a string"},
		{map[string]any{"name": "get_rfi", "arguments": []any{"p1"}}, "got an array"},
	} {
		calls := len(got)
		res := call(t, tools, CallTool, tc.args)
		if !res.IsError || !strings.Contains(text(res), tc.want) || len(got) != calls {
			t.Errorf("%v: error %v %q, want %q and no call", tc.args, res.IsError, text(res), tc.want)
		}
	}
}

// TestCallToolHints: call_tool's hints are its hidden tools' worst:
// read-only only if all are, destructive if any is, idempotent only if
// all are.
func TestCallToolHints(t *testing.T) {
	var got []mcp.CallToolRequest
	read := registry.Hints(true, false, true, true)
	create := registry.Hints(false, false, false, true)
	update := registry.Hints(false, false, true, true)
	del := registry.Hints(false, true, true, true)
	tests := []struct {
		name  string
		hints []mcp.ToolAnnotation
		want  string
	}{
		{"reads", []mcp.ToolAnnotation{read, read}, `{"readOnlyHint":true}`},
		{"a read and an update", []mcp.ToolAnnotation{read, update}, `{"destructiveHint":false,"idempotentHint":true}`},
		{"a create", []mcp.ToolAnnotation{read, create}, `{"destructiveHint":false}`},
		{"a delete", []mcp.ToolAnnotation{update, del}, `{"idempotentHint":true}`},
		{"a delete and a create", []mcp.ToolAnnotation{del, create}, `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hidden []Tool
			for i, h := range tc.hints {
				hidden = append(hidden, hiddenTool("t"+string(rune('a'+i)), "set", "A tool.", h, &got))
			}
			b, _ := json.Marshal(Tools(hidden)[1].Tool.Annotations)
			if string(b) != tc.want {
				t.Errorf("call_tool's hints %s, want %s", b, tc.want)
			}
		})
	}
}
