package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/redistest"
)

// TestTeamStartUpRefusals: a team server that could not keep its promises
// does not start, and says which setting to fix.
func TestTeamStartUpRefusals(t *testing.T) {
	redisURL := redistest.Start(t)
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"malformed store key", map[string]string{"APS_MCP_STORE_KEY": "c2hvcnQ="}, []string{"APS_MCP_STORE_KEY", "32"}},
		{"a shared store without a key", map[string]string{"APS_MCP_STORE": redisURL}, []string{"APS_MCP_STORE_KEY must be set", "openssl rand -base64 32"}},
		{"plain http public URL off loopback", map[string]string{"APS_MCP_PUBLIC_URL": "http://aps-mcp.example.com"}, []string{"server.public_url", "must be https"}},
		{"a public URL with a path", map[string]string{"APS_MCP_PUBLIC_URL": "https://aps-mcp.example.com/mcp"}, []string{"server.public_url", "no path"}},
		{"an unknown store", map[string]string{"APS_MCP_STORE": "etcd://x"}, []string{"server.store", "memory or a redis://"}},
		{"an unreachable Redis, password not echoed", map[string]string{"APS_MCP_STORE": "redis://u:hunter2-secret@127.0.0.1:1/0", "APS_MCP_STORE_KEY": validKey},
			[]string{"server.store"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"APS_CLIENT_ID": "id", "APS_CLIENT_SECRET": "secret-value", "APS_BASE_URL": "http://127.0.0.1:9"}
			for k, v := range tc.env {
				env[k] = v
			}
			a, err := New(context.Background(), Options{
				ToolsFile: filepath.Join("..", "tools.yaml"), ProfilesDir: filepath.Join("..", "profiles"), Profile: "team",
				Env: config.EnvFromMap(env), NoReload: true,
			})
			if err == nil {
				a.Close()
				t.Fatal("started")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2-secret") {
				t.Errorf("the error echoes the store's password: %v", err)
			}
		})
	}
}

// validKey is a well-formed APS_MCP_STORE_KEY.
const validKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
