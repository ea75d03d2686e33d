package oauthserver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/identity"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/aps-mcp/aps-mcp/store"
)

// testRedirect is the test client's redirect URI; the browser stops there.
const testRedirect = "http://127.0.0.1:47614/cb"

// fixture is the authorization server on a loopback port in front of a
// resource that echoes who called, with the APS emulator as APS.
type fixture struct {
	t       *testing.T
	srv     *Server
	base    string
	emu     *apsemu.Emulator
	emuURL  string
	browser *http.Client
	store   store.Store
}

func newFixture(t *testing.T, mutate func(*Config)) *fixture {
	t.Helper()
	emu := apsemu.New(apsemu.Options{})
	emuSrv := httptest.NewServer(emu)
	t.Cleanup(emuSrv.Close)
	st, err := store.Open(context.Background(), "memory")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, _ := store.NewSealer(make([]byte, 32))
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	signIn := authproviders.NewSignIn(authproviders.Settings{
		BaseURL: emuSrv.URL, Scopes: []string{"data:read"},
		Credentials: authproviders.Credentials{ClientID: apsemu.DemoClientID, ClientSecret: apsemu.DemoClientSecret},
		HTTP:        apshttp.NewClient(apshttp.ClientOptions{}),
	}, ts.URL+"/callback")
	cfg := Config{
		PublicURL: ts.URL, Store: st, Sealer: sealer,
		Resources: []Resource{{Path: "/mcp", Name: "test", Scopes: []string{"data:read"}, SignIn: signIn, KeepsAPSTokens: true}},
	}
	if mutate != nil {
		mutate(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Routes(mux)
	mux.Handle("/mcp", srv.Protect("/mcp", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := identity.From(r.Context())
		_, _ = io.WriteString(w, u.ID)
	})))
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), "http://127.0.0.1:47614") {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return &fixture{t: t, srv: srv, base: ts.URL, emu: emu, emuURL: emuSrv.URL, browser: browser, store: st}
}

// signInAtAPS makes the browser's Autodesk session the given user's.
func (f *fixture) signInAtAPS(userID string) {
	u, _ := url.Parse(f.emuURL)
	f.browser.Jar.SetCookies(u, []*http.Cookie{{Name: apsemu.SessionCookie, Value: userID, Path: "/"}})
}

// register registers a public client for testRedirect.
func (f *fixture) register() string {
	f.t.Helper()
	status, body := f.postJSON("/register", map[string]any{"redirect_uris": []string{testRedirect}, "client_name": "fixture client"})
	if status != http.StatusCreated {
		f.t.Fatalf("register: %d %v", status, body)
	}
	return body["client_id"].(string)
}

// authorizeQuery is a correct authorization request for client.
func (f *fixture) authorizeQuery(client, verifier string) url.Values {
	return url.Values{
		"response_type": {"code"}, "client_id": {client}, "redirect_uri": {testRedirect}, "state": {"client-state"},
		"code_challenge": {authproviders.PKCEChallenge(verifier)}, "code_challenge_method": {"S256"},
		"resource": {f.base + "/mcp"}, "scope": {"data:read"},
	}
}

// authorize runs q through consent (allowed) and APS sign-in and returns
// the query the browser brought back to the client.
func (f *fixture) authorize(q url.Values) url.Values {
	f.t.Helper()
	resp, err := f.browser.Get(f.base + "/authorize?" + q.Encode())
	if err != nil {
		f.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		m := regexp.MustCompile(`name="request" value="([^"]+)"`).FindSubmatch(body)
		if m == nil {
			f.t.Fatalf("no consent form:\n%s", body)
		}
		if resp, err = f.browser.PostForm(f.base+"/authorize", url.Values{"request": {string(m[1])}, "decision": {"allow"}}); err != nil {
			f.t.Fatal(err)
		}
		resp.Body.Close()
	}
	loc, err := resp.Location()
	if err != nil {
		f.t.Fatalf("the browser was not sent back to the client: %d", resp.StatusCode)
	}
	return loc.Query()
}

// code signs in and returns an authorization code for client.
func (f *fixture) code(client, verifier string) string {
	f.t.Helper()
	back := f.authorize(f.authorizeQuery(client, verifier))
	if back.Get("code") == "" || back.Get("state") != "client-state" || back.Get("iss") != f.base {
		f.t.Fatalf("authorization response %v", back)
	}
	return back.Get("code")
}

// token posts a token request.
func (f *fixture) token(form url.Values) (int, map[string]any) {
	f.t.Helper()
	resp, err := http.PostForm(f.base+"/token", form)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// redeem trades code for tokens with the right verifier.
func (f *fixture) redeem(client, code, verifier string) map[string]any {
	f.t.Helper()
	status, body := f.token(url.Values{"grant_type": {"authorization_code"}, "client_id": {client}, "code": {code},
		"redirect_uri": {testRedirect}, "code_verifier": {verifier}, "resource": {f.base + "/mcp"}})
	if status != http.StatusOK {
		f.t.Fatalf("redeem: %d %v", status, body)
	}
	return body
}

// call calls the protected resource with token and returns the status and
// the user it acted for.
func (f *fixture) call(token string) (int, string) {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.base+"/mcp", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (f *fixture) postJSON(path string, v any) (int, map[string]any) {
	f.t.Helper()
	raw, _ := json.Marshal(v)
	resp, err := http.Post(f.base+path, "application/json", strings.NewReader(string(raw)))
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}
