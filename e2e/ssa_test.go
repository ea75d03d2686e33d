package e2e_test

import (
	"bytes"
	"context"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// bigHub returns the seeded hub with more than one page of projects.
func bigHub(t *testing.T, emu *apsemu.Emulator) string {
	t.Helper()
	for _, h := range emu.Hubs() {
		if len(emu.Projects(h.ID)) > 200 {
			return h.ID
		}
	}
	t.Fatal("the emulator seeds no hub with more than 200 projects")
	return ""
}

// checkDataManagement lists hubs and the big hub's projects through c.
func checkDataManagement(t *testing.T, c *client.Client, emu *apsemu.Emulator) {
	t.Helper()
	hubs := items(t, callTool(t, c, "list_hubs", nil))
	var want []string
	for _, h := range emu.Hubs() {
		if !h.Unreachable {
			want = append(want, h.ID)
		}
	}
	got := field(hubs, "id")
	slices.Sort(got)
	slices.Sort(want)
	if len(want) < 3 || !slices.Equal(got, want) {
		t.Errorf("list_hubs ids = %v, want %v", got, want)
	}
	for _, h := range hubs {
		if h["name"] == "" || h["type"] == "" || h["region"] == "" {
			t.Errorf("hub lacks name, type or region: %v", h)
		}
	}

	hub := bigHub(t, emu)
	projects := items(t, callTool(t, c, "list_projects", map[string]any{"hub_id": hub}))
	seen := map[string]int{}
	for _, id := range field(projects, "id") {
		seen[id]++
	}
	wantProjects := emu.Projects(hub)
	if len(projects) != len(wantProjects) {
		t.Errorf("list_projects returned %d projects, want %d", len(projects), len(wantProjects))
	}
	for _, p := range wantProjects {
		if seen[p.ID] != 1 {
			t.Errorf("project %s seen %d times, want exactly once", p.ID, seen[p.ID])
		}
	}
}

func TestSSAOverStreamableHTTP(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))
	checkDataManagement(t, c, emu)
	if n := emu.JWTExchanges(); n != 1 {
		t.Errorf("JWT exchanges = %d, want 1 (the token is cached)", n)
	}
}

func TestSSAOverStdio(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	env := serviceAccountEnv(emu)
	for k, v := range emulatorEnv(base) {
		env[k] = v
	}
	c := stdioClient(t, env, "--profile", "ssa")
	checkDataManagement(t, c, emu)
}

func TestSSAColdServerMakesOneExchange(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	// 100 list_hubs at once is twice what APS allows a minute; the exchange is the point.
	url := startServer(t, base, serverOptions{profile: "ssa", emu: emu, env: map[string]string{"APS_MCP_PACE": unpaced}})
	cs := []*client.Client{httpClient(t, url), httpClient(t, url), httpClient(t, url), httpClient(t, url)}
	callConcurrently(t, cs, 100, "list_hubs", nil)
	if n := emu.JWTExchanges(); n != 1 {
		t.Errorf("JWT exchanges after 100 concurrent cold calls = %d, want 1", n)
	}
}

func TestSSAWarningsReachTheModel(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	emu.AddHub(apsemu.Hub{ID: "b.unreachable-account", Name: "Far away", Type: "hubs:autodesk.bim360:Account", Region: "APAC", Unreachable: true})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "ssa", emu: emu}))
	r := callTool(t, c, "list_hubs", nil)
	warnings, _ := r.structured["warnings"].([]any)
	if len(warnings) != 1 || !strings.Contains(r.text, "Unable to get hubs from BIM360DM APAC.") {
		t.Errorf("want the APAC warning in the result, got %s", r.text)
	}
	for _, id := range field(items(t, r), "id") {
		if id == "b.unreachable-account" {
			t.Error("the unreachable hub is listed")
		}
	}
}

// TestHubToolsOnlyUnderUserProfiles: the 2lo profile does not offer hub
// tools; `aps-mcp tools --profile ssa` lists both, without credentials.
func TestHubToolsOnlyUnderUserProfiles(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "2lo"}))
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		if tool.Name == "list_hubs" || tool.Name == "list_projects" {
			t.Errorf("2lo profile offers %s", tool.Name)
		}
	}
	// MCP answers a call to a tool the server does not have with a protocol error.
	if r, err := callToolErr(c, "list_hubs", nil); err == nil {
		t.Errorf("calling list_hubs under 2lo: want an unknown-tool error, got %+v", r)
	}

	cmd := exec.Command(binPath, "tools", "--profile", "ssa", "--tools", repoRoot+"/tools.yaml", "--profiles", repoRoot+"/profiles")
	cmd.Dir, cmd.Env = t.TempDir(), binaryEnv(nil)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aps-mcp tools --profile ssa: %v\n%s", err, out)
	}
	for _, name := range []string{"list_hubs", "list_projects"} {
		if !strings.Contains(string(out), name) {
			t.Errorf("tools --profile ssa lacks %s:\n%s", name, out)
		}
	}
}

// TestSSAStartupErrors: broken key material stops the binary at start-up
// with a message that names the variable.
func TestSSAStartupErrors(t *testing.T) {
	base := map[string]string{"APS_CLIENT_ID": "id", "APS_CLIENT_SECRET": "secret", "APS_SSA_ID": "SA", "APS_SSA_KEY_ID": "kid"}
	tests := []struct {
		name string
		set  map[string]string
		drop string
		want string
	}{
		{name: "no key", want: "APS_SSA_KEY_BASE64"},
		{name: "no account id", drop: "APS_SSA_ID", set: map[string]string{"APS_SSA_KEY_BASE64": "eA=="}, want: "needs APS_SSA_ID"},
		{name: "bad base64", set: map[string]string{"APS_SSA_KEY_BASE64": "%%%"}, want: "APS_SSA_KEY_BASE64 is not valid base64"},
		{name: "not PEM", set: map[string]string{"APS_SSA_KEY_BASE64": "aGVsbG8="}, want: "does not hold a PEM block"},
		{name: "missing file", set: map[string]string{"APS_SSA_KEY_FILE": "/nonexistent/key.pem"}, want: "APS_SSA_KEY_FILE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tc.set {
				env[k] = v
			}
			delete(env, tc.drop)
			cmd := exec.Command(binPath, "call", "--profile", "ssa", "--tools", repoRoot+"/tools.yaml", "--profiles", repoRoot+"/profiles", "list_hubs")
			cmd.Dir, cmd.Env = t.TempDir(), binaryEnv(env)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if exitCode(err) != 1 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 1 naming %q", exitCode(err), stderr.String(), tc.want)
			}
		})
	}
}
