package cli

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/config"
)

// TestClientConfigShapes checks each client's snippet against the shape
// that client documents for its MCP configuration file.
func TestClientConfigShapes(t *testing.T) {
	for _, profile := range []string{"2lo", "ssa"} {
		loaded, err := app.Load(app.Options{ToolsFile: filepath.Join("..", "tools.yaml"), ProfilesDir: filepath.Join("..", "profiles"), Profile: profile})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			client, transport string
			check             func(t *testing.T, doc map[string]any)
		}{
			{"claude", "stdio", stdioEntry("mcpServers", false)},
			{"cursor", "stdio", stdioEntry("mcpServers", false)},
			{"vscode", "stdio", stdioEntry("servers", true)},
			{"claude", "http", func(t *testing.T, doc map[string]any) {
				e := entry(t, doc, "mcpServers")
				args, _ := e["args"].([]any)
				if e["command"] != "npx" || len(args) != 3 || args[1] != "mcp-remote" || !strings.HasSuffix(args[2].(string), "/mcp") {
					t.Errorf("claude http entry = %v", e)
				}
			}},
			{"cursor", "http", func(t *testing.T, doc map[string]any) {
				if e := entry(t, doc, "mcpServers"); !strings.HasPrefix(e["url"].(string), "http://127.0.0.1:") || len(e) != 1 {
					t.Errorf("cursor http entry = %v", e)
				}
			}},
			{"vscode", "http", func(t *testing.T, doc map[string]any) {
				if e := entry(t, doc, "servers"); e["type"] != "http" || !strings.HasSuffix(e["url"].(string), "/mcp") {
					t.Errorf("vscode http entry = %v", e)
				}
			}},
		} {
			t.Run(profile+"/"+tc.client+"/"+tc.transport, func(t *testing.T) {
				out, err := clientConfigFor(clientConfigOptions{Client: tc.client, Transport: tc.transport, Command: "/usr/local/bin/aps-mcp",
					Args: serverArgs(loaded.Files, flag.NewFlagSet("config", flag.ContinueOnError)), Profile: loaded.Profile})
				if err != nil {
					t.Fatal(err)
				}
				var doc map[string]any
				if err := json.Unmarshal(out, &doc); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, out)
				}
				if len(doc) != 1 {
					t.Errorf("want one top-level key, got %v", doc)
				}
				tc.check(t, doc)
			})
		}
	}
	loaded, _ := app.Load(app.Options{ToolsFile: filepath.Join("..", "tools.yaml"), ProfilesDir: filepath.Join("..", "profiles"), Profile: "2lo"})
	if _, err := clientConfigFor(clientConfigOptions{Client: "emacs", Transport: "stdio", Profile: loaded.Profile}); err == nil {
		t.Error("an unknown client must be an error")
	}
}

func entry(t *testing.T, doc map[string]any, key string) map[string]any {
	t.Helper()
	servers, ok := doc[key].(map[string]any)
	if !ok || len(servers) != 1 {
		t.Fatalf("want %q with one server, got %v", key, doc)
	}
	for _, e := range servers {
		return e.(map[string]any)
	}
	return nil
}

func stdioEntry(key string, typed bool) func(t *testing.T, doc map[string]any) {
	return func(t *testing.T, doc map[string]any) {
		e := entry(t, doc, key)
		args, _ := e["args"].([]any)
		env, _ := e["env"].(map[string]any)
		if e["command"] != "/usr/local/bin/aps-mcp" || len(args) < 4 || args[2] != "--transport" || args[3] != "stdio" {
			t.Errorf("stdio entry = %v", e)
		}
		for i := 0; i+1 < len(args); i++ {
			if flag := args[i].(string); flag == "--tools" || flag == "--profiles" {
				if s := args[i+1].(string); !filepath.IsAbs(s) {
					t.Errorf("%s %q must be absolute: clients start servers in a directory of their own", flag, s)
				}
			}
		}
		if env["APS_CLIENT_ID"] == nil || !strings.HasPrefix(env["APS_CLIENT_SECRET"].(string), "<") {
			t.Errorf("env must name the credentials with placeholders, got %v", env)
		}
		if typed != (e["type"] == "stdio") {
			t.Errorf("type = %v (VS Code needs type: stdio, the others none)", e["type"])
		}
	}
}

// TestClientConfigForATeamServer: a team server's snippet points at its
// public URL, with no secret and no bearer header (each person signs in);
// a stdio snippet, which would start a process of its own, is refused.
func TestClientConfigForATeamServer(t *testing.T) {
	loaded, err := app.Load(app.Options{ToolsFile: filepath.Join("..", "tools.yaml"), ProfilesDir: filepath.Join("..", "profiles"), Profile: "team",
		Env: config.EnvFromMap(map[string]string{"APS_MCP_PUBLIC_URL": "https://aps-mcp.example.com"})})
	if err != nil {
		t.Fatal(err)
	}
	for _, client := range []string{"claude", "cursor", "vscode"} {
		out, err := clientConfigFor(clientConfigOptions{Client: client, Transport: "http", Command: "/usr/local/bin/aps-mcp", Profile: loaded.Profile})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), `"https://aps-mcp.example.com/mcp"`) || strings.Contains(string(out), "APS_CLIENT") || strings.Contains(string(out), "Authorization") {
			t.Errorf("%s snippet:\n%s", client, out)
		}
	}
	if _, err := clientConfigFor(clientConfigOptions{Client: "claude", Transport: "stdio", Command: "/usr/local/bin/aps-mcp", Profile: loaded.Profile}); err == nil || !strings.Contains(err.Error(), "team server") {
		t.Errorf("stdio for a team server: %v", err)
	}
}

// TestServerArgs: the snippet's server reads the same files as the config
// command did, from wherever the client starts it: files on disk by
// absolute path, built-in ones by no flag at all; the flags the user set
// that shape the server stay, and with --emulator no credentials are asked.
func TestServerArgs(t *testing.T) {
	root, err := filepath.Abs("..") // before the test moves to an empty directory
	if err != nil {
		t.Fatal(err)
	}
	builtin := os.DirFS(root)
	for _, tc := range []struct {
		name  string
		opts  app.Options
		flags []string
		want  func(args []string) bool
	}{
		{"files on disk", app.Options{ToolsFile: filepath.Join(root, "tools.yaml"), ProfilesDir: filepath.Join(root, "profiles")}, nil,
			func(args []string) bool {
				return len(args) == 4 && args[0] == "--tools" && filepath.IsAbs(args[1]) && args[2] == "--profiles" && filepath.IsAbs(args[3])
			}},
		{"built in, with --emulator", app.Options{Builtin: builtin}, []string{"--emulator", "--log-level", "debug", "--profile", "2lo"},
			func(args []string) bool { return slices.Equal(args, []string{"--emulator", "--log-level", "debug"}) }},
		{"--emulator=false is no flag", app.Options{Builtin: builtin}, []string{"--emulator=false"},
			func(args []string) bool { return len(args) == 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir()) // no tools.yaml or profiles/ here: the built-in ones win
			tc.opts.Profile = "2lo"
			loaded, err := app.Load(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			var c commonFlags
			fs := flag.NewFlagSet("config", flag.ContinueOnError)
			c.register(fs)
			if err := fs.Parse(tc.flags); err != nil {
				t.Fatal(err)
			}
			if args := serverArgs(loaded.Files, fs); !tc.want(args) {
				t.Errorf("serverArgs = %q", args)
			}
			out, err := clientConfigFor(clientConfigOptions{Client: "claude", Transport: "stdio", Command: "/usr/local/bin/aps-mcp",
				Args: serverArgs(loaded.Files, fs), Emulator: c.emulator, Profile: loaded.Profile})
			if err != nil {
				t.Fatal(err)
			}
			if asked := strings.Contains(string(out), "APS_CLIENT_SECRET"); asked == c.emulator {
				t.Errorf("emulator %v, snippet asks for the secret %v:\n%s", c.emulator, asked, out)
			}
		})
	}
}
