package e2e_test

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// How TestReadmeCommands treats a README command.
type readmeKind int

const (
	skipIt    readmeKind = iota // cannot run offline; why says so
	runIt                       // ends by itself: exit code and output checked
	serveIt                     // serves HTTP: started, checked at its URL, stopped
	stdioIt                     // serves stdio: a real MCP client lists its tools
	emulateIt                   // the emulator on its own: started, its URL checked, stopped
)

// readmeCase says how to check one README command.
type readmeCase struct {
	kind readmeKind
	why  string // skipIt: what it needs that a test has not
	// aps: the command is meant for real APS, so it runs against an
	// emulator with the credentials in the environment.
	aps  bool
	code int    // runIt: the exit code
	want string // runIt: in the output
	url  string // serveIt: the MCP URL the README promises
	// after, when set, is where the part of the command that is aps-mcp's
	// begins (the Inspector's "--"): that part is checked as kind says.
	after string
}

// readmeCommands are the README's shell commands, as one line each with
// comments removed. TestReadmeCommands fails on a command not listed here,
// and on one listed that the README no longer has.
var readmeCommands = map[string]readmeCase{
	"go install github.com/aps-mcp/aps-mcp@latest": {why: "fetches from the module proxy; TestMain builds the same binary, and TestWorksFromAnyDirectory runs it from an empty directory"},
	"aps-mcp --emulator":                           {kind: serveIt, url: "http://127.0.0.1:5000/mcp"},
	"go run . --emulator":                          {kind: serveIt, url: "http://127.0.0.1:5000/mcp"},
	"bash .ci/test":                                {why: "runs the whole suite, this test included"},
	"go run . --profile 2lo":                       {kind: serveIt, aps: true, url: "http://127.0.0.1:5000/mcp"},
	"go run . --profile 2lo --transport stdio":     {kind: stdioIt, aps: true},
	"go run . validate":                            {kind: runIt, want: "profiles/2lo.yaml: auth 2lo"},
	"go run . tools --profile 2lo":                 {kind: runIt, want: "list_objects"},
	`go run . call --profile 2lo list_objects '{"bucket_key":"my-bucket"}'`: {kind: runIt, aps: true, code: 1, want: "Bucket not found"},
	"go run . emulator --addr 127.0.0.1:5100":                               {kind: emulateIt},
	"base64 -w0 key.pem": {why: "needs the user's service account key"},
	"base64 -i key.pem":  {why: "macOS's base64, and the user's service account key"},
	`[Convert]::ToBase64String([IO.File]::ReadAllBytes("key.pem"))`: {why: "PowerShell"},
	"aps-mcp --profile team --emulator":                             {kind: serveIt, url: "http://127.0.0.1:5006/mcp"},
	`APS_MCP_PUBLIC_URL=https://aps-mcp.example.com APS_MCP_STORE=redis://redis.internal:6379/0 APS_MCP_STORE_KEY="$(openssl rand -base64 32)" aps-mcp --profile team`: {
		why: "needs a Redis host, TLS in front and real APS; the team harness runs the same against redis-server and the emulator"},
	"aps-mcp --profile 2lo --addr 127.0.0.1:5000 &":                                           {kind: serveIt, aps: true, url: "http://127.0.0.1:5000/mcp"},
	"aps-mcp --profile 2lo --addr 127.0.0.1:5010 &":                                           {kind: serveIt, aps: true, url: "http://127.0.0.1:5010/mcp"},
	"npx @modelcontextprotocol/inspector -- aps-mcp --transport stdio --emulator":             {kind: stdioIt, after: "--"},
	"npx @modelcontextprotocol/inspector":                                                     {why: "the Inspector, from npm"},
	"npx @modelcontextprotocol/inspector --cli http://127.0.0.1:5006/mcp --method tools/list": {why: "the Inspector, from npm"},
	"bash bundle/build.sh": {why: "needs npm; TestBundle runs it when node and npm are present"},
}

// TestReadmeCommands runs every command in the README's sh blocks that can
// run offline, the way a reader would, and fails on a command it does not
// know how to treat. "go run ." runs the binary in a directory holding the
// clone's files (and no .env); "aps-mcp" runs it in an empty directory.
// A server gets --addr 127.0.0.1:0 added, since the README's port may be
// taken; the address the README promises is checked against the profile.
func TestReadmeCommands(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	commands := readmeShellCommands(string(readme))
	for cmd := range readmeCommands {
		if !slices.Contains(commands, cmd) {
			t.Errorf("readmeCommands lists %q, which the README no longer has", cmd)
		}
	}
	for _, cmd := range commands {
		tc, ok := readmeCommands[cmd]
		if !ok {
			t.Errorf("README command %q: add it to readmeCommands, saying how to check it (or why it cannot run offline)", cmd)
			continue
		}
		if tc.kind == skipIt {
			t.Logf("not run: %s (%s)", cmd, tc.why)
			continue
		}
		t.Run(cmd, func(t *testing.T) { checkReadmeCommand(t, cmd, tc) })
	}
}

// readmeShellCommands are the commands of the sh blocks in readme: lines
// ending in "\" joined, comments dropped, spaces collapsed.
func readmeShellCommands(readme string) []string {
	var commands []string
	block, pending := false, ""
	comment := regexp.MustCompile(`(^|\s)#.*$`)
	for _, line := range strings.Split(readme, "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			block, pending = line == "```sh", ""
			continue
		case !block:
			continue
		}
		line = comment.ReplaceAllString(line, "")
		if rest, ok := strings.CutSuffix(strings.TrimSpace(line), "\\"); ok {
			pending += rest + " "
			continue
		}
		if cmd := strings.Join(strings.Fields(pending+line), " "); cmd != "" {
			commands = append(commands, cmd)
		}
		pending = ""
	}
	return commands
}

func checkReadmeCommand(t *testing.T, cmd string, tc readmeCase) {
	words := shellWords(cmd)
	if tc.after != "" {
		i := slices.Index(words, tc.after)
		if i < 0 {
			t.Fatalf("no %q in %q", tc.after, cmd)
		}
		words = words[i+1:]
	}
	words = slices.DeleteFunc(words, func(w string) bool { return w == "&" })
	dir := t.TempDir()
	switch {
	case slices.Equal(words[:min(3, len(words))], []string{"go", "run", "."}):
		words = words[3:]
		for _, f := range []string{"tools.yaml", "profiles"} { // the clone's files, without its .env
			must(t, os.Symlink(filepath.Join(repoRoot, f), filepath.Join(dir, f)))
		}
	case words[0] == "aps-mcp":
		words = words[1:]
	default:
		t.Fatalf("%q runs neither aps-mcp nor go run .", cmd)
	}
	var env map[string]string
	if tc.aps {
		_, base := emulator(t, apsemu.Options{})
		env = emulatorEnv(base)
	}
	switch tc.kind {
	case runIt:
		out, errOut, code := runBinary(t, dir, env, words...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("exit %d (want %d), output lacks %q or has it:\n%s%s", code, tc.code, tc.want, out, errOut)
		}
	case stdioIt:
		c := stdioServer(t, dir, binPath, words, env)
		if names := listTools(t, c); len(names) == 0 {
			t.Error("tools/list is empty")
		}
	case serveIt:
		checkReadmeServer(t, dir, env, words, tc.url)
	case emulateIt:
		checkReadmeEmulator(t, dir, words)
	}
}

// checkReadmeServer serves args, checks its MCP endpoint answers and that
// the README's url is the address the command would listen on.
func checkReadmeServer(t *testing.T, dir string, env map[string]string, args []string, url string) {
	name := flagValue(args, "--profile", "2lo")
	prof, err := config.LoadProfile(filepath.Join(repoRoot, "profiles"), name, config.Env{}, config.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if addr := flagValue(args, "--addr", prof.Server.Addr); "http://"+addr+"/mcp" != url {
		t.Errorf("the README says %s, the command listens on %s", url, addr)
	}
	cmd, got := serveBinary(t, dir, env, append(args, "--addr", "127.0.0.1:0")...)
	if prof.Team() {
		// Every caller signs in first: /mcp asks for it.
		resp, err := http.Post(got, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("the team server's /mcp answered %d without a sign-in, want 401 with WWW-Authenticate", resp.StatusCode)
		}
	} else if names := listTools(t, httpClient(t, got)); len(names) == 0 {
		t.Error("tools/list is empty")
	}
	stopBinary(t, cmd)
}

// checkReadmeEmulator serves the emulator and checks it answers at the URL
// it prints.
func checkReadmeEmulator(t *testing.T, dir string, args []string) {
	cmd := exec.Command(binPath, append(args, "--addr", "127.0.0.1:0")...)
	cmd.Dir, cmd.Env = dir, binaryEnv(nil)
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := regexp.MustCompile(`APS_BASE_URL=(http://127\.0\.0\.1:\d+)`).FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		resp, err := http.Post(u+"/authentication/v2/token", "application/x-www-form-urlencoded", strings.NewReader("grant_type=client_credentials"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the emulator's token endpoint answered %d to a request without credentials, want 401", resp.StatusCode)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the emulator printed no APS_BASE_URL")
	}
	stopBinary(t, cmd)
}

// flagValue is the value of flag in args (the last one wins, as with the
// flag package), or def.
func flagValue(args []string, flag, def string) string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == flag {
			def = args[i+1]
		}
	}
	return def
}

// shellWords splits a command line as sh does for the README's commands:
// words separated by blanks, with '…' and "…" quoting and \ escaping.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	inWord, quote := false, rune(0)
	for i := 0; i < len(s); i++ {
		c := rune(s[i])
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(c)
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == '\\' && i+1 < len(s):
			i++
			w.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}
