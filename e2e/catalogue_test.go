package e2e_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestToolAddedByYAMLOnly declares a new tool in a copy of tools.yaml and
// calls it through the server: no Go change is involved.
func TestToolAddedByYAMLOnly(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	shipped, err := os.ReadFile(filepath.Join(repoRoot, "tools.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	extra := `
  get_bucket_owner:
    title: Get a bucket's owner
    description: Returns who owns an OSS bucket and which apps may use it.
    toolset: oss
    auth: [2lo]
    scopes: [bucket:read]
    method: GET
    path: /oss/v2/buckets/{bucket_key}/details
    params:
      bucket_key: {in: path, type: string, required: true, pattern: '^[-_.a-z0-9]{3,128}$', description: Key of the bucket.}
    result: '{bucket_key:bucketKey,owner:bucketOwner,policy_key:policyKey,permissions}'
`
	dir := t.TempDir()
	toolsFile := filepath.Join(dir, "tools.yaml")
	if err := os.WriteFile(toolsFile, withTools(t, shipped, extra), 0o600); err != nil {
		t.Fatal(err)
	}
	c := httpClient(t, startServer(t, base, serverOptions{toolsFile: toolsFile}))
	r := callTool(t, c, "get_bucket_owner", map[string]any{"bucket_key": demoBucket})
	if r.isError {
		t.Fatalf("get_bucket_owner: %s", r.text)
	}
	if r.structured["bucket_key"] != demoBucket || r.structured["owner"] != apsemu.DemoClientID {
		t.Errorf("get_bucket_owner = %v", r.structured)
	}
	if _, ok := r.structured["permissions"].([]any); !ok {
		t.Errorf("permissions missing from %v", r.structured)
	}
}

// TestValidateNamesEveryProblem runs `aps-mcp validate` on broken files.
func TestValidateNamesEveryProblem(t *testing.T) {
	goodProfile, err := os.ReadFile(filepath.Join(repoRoot, "profiles", "2lo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile(filepath.Join(repoRoot, "tools.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// The shipped catalogue as a save caught half way leaves it.
	cut := string(shipped[:bytes.Index(shipped, []byte("paginate:"))+len("paginate:")])
	cutLine := strings.Count(cut, "\n") + 1
	// A path typo only the specs catch.
	typo := strings.Replace(string(shipped), "path: /oss/v2/buckets\n", "path: /oss/v2/bucket\n", 1)
	typoLine := lineOf(t, typo, "path: /oss/v2/bucket\n")
	profileLine := func(key string) int { return lineOf(t, string(goodProfile), key) }
	tests := []struct {
		name    string
		tools   string   // the shipped tools.yaml when empty
		profile string   // the shipped 2lo.yaml when empty
		want    []string // each must appear in stderr
	}{
		{
			name:  "bad YAML",
			tools: "version: 1\ntools:\n  list_buckets: {title: [unclosed\n...\n",
			want:  []string{"tools.yaml:3: invalid YAML"},
		},
		{
			name: "all problems at once",
			tools: `version: 1
toolsets:
  oss: {description: OSS}
tools:
  unknown_key:
    description: d
    toolset: oss
    auth: [2lo]
    method: GET
    path: /oss/v2/buckets
    colour: blue
  missing_param:
    description: d
    toolset: oss
    auth: [2lo]
    method: GET
    path: /oss/v2/buckets/{bucket_key}/objects
  bad_gjson:
    description: d
    toolset: oss
    auth: [2lo]
    method: GET
    path: /oss/v2/buckets
    result: 'items.#.{key:bucketKey'
  bad_auth:
    description: d
    toolset: oss
    auth: [4lo]
    method: GET
    path: /oss/v2/buckets
  bad_pattern:
    description: d
    toolset: oss
    auth: [2lo]
    method: GET
    path: /oss/v2/buckets
    params:
      region: {in: query, type: string, pattern: '^[A-Z+$', description: r}
...
`,
			want: []string{
				`tools.yaml:11: tool unknown_key: field colour: unknown key "colour"`,
				`tools.yaml:17: tool missing_param: field path: placeholder {bucket_key} has no matching parameter`,
				`tools.yaml:24: tool bad_gjson: field result: invalid gjson path`,
				`tools.yaml:28: tool bad_auth: field auth.0: unknown auth kind "4lo"`,
				`tools.yaml:38: tool bad_pattern: field params.region.pattern: invalid regular expression`,
			},
		},
		{
			name:  "cut short",
			tools: cut,
			want:  []string{fmt.Sprintf(`tools.yaml:%d: the file ends here without "...", YAML's end-of-document marker`, cutLine)},
		},
		{
			name:  "a path the specs lack",
			tools: typo,
			want: []string{fmt.Sprintf("tools.yaml:%d: tool list_buckets: field path: the specs declare no operation GET /oss/v2/bucket "+
				"(closest: GET /oss/v2/buckets, get_buckets in oss.yaml)", typoLine)},
		},
		{
			name:    "a port out of range",
			profile: strings.Replace(string(goodProfile), "addr: 127.0.0.1:5000", "addr: 127.0.0.1:99999", 1),
			want:    []string{fmt.Sprintf(`profiles/2lo.yaml:%d: profile 2lo: field server.addr: the port must be a number from 0 to 65535, got "99999"`, profileLine("addr:"))},
		},
		{
			name:    "an address serving would refuse",
			profile: strings.Replace(string(goodProfile), "addr: 127.0.0.1:5000", "addr: 0.0.0.0:5000", 1),
			want: []string{fmt.Sprintf("profiles/2lo.yaml:%d: profile 2lo: field server.addr: 0.0.0.0:5000 is reachable from other machines and /mcp has no bearer token",
				profileLine("addr:"))},
		},
		{
			name:    "type errors in plain words",
			profile: string(goodProfile) + "limits: {max_items: lots}\n",
			want: []string{fmt.Sprintf(`profiles/2lo.yaml:%d: profile 2lo: field limits.max_items: must be a whole number, got "lots"`,
				strings.Count(string(goodProfile), "\n")+1)},
		},
		{
			name:    "a toolset the profile cannot use",
			profile: strings.Replace(string(goodProfile), "include: [oss, model-derivative]", "include: [oss, data-management]", 1),
			want: []string{"profiles/2lo.yaml:11: profile 2lo: field tools.include.1: toolset data-management gives the profile no tools: " +
				"get_folder, get_hub, get_item, get_item_tip, get_project, get_version, list_folder_contents, list_hubs, " +
				"list_item_versions, list_projects, list_top_folders, search_folder: it needs auth ssa or 3lo, the profile uses 2lo"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tools, profile := []byte(tc.tools), []byte(tc.profile)
			if tc.tools == "" {
				tools = shipped
			}
			if tc.profile == "" {
				profile = goodProfile
			}
			dir := t.TempDir()
			must(t, os.WriteFile(filepath.Join(dir, "tools.yaml"), tools, 0o600))
			must(t, os.Mkdir(filepath.Join(dir, "profiles"), 0o700))
			must(t, os.WriteFile(filepath.Join(dir, "profiles", "2lo.yaml"), profile, 0o600))
			cmd := exec.Command(binPath, "validate")
			cmd.Dir, cmd.Env = dir, binaryEnv(nil)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if code := exitCode(err); code != 1 {
				t.Errorf("exit code = %d, want 1; stderr:\n%s", code, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}

// TestValidateWarnsOfWhatMayNotBeMeant: a result field the spec's
// response schema lacks (a misspelling would be silently absent from
// every result) and a toolset the profile's scopes serve only in part
// are warnings; validate still passes.
func TestValidateWarnsOfWhatMayNotBeMeant(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join(repoRoot, "tools.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	profile, err := os.ReadFile(filepath.Join(repoRoot, "profiles", "oss-admin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tools := strings.Replace(string(shipped), "created_date:createdDate}'\n", "created_date:createdDat}'\n", 1)
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "tools.yaml"), []byte(tools), 0o600))
	must(t, os.Mkdir(filepath.Join(dir, "profiles"), 0o700))
	narrowed := strings.Replace(string(profile), "scopes: [bucket:read, bucket:create, data:read, data:write]", "scopes: [bucket:read, data:read]", 1)
	must(t, os.WriteFile(filepath.Join(dir, "profiles", "oss-admin.yaml"), []byte(narrowed), 0o600))
	cmd := exec.Command(binPath, "validate")
	cmd.Dir, cmd.Env = dir, binaryEnv(nil)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("validate: %v\n%s", err, stderr.String())
	}
	for _, w := range []string{
		fmt.Sprintf("warning: tools.yaml:%d: tool list_buckets: field result: reads items.#.createdDat, which the response schema of get_buckets", lineOf(t, tools, "createdDat}")),
		fmt.Sprintf("warning: profiles/oss-admin.yaml:%d: profile oss-admin: field tools.include.0: toolset oss comes without create_bucket: the profile's scopes lack bucket:create; "+
			"delete_object, upload_object: the profile's scopes lack data:write", lineOf(t, narrowed, "include:")),
	} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
		}
	}
}

// lineOf is the line of body that holds the first s.
func lineOf(t *testing.T, body, s string) int {
	t.Helper()
	i := strings.Index(body, s)
	if i < 0 {
		t.Fatalf("%q is not in the file", s)
	}
	return strings.Count(body[:i], "\n") + 1
}

func TestValidateShippedFiles(t *testing.T) {
	cmd := exec.Command(binPath, "validate", "--tools", repoRoot+"/tools.yaml", "--profiles", repoRoot+"/profiles")
	cmd.Dir, cmd.Env = t.TempDir(), binaryEnv(nil) // no .env from the developer's checkout
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("validate on the shipped files: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "profiles/2lo.yaml: auth 2lo") {
		t.Errorf("validate output lacks the 2lo profile summary:\n%s", out)
	}
}

// withTools returns the shipped catalogue with more tool declarations at
// its end, above the "..." that closes it.
func withTools(t *testing.T, shipped []byte, more ...string) []byte {
	t.Helper()
	body, ok := strings.CutSuffix(string(shipped), "...\n")
	if !ok {
		t.Fatal(`the shipped tools.yaml does not end with "..."`)
	}
	return []byte(body + strings.Join(more, "") + "...\n")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
