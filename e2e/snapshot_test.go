package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/aps-mcp/aps-mcp/registry"
)

// sdkSession connects the official go-sdk client with protocol 2025-11-25.
func sdkSession(t *testing.T, url string) *sdk.ClientSession {
	t.Helper()
	cl := sdk.NewClient(&sdk.Implementation{Name: "go-sdk-e2e", Version: "1"}, nil)
	// Pinned to the session-based generation: mcp-go's client in the other
	// tests speaks the stateless 2026-07-28, which go-sdk would pick too.
	session, err := cl.Connect(context.Background(), &sdk.StreamableClientTransport{Endpoint: url, MaxRetries: -1},
		&sdk.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { session.Close() })
	return session
}

// snapshotSession connects the official SDK's client to profile; a team
// server's client signs in first, with a Client ID Metadata Document.
func snapshotSession(t *testing.T, base, profile string, emu *apsemu.Emulator) *sdk.ClientSession {
	t.Helper()
	prof, err := config.LoadProfile(filepath.Join(repoRoot, "profiles"), profile, config.Env{}, config.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if !prof.Team() {
		return sdkSession(t, startServer(t, base, serverOptions{profile: profile, emu: emu}))
	}
	clientID, docClient := metadataDocument(t, "snapshot client")
	session, err := sdkOAuthSession(t, startServer(t, base, serverOptions{profile: profile, emu: emu, public: true, metadataClient: docClient}), clientID, newBrowser(t))
	if err != nil {
		t.Fatal(err)
	}
	return session
}

var update = flag.Bool("update", false, "rewrite the tools/list snapshots in testdata/ (or set APS_MCP_UPDATE_SNAPSHOTS=1)")

// TestToolsListSnapshot diffs what a model sees in tools/list, for every
// shipped profile, against testdata/tools_list/PROFILE.json. After an
// intended change to tools.yaml run: go test ./e2e -run Snapshot -update
func TestToolsListSnapshot(t *testing.T) {
	profiles, err := config.ProfileNames(filepath.Join(repoRoot, "profiles"))
	if err != nil || len(profiles) == 0 {
		t.Fatalf("profiles: %v %v", profiles, err)
	}
	emu, base := emulator(t, apsemu.Options{})
	for _, profile := range profiles {
		t.Run(profile, func(t *testing.T) {
			// The official SDK keeps inputSchema as the raw JSON the server
			// sent, so the snapshot is the wire, not a client's re-encoding.
			session := snapshotSession(t, base, profile, emu)
			res, err := session.ListTools(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := json.Marshal(res.Tools)
			if err != nil {
				t.Fatal(err)
			}
			var tools []map[string]any
			if err := json.Unmarshal(raw, &tools); err != nil {
				t.Fatal(err)
			}
			checkToolMetadata(t, tools)
			got, _ := json.MarshalIndent(tools, "", "  ")
			got = append(got, '\n')
			file := filepath.Join("testdata", "tools_list", profile+".json")
			if *update || os.Getenv("APS_MCP_UPDATE_SNAPSHOTS") != "" {
				must(t, os.MkdirAll(filepath.Dir(file), 0o755))
				must(t, os.WriteFile(file, got, 0o644))
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./e2e -run Snapshot -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("tools/list for profile %s differs from %s; if intended, run go test ./e2e -run Snapshot -update\n%s",
					profile, file, firstDifference(string(want), string(got)))
			}
		})
	}
}

// checkToolMetadata: every tool has a title, honest hints, describes
// itself and each argument, refuses unknown arguments, and keeps its schema
// free of top-level combinators. (Every tool's toolset is checked at load.)
func checkToolMetadata(t *testing.T, tools []map[string]any) {
	t.Helper()
	catalog, err := app.LoadCatalog(filepath.Join(repoRoot, "tools.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools {
		name := tool["name"]
		if d, _ := tool["description"].(string); len(d) < 20 {
			t.Errorf("%s: description too thin: %q", name, d)
		}
		if title, _ := tool["title"].(string); title == "" {
			t.Errorf("%s: no title", name)
		}
		checkHints(t, catalog, tool)
		schema, _ := tool["inputSchema"].(map[string]any)
		if schema["type"] != "object" || schema["additionalProperties"] != false {
			t.Errorf("%s: input schema must be an object refusing unknown properties: %v", name, schema)
		}
		for _, combinator := range []string{"anyOf", "oneOf", "allOf"} {
			if _, ok := schema[combinator]; ok {
				t.Errorf("%s: top-level %s in the input schema; many clients reject it", name, combinator)
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for arg, p := range props {
			if d, _ := p.(map[string]any)["description"].(string); d == "" {
				t.Errorf("%s: argument %s has no description", name, arg)
			}
		}
	}
}

func firstDifference(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(i+1) + ":\n- " + w + "\n+ " + g
		}
	}
	return ""
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// checkHints: a catalogue tool's hints, read as the MCP spec reads them,
// say what tools.yaml makes of it, and none is stated that says only
// its default (the listing is read on every turn); annotations.title is
// left to the tool's own title. (The official SDK this snapshot is read
// with writes readOnlyHint and idempotentHint whether or not the server
// did, so only the other two show what the server left out; registry's
// TestHintsLeaveDefaultsOut checks the server's own encoding.)
func checkHints(t *testing.T, catalog *registry.Catalog, tool map[string]any) {
	t.Helper()
	name, _ := tool["name"].(string)
	ann, _ := tool["annotations"].(map[string]any)
	defaults := map[string]bool{"destructiveHint": true, "openWorldHint": true}
	for hint, v := range ann {
		b, ok := v.(bool)
		if def, lean := defaults[hint]; !ok || lean && b == def {
			t.Errorf("%s: annotation %s is %v, its default or not a boolean", name, hint, v)
		}
	}
	if _, ok := ann["title"]; ok {
		t.Errorf("%s: annotations.title repeats the title", name)
	}
	c := catalog.Tools[name]
	if c == nil {
		return // find_tools and call_tool: package ondemand checks theirs
	}
	got := readHints(ann)
	want := hints{readOnly: c.ReadOnly(), destructive: !c.ReadOnly() && c.Destructive(), idempotent: c.ReadOnly() || c.Idempotent(), openWorld: true}
	if c.Annotations != nil && c.Annotations.OpenWorld != nil {
		want.openWorld = *c.Annotations.OpenWorld
	}
	if got != want {
		t.Errorf("%s: hints read %+v, tools.yaml makes it %+v", name, got, want)
	}
}

// hints are a tool's annotations as the MCP spec reads them.
type hints struct{ readOnly, destructive, idempotent, openWorld bool }

// readHints applies the spec's defaults to what ann states: readOnlyHint
// false, destructiveHint true, idempotentHint false, openWorldHint true;
// a read-only tool is neither destructive nor anything but idempotent,
// whatever the other two say (they mean something only for a write).
func readHints(ann map[string]any) hints {
	flag := func(k string, def bool) bool {
		if b, ok := ann[k].(bool); ok {
			return b
		}
		return def
	}
	h := hints{readOnly: flag("readOnlyHint", false), destructive: flag("destructiveHint", true),
		idempotent: flag("idempotentHint", false), openWorld: flag("openWorldHint", true)}
	if h.readOnly {
		h.destructive, h.idempotent = false, true
	}
	return h
}
