package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
)

// clients are the MCP clients ClientConfig knows the configuration shape of.
const clients = "claude, cursor, vscode"

// clientConfigOptions describe the server a client should start or reach.
type clientConfigOptions struct {
	Client    string   // claude, cursor or vscode
	Transport string   // stdio or http
	Command   string   // the aps-mcp executable, absolute
	Args      []string // the server's flags besides --profile and --transport (serverArgs)
	Emulator  bool     // the server uses its emulator: no credentials to fill in
	Profile   *config.Profile
}

// clientConfigFor renders the JSON a client's MCP configuration file needs to
// use this server, in the shape that client documents: Claude Desktop's
// claude_desktop_config.json and Cursor's mcp.json ("mcpServers", with
// "command"/"args"/"env" or, for Cursor, "url"), VS Code's .vscode/mcp.json
// ("servers", with "type"). Secrets appear only as placeholders.
func clientConfigFor(o clientConfigOptions) ([]byte, error) {
	name := "aps-" + o.Profile.Name
	url := "http://" + o.Profile.Server.Addr + app.MCPPath
	if o.Profile.Team() {
		// Each person connects to the public URL and signs in there;
		// clients start no process and hold no secret.
		if o.Transport != "http" {
			return nil, fmt.Errorf("profile %s is a team server: clients connect over http to %s%s (--transport http)", o.Profile.Name, o.Profile.Server.PublicURL, app.MCPPath)
		}
		url = o.Profile.Server.PublicURL + app.MCPPath
	}
	env := envPlaceholders(o.Profile)
	if o.Emulator {
		env = map[string]string{}
	}
	stdio := map[string]any{
		"command": o.Command,
		"args":    append([]string{"--profile", o.Profile.Name, "--transport", "stdio"}, o.Args...),
		"env":     env,
	}
	var entry map[string]any
	key := "mcpServers"
	switch o.Client + "/" + o.Transport {
	case "claude/stdio", "cursor/stdio":
		entry = stdio
	case "claude/http":
		// Claude Desktop's configuration file starts local processes; the
		// mcp-remote bridge carries them to a streamable HTTP server.
		entry = map[string]any{"command": "npx", "args": []string{"-y", "mcp-remote", url}}
	case "cursor/http":
		entry = map[string]any{"url": url}
	case "vscode/stdio":
		key = "servers"
		entry = map[string]any{"type": "stdio", "command": stdio["command"], "args": stdio["args"], "env": stdio["env"]}
	case "vscode/http":
		key = "servers"
		entry = map[string]any{"type": "http", "url": url}
	default:
		return nil, fmt.Errorf("unknown client %q or transport %q (clients: %s; transports: stdio, http)", o.Client, o.Transport, clients)
	}
	if o.Transport == "http" && o.Profile.Server.AuthTokenEnv != "" {
		header := map[string]string{"Authorization": "Bearer <the token in " + o.Profile.Server.AuthTokenEnv + ">"}
		if o.Client == "claude" {
			entry["args"] = append(entry["args"].([]string), "--header", "Authorization:Bearer <the token in "+o.Profile.Server.AuthTokenEnv+">")
		} else {
			entry["headers"] = header
		}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // placeholders read <LIKE_THIS>
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{key: map[string]any{name: entry}}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// envPlaceholders lists the variables the profile's auth kind needs, with
// placeholder values for the user to fill in.
func envPlaceholders(p *config.Profile) map[string]string {
	env := map[string]string{}
	if kind, ok := authproviders.Lookup(p.Auth.Kind); ok {
		for _, v := range kind.Env {
			if v.Placeholder != "" {
				env[v.Name] = v.Placeholder
			}
		}
	}
	return env // encoding/json writes map keys sorted
}

// serverArgs are the flags a client gives the server besides --profile
// and --transport. The client starts it in a directory of its own, so the
// files on disk the configuration came from are named by absolute path
// (built-in ones need no flag); the flags the user set that shape the
// server itself (--emulator, --no-reload, logging) are kept.
func serverArgs(f app.Files, set *flag.FlagSet) []string {
	var args []string
	if f.Tools.FS == nil {
		args = append(args, "--tools", abs(f.Tools.Path))
	}
	if f.Profile.FS == nil {
		args = append(args, "--profiles", abs(filepath.Dir(f.Profile.Path)))
	}
	set.Visit(func(fl *flag.Flag) {
		switch v := fl.Value.String(); fl.Name {
		case "emulator", "no-reload":
			if v == "true" {
				args = append(args, "--"+fl.Name)
			}
		case "log-level", "log-format":
			args = append(args, "--"+fl.Name, v)
		}
	})
	return args
}

// executable is the aps-mcp binary a client should start, as an absolute
// path with symbolic links resolved: this one, or under go run, whose
// binary is deleted when it exits, the aps-mcp on PATH (note says so).
func executable() (path, note string, err error) {
	path, err = os.Executable()
	if err == nil && strings.Contains(path, "go-build") {
		if path, err = exec.LookPath("aps-mcp"); err != nil {
			return "", "", errors.New("go run's binary is deleted when it exits, so no client could start it, and there is no aps-mcp on PATH: " +
				"install it (go install github.com/aps-mcp/aps-mcp@latest, or go build -o aps-mcp .) and run its config command")
		}
		note = "under go run: the snippet names the aps-mcp on PATH"
	}
	if err == nil {
		path, err = filepath.EvalSymlinks(path)
	}
	if err != nil {
		return "", "", fmt.Errorf("finding this executable: %w", err)
	}
	return abs(path), note, nil
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
