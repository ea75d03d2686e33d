package registry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

const confirmCatalog = `version: 1
toolsets:
  s: {description: S}
tools:
  remove_thing:
    title: Remove a thing
    description: Removes a thing for good.
    toolset: s
    auth: [2lo]
    method: DELETE
    path: /things/{id}
    params:
      id: {in: path, type: string, description: The thing.}
  purge_things:
    title: Purge things
    description: Purges every thing.
    toolset: s
    auth: [2lo]
    method: POST
    path: /things/purge
    annotations: {destructive: true}
  archive_thing:
    title: Archive a thing
    description: Archives a thing; it can be restored.
    toolset: s
    auth: [2lo]
    method: DELETE
    path: /things/{id}/live
    params:
      id: {in: path, type: string, description: The thing.}
    annotations: {destructive: false}
`

// TestConfirmationFollowsTheDestructiveHint: a tool asks exactly when its
// destructiveHint is true (a DELETE, or any method marked destructive),
// an accepted answer with the state it was asked with lets it run once,
// and an answer for other arguments or a client without elicitation does
// not (unless the profile allows it).
func TestConfirmationFollowsTheDestructiveHint(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	c, err := Load(writeCatalogF(t, confirmCatalog), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	rt := &Runtime{BaseURL: srv.URL, HTTP: apshttp.NewClient(apshttp.ClientOptions{}), Auth: staticToken{},
		CursorKey: CursorKey("test"), Logger: discardLogger(), Profile: ProfileInfo{File: "profiles/p.yaml"}}
	eliciting := server.WithRequestProtocolInfo(context.Background(), &server.RequestProtocolInfo{
		Modern: true, ClientCapabilities: &mcp.ClientCapabilities{Elicitation: &mcp.ElicitationCapability{}}})
	mute := server.WithRequestProtocolInfo(context.Background(), &server.RequestProtocolInfo{
		Modern: true, ClientCapabilities: &mcp.ClientCapabilities{}})
	call := func(ctx context.Context, tool string, args map[string]any, answer mcp.ElicitationResponseAction, state string) *mcp.CallToolResult {
		t.Helper()
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = tool, args
		if answer != "" {
			req.Params.InputResponses = mcp.InputResponses{confirmID: mcp.NewElicitationInputResponse(
				mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: answer}})}
			req.Params.RequestState = state
		}
		res, err := rt.Handler(c.Tools[tool])(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	one := map[string]any{"id": "one"}

	asked := call(eliciting, "remove_thing", one, "", "")
	if !asked.NeedsInput() || asked.InputRequests[confirmID].Elicitation == nil || sent.Load() != 0 {
		t.Fatalf("remove_thing did not ask first: %+v, %d requests", asked, sent.Load())
	}
	if msg := asked.InputRequests[confirmID].Elicitation.Message; !strings.Contains(msg, "remove_thing") || !strings.Contains(msg, "DELETE /things/one") {
		t.Errorf("question = %q", msg)
	}
	if res := call(eliciting, "remove_thing", map[string]any{"id": "two"}, mcp.ElicitationResponseActionAccept, asked.RequestState); !res.IsError || sent.Load() != 0 {
		t.Errorf("a confirmation of id one ran id two: %d requests", sent.Load())
	}
	if res := call(eliciting, "remove_thing", one, mcp.ElicitationResponseActionDecline, asked.RequestState); !res.IsError || sent.Load() != 0 {
		t.Errorf("a declined call ran: %d requests", sent.Load())
	}
	if res := call(eliciting, "remove_thing", one, mcp.ElicitationResponseActionAccept, asked.RequestState); res.IsError || sent.Load() != 1 {
		t.Errorf("the confirmed call: error %v, %d requests", res.IsError, sent.Load())
	}
	if res := call(eliciting, "purge_things", nil, "", ""); !res.NeedsInput() {
		t.Error("a POST marked destructive did not ask")
	}
	if res := call(eliciting, "archive_thing", one, "", ""); res.NeedsInput() || res.IsError || sent.Load() != 2 {
		t.Errorf("a DELETE marked not destructive asked or failed: %d requests", sent.Load())
	}
	if res := call(mute, "remove_thing", one, "", ""); !res.IsError || sent.Load() != 2 {
		t.Errorf("a client without elicitation was not refused: %d requests", sent.Load())
	}
	rt.AllowUnconfirmedDestructive = true
	if res := call(mute, "remove_thing", one, "", ""); res.IsError || sent.Load() != 3 {
		t.Errorf("allowed unconfirmed call: error %v, %d requests", res.IsError, sent.Load())
	}
}

// TestEditableProfile: a message asking for a changed setting names a file
// the person can change; a built-in profile cannot change, so it names a
// copy of it instead.
func TestEditableProfile(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"/srv/aps/profiles/oss-admin.yaml", "/srv/aps/profiles/oss-admin.yaml"},
		{"profiles/oss-admin.yaml" + strictyaml.BuiltinMark, "a copy of profiles/oss-admin.yaml in the working directory (the built-in one cannot change)"},
	} {
		if got := (ProfileInfo{File: tc.file}).editableFile(); got != tc.want {
			t.Errorf("editableFile of %q = %q, want %q", tc.file, got, tc.want)
		}
	}
}
