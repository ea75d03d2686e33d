package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

func writeProfile(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "team.yaml"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

const teamProfile = `description: test team
auth: {kind: 2lo, scopes: [data:read]}
server: {addr: 127.0.0.1:6000}
`

// TestLayering: built-in defaults < profile file < environment < flags.
func TestLayering(t *testing.T) {
	dir := writeProfile(t, teamProfile)
	tests := []struct {
		name                 string
		env                  map[string]string
		ov                   Overrides
		transport, addr, aps string
	}{
		{"defaults and file", nil, Overrides{}, "http", "127.0.0.1:6000", DefaultBaseURL},
		{"environment over file", map[string]string{"APS_MCP_ADDR": "127.0.0.1:7000", "APS_BASE_URL": "http://127.0.0.1:9/", "APS_MCP_TRANSPORT": "stdio"}, Overrides{}, "stdio", "127.0.0.1:7000", "http://127.0.0.1:9"},
		{"flags over environment", map[string]string{"APS_MCP_ADDR": "127.0.0.1:7000", "APS_MCP_TRANSPORT": "stdio"}, Overrides{Addr: "127.0.0.1:8000", Transport: "http"}, "http", "127.0.0.1:8000", DefaultBaseURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := LoadProfile(dir, "team", EnvFromMap(tc.env), tc.ov)
			if err != nil {
				t.Fatal(err)
			}
			if p.Server.Transport != tc.transport || p.Server.Addr != tc.addr || p.APS.BaseURL != tc.aps {
				t.Errorf("got transport %q addr %q base %q", p.Server.Transport, p.Server.Addr, p.APS.BaseURL)
			}
			if !p.Tools.ReadOnly {
				t.Error("read_only must default to true")
			}
		})
	}
}

func TestProfileProblems(t *testing.T) {
	tests := []struct {
		name, body string
		env        map[string]string
		want       []string
	}{
		{"unknown key", teamProfile + "colour: red\n", nil, []string{"team.yaml:4: profile team: field colour: unknown key"}},
		{"unknown kind and scope", "auth: {kind: 4lo, scopes: [data:reed]}\n", nil,
			[]string{`team.yaml:1: profile team: field auth.kind: unknown auth kind "4lo"`, `field auth.scopes.0: unknown APS scope "data:reed"`}},
		{"bad transport", strings.Replace(teamProfile, "addr:", "transport: carrier-pigeon, addr:", 1), nil, []string{"field server.transport: must be http or stdio"}},
		{"bad base URL from env", teamProfile, map[string]string{"APS_BASE_URL": "ftp://x/y"}, []string{"field aps.base_url: must be an http(s) URL"}},
		{"missing scopes", "auth: {kind: 2lo}\n", nil, []string{"field auth.scopes: missing"}},
		{"port out of range", strings.Replace(teamProfile, "6000", "99999", 1), nil,
			[]string{`team.yaml:3: profile team: field server.addr: the port must be a number from 0 to 65535, got "99999"`}},
		{"port from the environment", teamProfile, map[string]string{"APS_MCP_ADDR": "127.0.0.1:http-alt"},
			[]string{`team.yaml: profile team: field server.addr: the port must be a number from 0 to 65535, got "http-alt" (set by the environment or a command-line flag)`}},
		{"3lo on every interface", "auth: {kind: 3lo, scopes: [data:read]}\nserver: {addr: '0.0.0.0:6000'}\n", nil,
			[]string{`team.yaml:2: profile team: field server.addr: auth 3lo acts as the signed-in person`, "server.allow_non_loopback: true"}},
		{"exposed without a token", strings.Replace(teamProfile, "127.0.0.1:6000", "':6000'", 1), nil,
			[]string{`team.yaml:3: profile team: field server.addr: :6000 is reachable from other machines and /mcp has no bearer token`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProfile(t, tc.body)
			_, err := LoadProfile(dir, "team", EnvFromMap(tc.env), Overrides{})
			ps, ok := strictyaml.AsProblems(err)
			if !ok {
				t.Fatalf("want Problems, got %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(ps.Error(), w) {
					t.Errorf("problems lack %q:\n%s", w, ps.Error())
				}
			}
		})
	}
	if _, err := LoadProfile(writeProfile(t, teamProfile), "nope", Env{}, Overrides{}); err == nil || !strings.Contains(err.Error(), "no such profile (profiles in") {
		t.Errorf("missing profile: %v", err)
	}
}

func TestDotenv(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, ".env")
	body := "# comment\n\nexport APS_CLIENT_ID=abc\nAPS_CLIENT_SECRET=\"s p a c e\"\nAPS_BASE_URL=http://127.0.0.1:1 # trailing\nAPS_MCP_ADDR='127.0.0.1:1'\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("APS_MCP_ADDR", "from-process")
	env, err := LoadEnv(file)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"APS_CLIENT_ID": "abc", "APS_CLIENT_SECRET": "s p a c e", "APS_BASE_URL": "http://127.0.0.1:1", "APS_MCP_ADDR": "from-process"}
	for k, v := range want {
		if got := env.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if err := os.WriteFile(file, []byte("APS_CLIENT_SECRET=top-secret\nnot a pair\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadEnv(file)
	if err == nil || !strings.Contains(err.Error(), ".env:2: expected KEY=VALUE") || strings.Contains(err.Error(), "top-secret") {
		t.Errorf("bad line error = %v", err)
	}
	if _, err := LoadEnv(filepath.Join(dir, "absent.env")); err != nil {
		t.Errorf("a missing .env must be fine: %v", err)
	}
}

// TestExposedProfilesThatPass: what serving allows, validate allows: a
// stdio profile's address is not listened on, protection asked for is
// protection, and a team server signs every caller in.
func TestExposedProfilesThatPass(t *testing.T) {
	for _, body := range []string{
		"auth: {kind: 3lo, scopes: [data:read]}\nserver: {addr: '0.0.0.0:6000', allow_non_loopback: true, auth_token_env: TOKEN}\n",
		"auth: {kind: 2lo, scopes: [data:read]}\nserver: {addr: '0.0.0.0:6000', allow_unprotected: true}\n",
		"auth: {kind: 2lo, scopes: [data:read]}\nserver: {addr: '0.0.0.0:6000', transport: stdio}\n",
		"auth: {kind: 3lo, scopes: [data:read]}\nserver: {addr: '0.0.0.0:6000', public_url: 'https://mcp.example.com', store: memory}\n",
	} {
		if _, err := LoadProfile(writeProfile(t, body), "team", Env{}, Overrides{}); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// TestProfileProblemsComeTogetherWithoutFollowUps: type errors and
// other problems are reported in one go, and a value that did not
// decode is not reported again by the checks that read it.
func TestProfileProblemsComeTogetherWithoutFollowUps(t *testing.T) {
	body := "auth: lots\nserver: {addr: nowhere}\nlimits: {max_items: lots, call_timeout: soon}\nretry: {max_attempts: 2.5}\n"
	_, err := LoadProfile(writeProfile(t, body), "team", Env{}, Overrides{})
	ps, _ := strictyaml.AsProblems(err)
	want := []string{
		`team.yaml:1: profile team: field auth: must be a mapping, got "lots"`,
		`team.yaml:2: profile team: field server.addr: must be HOST:PORT, got "nowhere"`,
		`team.yaml:3: profile team: field limits.max_items: must be a whole number, got "lots"`,
		`team.yaml:3: profile team: field limits.call_timeout: must be a duration such as 30s, 5m or 1h, got "soon"`,
		`team.yaml:4: profile team: field retry.max_attempts: must be a whole number, got 2.5`,
	}
	if len(ps) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(want), err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("problems lack %q:\n%v", w, err)
		}
	}
}

// TestKindOwnsItsSection: the auth section's keys beyond kind and scopes
// are the kind's, decoded, layered and validated by it.
func TestKindOwnsItsSection(t *testing.T) {
	tests := []struct {
		name, body string
		env        map[string]string
		want       []string // problems; none means it must load
		redirect   string   // the 3lo redirect URI it must end with
	}{
		{"3lo default redirect", "auth: {kind: 3lo, scopes: [data:read]}\n", nil, nil, "http://localhost:5002/callback"},
		{"3lo redirect from the file", "auth:\n  kind: 3lo\n  scopes: [data:read]\n  redirect_uri: http://localhost:7000/cb\n", nil, nil, "http://localhost:7000/cb"},
		{"3lo redirect from the environment", "auth:\n  kind: 3lo\n  scopes: [data:read]\n  redirect_uri: http://localhost:7000/cb\n",
			map[string]string{"APS_CALLBACK_URL": "http://127.0.0.1:7001/callback"}, nil, "http://127.0.0.1:7001/callback"},
		{"3lo bad redirect names its line", "auth:\n  kind: 3lo\n  scopes: [data:read]\n  redirect_uri: 'not a url#frag'\n", nil,
			[]string{"team.yaml:4: profile team: field auth.redirect_uri: must be an absolute http(s) URL"}, ""},
		{"2lo has no redirect", "auth:\n  kind: 2lo\n  scopes: [data:read]\n  redirect_uri: http://localhost:7000/cb\n", nil,
			[]string{`team.yaml:4: profile team: field auth.redirect_uri: unknown key "redirect_uri" (known: kind, scopes)`}, ""},
		{"3lo unknown key lists the kind's", "auth:\n  kind: 3lo\n  scopes: [data:read]\n  redirect: x\n", nil,
			[]string{`field auth.redirect: unknown key "redirect" (known: kind, redirect_uri, scopes, token_store)`}, ""},
		{"3lo type error names its line", "auth:\n  kind: 3lo\n  scopes: [data:read]\n  token_store: [a, b]\n", nil,
			[]string{"team.yaml:4: profile team: field auth.token_store: must be a string, got a list"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := LoadProfile(writeProfile(t, tc.body), "team", EnvFromMap(tc.env), Overrides{})
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				sec, ok := p.Auth.Section.(interface{ RedirectURI() string })
				if !ok {
					t.Fatalf("section %T has no redirect URI", p.Auth.Section)
				}
				if got := sec.RedirectURI(); got != tc.redirect {
					t.Errorf("redirect URI = %q, want %q", got, tc.redirect)
				}
				return
			}
			if err == nil {
				t.Fatal("loaded; want problems")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("problems lack %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestReadEverythingProfilesHideTheSameTools: ssa, 3lo and team serve the
// same read toolsets, and the README says they list the same walk: their
// tools.on_demand lists must not drift apart.
func TestReadEverythingProfilesHideTheSameTools(t *testing.T) {
	var first []string
	for _, name := range []string{"ssa", "3lo", "team"} {
		p, err := LoadProfile(filepath.Join("..", "profiles"), name, Env{}, Overrides{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Tools.OnDemand) == 0 {
			t.Fatalf("profile %s serves nothing on demand", name)
		}
		if first == nil {
			first = p.Tools.OnDemand
		} else if !slices.Equal(p.Tools.OnDemand, first) {
			t.Errorf("profile %s hides %v, ssa %v", name, p.Tools.OnDemand, first)
		}
	}
}
