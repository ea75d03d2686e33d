package e2e_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/aps-mcp/aps-mcp/internal/needs"
)

// mcpbManifest is what the tests read of bundle/manifest.json.
type mcpbManifest struct {
	Version string `json:"version"`
	Server  struct {
		Type       string `json:"type"`
		EntryPoint string `json:"entry_point"`
		MCPConfig  struct {
			Command string            `json:"command"`
			Args    []string          `json:"args"`
			Env     map[string]string `json:"env"`
		} `json:"mcp_config"`
	} `json:"server"`
	UserConfig map[string]struct {
		Required  bool   `json:"required"`
		Sensitive bool   `json:"sensitive"`
		Default   string `json:"default"`
	} `json:"user_config"`
}

// registryServer is what the tests read of a server.json.
type registryServer struct {
	Schema      string            `json:"$schema"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Version     string            `json:"version"`
	Packages    []registryPackage `json:"packages"`
}

// registryPackage is one package of a server.json.
type registryPackage struct {
	RegistryType string `json:"registryType"`
	Identifier   string `json:"identifier"`
	Version      string `json:"version"`
	FileSha256   string `json:"fileSha256"`
	Transport    struct {
		Type string `json:"type"`
	} `json:"transport"`
	EnvironmentVariables []struct {
		Name       string `json:"name"`
		IsRequired bool   `json:"isRequired"`
		IsSecret   bool   `json:"isSecret"`
	} `json:"environmentVariables"`
}

func readJSON(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	must(t, err)
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// TestBundleManifestAndServerJSON checks bundle/manifest.json and
// bundle/server.json against each other, the server and the registry's
// schema (2025-12-11: the name's pattern, a description of at most 100
// characters, exact versions, mcpb packages with a SHA-256), without npm.
func TestBundleManifestAndServerJSON(t *testing.T) {
	var m mcpbManifest
	var s registryServer
	readJSON(t, filepath.Join(repoRoot, "bundle", "manifest.json"), &m)
	readJSON(t, filepath.Join(repoRoot, "bundle", "server.json"), &s)

	cfg := m.Server.MCPConfig
	if m.Server.Type != "binary" || cfg.Command != "${__dirname}/"+m.Server.EntryPoint || !slices.Contains(cfg.Args, "stdio") {
		t.Errorf("the manifest must start its own binary over stdio: %+v", m.Server)
	}
	for _, key := range []string{"client_id", "client_secret"} {
		if uc := m.UserConfig[key]; !uc.Required || !uc.Sensitive {
			t.Errorf("user_config.%s must be required and sensitive: %+v", key, uc)
		}
	}
	profile := m.UserConfig["profile"].Default
	prof, err := config.LoadProfile(filepath.Join(repoRoot, "profiles"), profile, config.Env{}, config.Overrides{})
	if err != nil {
		t.Fatalf("the bundle's default profile: %v", err)
	}
	kind, _ := authproviders.Lookup(prof.Auth.Kind)
	for _, v := range kind.RequiredEnv() {
		if !strings.HasPrefix(cfg.Env[v], "${user_config.") {
			t.Errorf("profile %s needs %s, which the manifest does not set from the user's configuration", profile, v)
		}
	}
	known := config.EnvOverrides()
	for _, v := range kind.Env {
		known[v.Name] = "auth kind " + kind.Name
	}
	for v, value := range cfg.Env {
		if known[v] == "" {
			t.Errorf("the manifest sets %s, which the server does not read", v)
		}
		key := strings.TrimSuffix(strings.TrimPrefix(value, "${user_config."), "}")
		if _, ok := m.UserConfig[key]; !ok {
			t.Errorf("%s comes from user_config.%s, which the manifest does not declare", v, key)
		}
	}

	if s.Schema != "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json" ||
		!regexp.MustCompile(`^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$`).MatchString(s.Name) || len(s.Description) > 100 || s.Version != m.Version {
		t.Errorf("server.json: schema %s, name %s, description of %d characters, version %s (the manifest's is %s)",
			s.Schema, s.Name, len(s.Description), s.Version, m.Version)
	}
	if len(s.Packages) == 0 {
		t.Fatal("server.json lists no package")
	}
	for _, p := range s.Packages {
		if p.RegistryType != "mcpb" || p.Version != m.Version || !strings.Contains(p.Identifier, "/v"+m.Version+"/") ||
			!regexp.MustCompile(`^[a-f0-9]{64}$`).MatchString(p.FileSha256) || p.Transport.Type != "stdio" {
			t.Errorf("server.json package %+v", p)
		}
		var names []string
		for _, v := range p.EnvironmentVariables {
			names = append(names, v.Name)
			secret := m.UserConfig[strings.TrimSuffix(strings.TrimPrefix(cfg.Env[v.Name], "${user_config."), "}")].Sensitive
			if v.IsSecret != secret {
				t.Errorf("server.json's %s: isSecret %v, the manifest's sensitive %v", v.Name, v.IsSecret, secret)
			}
		}
		if want := slices.Sorted(maps.Keys(cfg.Env)); !slices.Equal(slices.Sorted(slices.Values(names)), want) {
			t.Errorf("server.json's variables %v, the manifest's %v", names, want)
		}
	}
}

// TestBundle builds the Claude Desktop bundle with bundle/build.sh,
// validates its manifest with mcpb, unpacks it, resolves the command the
// way the host does (bundle/resolve.mjs, with @anthropic-ai/mcpb's own
// substitution) and lists and calls tools through a real MCP client over
// stdio. It runs only where node and npm are (CI's .ci/test installs the
// bundle's npm tools first).
func TestBundle(t *testing.T) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("skipping: %s is not on PATH, and the bundle is built with @anthropic-ai/mcpb from npm", tool)
		}
	}
	bundleDir := filepath.Join(repoRoot, "bundle")
	mcpb := filepath.Join(bundleDir, "node_modules", ".bin", "mcpb")
	if _, err := os.Stat(mcpb); err != nil {
		needs.Missing(t, "bundle/node_modules is not installed: run npm ci in bundle/ (bash .ci/test does)")
	}
	runTool := func(dir string, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("%s %v: %v\n%s%s", name, args, err, out, stderr)
		}
		return string(out)
	}
	runTool(bundleDir, mcpb, "validate", "manifest.json")
	out := t.TempDir()
	file := strings.TrimSpace(runTool(repoRoot, "bash", "bundle/build.sh", out))
	unpacked := filepath.Join(t.TempDir(), "aps-mcp")
	runTool(bundleDir, mcpb, "unpack", file, unpacked)

	var s registryServer
	readJSON(t, filepath.Join(out, "server.json"), &s)
	data, err := os.ReadFile(file)
	must(t, err)
	sum := sha256.Sum256(data)
	if !slices.ContainsFunc(s.Packages, func(p registryPackage) bool {
		return strings.HasSuffix(p.Identifier, "/"+filepath.Base(file)) && p.FileSha256 == hex.EncodeToString(sum[:])
	}) {
		t.Errorf("the built server.json does not carry %s's SHA-256", filepath.Base(file))
	}

	_, base := emulator(t, apsemu.Options{})
	userConfig, _ := json.Marshal(map[string]string{
		"client_id": apsemu.DemoClientID, "client_secret": apsemu.DemoClientSecret, "aps_base_url": base,
	})
	var run struct {
		Command string            `json:"command"`
		Args    []string          `json:"args"`
		Env     map[string]string `json:"env"`
	}
	if err := json.Unmarshal([]byte(runTool(bundleDir, "node", "resolve.mjs", unpacked, string(userConfig))), &run); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(run.Command, unpacked) || run.Env["APS_CLIENT_SECRET"] != apsemu.DemoClientSecret {
		t.Fatalf("the host would run %+v", run)
	}
	if err := exec.Command("node", filepath.Join(bundleDir, "resolve.mjs"), unpacked, "{}").Run(); exitCode(err) != 1 {
		t.Errorf("without the client id and secret the host must not start the server: %v", err)
	}
	c := stdioServer(t, t.TempDir(), run.Command, run.Args, run.Env)
	if names := listTools(t, c); !slices.Contains(names, "list_buckets") {
		t.Errorf("the bundle's server lists %v", names)
	}
	if got := items(t, callTool(t, c, "list_buckets", nil)); len(got) < 3 {
		t.Errorf("list_buckets through the bundle returned %d items", len(got))
	}
}
