package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// runBinary runs the binary in dir with exactly env (plus PATH and HOME) and
// returns its stdout, stderr and exit code.
func runBinary(t *testing.T, dir string, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Dir, cmd.Env = dir, binaryEnv(env)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), exitCode(err)
}

// stdioServer starts command with args and env as a stdio MCP server in
// dir, the way a desktop client does, and returns an initialized client
// made with opts.
func stdioServer(t *testing.T, dir, command string, args []string, env map[string]string, opts ...client.ClientOption) *client.Client {
	t.Helper()
	stdio := transport.NewStdioWithOptions(command, binaryEnv(env), args,
		transport.WithCommandFunc(func(ctx context.Context, command string, env []string, args []string) (*exec.Cmd, error) {
			cmd := exec.Command(command, args...) // not ctx: Start's context ends before the session does
			cmd.Env, cmd.Dir = env, dir
			return cmd, nil
		}),
	)
	c := client.NewClient(stdio, opts...)
	initialize(t, c)
	return c
}

// serveBinary starts the binary serving HTTP in dir with exactly env (plus
// PATH and HOME) and returns it and the MCP URL it reports. It is killed
// when the test ends, unless stopBinary stopped it first.
func serveBinary(t *testing.T, dir string, env map[string]string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Dir, cmd.Env = dir, binaryEnv(env)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	urlRE := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/mcp)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			if m := urlRE.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
	}()
	select {
	case url := <-found:
		return cmd, url
	case <-time.After(30 * time.Second):
		t.Fatalf("%v did not report its MCP URL", args)
		return nil, ""
	}
}

// stopBinary stops a server serveBinary started with SIGTERM and checks it
// exits 0 soon after.
func stopBinary(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("server exited with %v after SIGTERM, want 0", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("server did not stop within 15s of SIGTERM")
	}
}

func listTools(t *testing.T, c *client.Client) []string {
	t.Helper()
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}

// TestWorksFromAnyDirectory is `go install …@latest` followed by
// `aps-mcp --emulator` anywhere: from an empty directory every command
// uses the catalogue and profiles built into the binary, and the snippet
// `config claude` prints starts a working server as it stands.
func TestWorksFromAnyDirectory(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := runBinary(t, dir, nil, "validate")
	if code != 0 || !strings.HasPrefix(out, "tools.yaml (built in): ") || !strings.Contains(out, "profiles/ssa.yaml (built in): auth ssa") {
		t.Errorf("validate: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runBinary(t, dir, nil, "docs")
	if want, _ := os.ReadFile(filepath.Join(repoRoot, "docs", "tools.md")); code != 0 || out != string(want) {
		t.Errorf("docs from the built-in files differ from docs/tools.md: exit %d %s", code, errOut)
	}
	if out, errOut, code = runBinary(t, dir, nil, "tools", "--profile", "ssa"); code != 0 || !strings.Contains(out, "list_hubs") {
		t.Errorf("tools --profile ssa: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code = runBinary(t, dir, nil, "call", "--emulator", "list_buckets"); code != 0 || !strings.Contains(out, `"items"`) {
		t.Errorf("call --emulator list_buckets: exit %d\n%s%s", code, out, errOut)
	}
	c := stdioServer(t, dir, binPath, []string{"--emulator", "--transport", "stdio"}, nil)
	if got := items(t, callTool(t, c, "list_buckets", nil)); len(got) < 3 {
		t.Errorf("list_buckets over stdio from the built-in files returned %d items", len(got))
	}

	out, errOut, code = runBinary(t, dir, nil, "config", "claude", "--emulator")
	if code != 0 {
		t.Fatalf("config claude --emulator: exit %d\n%s", code, errOut)
	}
	var snippet struct {
		MCPServers map[string]struct {
			Command string            `json:"command"`
			Args    []string          `json:"args"`
			Env     map[string]string `json:"env"`
		} `json:"mcpServers"`
	}
	if err := json.Unmarshal([]byte(out), &snippet); err != nil {
		t.Fatalf("config claude printed %v:\n%s", err, out)
	}
	entry := snippet.MCPServers["aps-2lo"]
	bin, _ := filepath.EvalSymlinks(binPath)
	if entry.Command != bin || !slices.Contains(entry.Args, "--emulator") || slices.Contains(entry.Args, "--tools") || len(entry.Env) != 0 {
		t.Fatalf("config claude --emulator: want command %s with --emulator, no --tools and no credentials, got %+v", bin, entry)
	}
	// The client starts it in a directory of its own.
	c = stdioServer(t, t.TempDir(), entry.Command, entry.Args, entry.Env)
	if names := listTools(t, c); !slices.Contains(names, "list_buckets") {
		t.Errorf("the snippet's server lists %v", names)
	}
}

// TestWorkingDirectoryFilesOverride: the working directory's tools.yaml and
// profiles/NAME.yaml win over the built-in ones, file by file; --profiles
// names the only place profiles come from; and `config` names the files on
// disk by absolute path.
func TestWorkingDirectoryFilesOverride(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join(repoRoot, "tools.yaml"))
	must(t, err)
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "tools.yaml"), bytes.Replace(shipped, []byte("title: List buckets"), []byte("title: Our own buckets"), 1), 0o600))
	must(t, os.Mkdir(filepath.Join(dir, "profiles"), 0o700))
	must(t, os.WriteFile(filepath.Join(dir, "profiles", "2lo.yaml"), []byte("description: ours\nauth: {kind: 2lo, scopes: [bucket:read]}\ntools: {include: [list_buckets]}\n"), 0o600))

	out, errOut, code := runBinary(t, dir, nil, "tools", "--profile", "2lo")
	if code != 0 || !strings.Contains(out, "1 tools") || !strings.Contains(out, "Our own buckets") {
		t.Errorf("tools --profile 2lo must read ./tools.yaml and ./profiles/2lo.yaml: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runBinary(t, dir, nil, "validate")
	if code != 0 || !strings.HasPrefix(out, "tools.yaml: ") || !strings.Contains(out, "profiles/2lo.yaml: auth 2lo, 1 tools") ||
		!strings.Contains(out, "profiles/ssa.yaml (built in): auth ssa") {
		t.Errorf("validate must check ./tools.yaml, ./profiles/2lo.yaml and the other built-in profiles: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code = runBinary(t, dir, nil, "tools", "--profile", "ssa", "--profiles", "profiles"); code != 1 || !strings.Contains(errOut, "no such profile (profiles in profiles: 2lo)") {
		t.Errorf("--profiles names the only place profiles come from: exit %d\n%s", code, errOut)
	}
	if _, errOut, code = runBinary(t, dir, nil, "validate", "--tools", "other.yaml"); code != 1 || !strings.Contains(errOut, "other.yaml: cannot read: no such file") {
		t.Errorf("a --tools file that is missing must fail, not fall back: exit %d\n%s", code, errOut)
	}
	out, errOut, code = runBinary(t, dir, nil, "config", "cursor", "--profile", "2lo")
	abs, _ := filepath.EvalSymlinks(dir)
	for _, want := range []string{`"--tools",`, filepath.Join(abs, "tools.yaml"), `"--profiles",`, filepath.Join(abs, "profiles")} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("config cursor must name the files on disk by absolute path (%s): exit %d\n%s%s", want, code, out, errOut)
		}
	}
}
