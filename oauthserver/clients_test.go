package oauthserver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/authproviders"
)

// TestRegistration: public clients with safe redirect URIs register; what
// a public client cannot be, or a redirect a browser must not follow, is
// refused with RFC 7591's error codes.
func TestRegistration(t *testing.T) {
	tests := []struct {
		name string
		body map[string]any
		code string // "" = registered
	}{
		{"loopback http", map[string]any{"redirect_uris": []string{"http://127.0.0.1:33418/cb"}}, ""},
		{"https and an app scheme", map[string]any{"redirect_uris": []string{"https://claude.ai/api/mcp/auth_callback", "cursor://anysphere.cursor-retrieval/oauth/cb"}}, ""},
		{"no redirect", map[string]any{"client_name": "x"}, "invalid_redirect_uri"},
		{"plain http elsewhere", map[string]any{"redirect_uris": []string{"http://attacker.example/cb"}}, "invalid_redirect_uri"},
		{"javascript", map[string]any{"redirect_uris": []string{"javascript:alert(1)"}}, "invalid_redirect_uri"},
		{"fragment", map[string]any{"redirect_uris": []string{"https://app.example/cb#x"}}, "invalid_redirect_uri"},
		{"a confidential client", map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "token_endpoint_auth_method": "client_secret_basic"}, "invalid_client_metadata"},
		{"the implicit grant", map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "grant_types": []string{"implicit"}}, "invalid_client_metadata"},
	}
	f := newFixture(t, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.postJSON("/register", tc.body)
			if tc.code == "" {
				if status != http.StatusCreated || body["client_id"] == "" || body["token_endpoint_auth_method"] != "none" || body["client_secret"] != nil {
					t.Errorf("got %d %v, want a public client", status, body)
				}
				return
			}
			if status != http.StatusBadRequest || body["error"] != tc.code {
				t.Errorf("got %d %v, want 400 %s", status, body, tc.code)
			}
		})
	}
}

// TestLoopbackRedirectOnAnyPort: a native client that registered a
// loopback redirect may come back on whatever port it listens on now
// (RFC 8252 §7.3), and only there.
func TestLoopbackRedirectOnAnyPort(t *testing.T) {
	f := newFixture(t, nil)
	q := f.authorizeQuery(f.register(), authproviders.RandomToken())
	q.Set("redirect_uri", "http://127.0.0.1:5555/cb")
	resp, err := f.browser.Get(f.base + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `name="request"`) || !strings.Contains(string(body), "http://127.0.0.1:5555") {
		t.Errorf("another loopback port: %d, want the consent page naming it:\n%s", resp.StatusCode, body)
	}
}

// TestMetadataNamesThePublicURL: behind a proxy, whatever Host a request
// carries, the metadata names the public URL.
func TestMetadataNamesThePublicURL(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{"/.well-known/oauth-authorization-server", "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"} {
		req, _ := http.NewRequest(http.MethodGet, f.base+path, nil)
		req.Host = "internal-replica-7:5006"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil || strings.Contains(string(raw), "internal-replica-7") {
			t.Errorf("%s: %s", path, raw)
		}
		if want := f.base; doc["issuer"] != nil && doc["issuer"] != want || doc["resource"] != nil && doc["resource"] != want+"/mcp" {
			t.Errorf("%s names %v / %v, want %s", path, doc["issuer"], doc["resource"], want)
		}
	}
}

// TestMetadataDocuments: a client id that is an https URL is its Client
// ID Metadata Document; a document that names another id, is not JSON or
// sits on a private address is refused.
func TestMetadataDocuments(t *testing.T) {
	var docURL string
	docs := map[string]string{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		_, _ = io.WriteString(w, strings.ReplaceAll(body, "SELF", docURL+r.URL.Path))
	}))
	defer srv.Close()
	docURL = srv.URL
	docs["/good.json"] = `{"client_id":"SELF","client_name":"Doc Client","redirect_uris":["` + testRedirect + `"]}`
	docs["/other.json"] = `{"client_id":"https://elsewhere.example/c.json","redirect_uris":["` + testRedirect + `"]}`
	docs["/html.json"] = `<html>not json</html>`
	tests := []struct {
		name, path string
		trusted    bool // fetched with a client that trusts the test server
		ok         bool
	}{
		{"a good document", "/good.json", true, true},
		{"names another client id", "/other.json", true, false},
		{"not JSON", "/html.json", true, false},
		{"missing", "/absent.json", true, false},
		{"a private address, by default", "/good.json", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(c *Config) {
				if tc.trusted {
					c.MetadataClient = srv.Client()
				}
			})
			c, err := f.srv.lookupClient(context.Background(), docURL+tc.path)
			if tc.ok != (err == nil) {
				t.Fatalf("lookup: %v %v", c, err)
			}
			if tc.ok && (c.Name != "Doc Client" || !c.allowsRedirect(testRedirect) || !c.FromMetadataDocument) {
				t.Errorf("client %+v", c)
			}
		})
	}
}
