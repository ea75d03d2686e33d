package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/modelcontextprotocol/go-sdk/auth"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// clientRedirect is where the test's MCP clients say the browser comes
// back to. Nothing listens there: the fake browser stops at the redirect
// and hands its code to the client, as a real client's listener would.
const clientRedirect = "http://127.0.0.1:47613/callback"

// browser is a person's browser: a cookie jar, redirects followed up to
// the client's redirect URI, forms submitted as a person would.
type browser struct {
	t   *testing.T
	hc  *http.Client
	jar *cookiejar.Jar
	// pages are the HTML pages it saw, in order, for assertions.
	pages []string
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, jar: jar}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	b.hc = &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if strings.HasPrefix(req.URL.String(), strings.TrimSuffix(clientRedirect, "/callback")) {
				return http.ErrUseLastResponse // the client's listener, not ours to follow
			}
			return nil
		}}
	return b
}

// signInAt makes emuURL's emulator see this browser as signed in to
// Autodesk as userID (its session cookie there).
func (b *browser) signInAt(emuURL, cookieName, userID string) {
	u, _ := url.Parse(emuURL)
	b.jar.SetCookies(u, []*http.Cookie{{Name: cookieName, Value: userID, Path: "/"}})
}

// visit opens authURL and, on a consent page, answers decision ("allow"
// or "deny"); it returns where the browser was finally sent: the client's
// redirect URI with its query, or the last page's status and body.
func (b *browser) visit(authURL, decision string) (*url.URL, int, string) {
	b.t.Helper()
	resp, err := b.hc.Get(authURL)
	if err != nil {
		b.t.Fatalf("browser GET %s: %v", authURL, err)
	}
	for {
		loc, status, body := b.read(resp)
		if loc != nil || status != http.StatusOK {
			return loc, status, body
		}
		m := regexp.MustCompile(`name="request" value="([^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			return nil, status, body // a page that is not a consent form
		}
		form := url.Values{"request": {m[1]}, "decision": {decision}}
		if resp, err = b.post(resp.Request.URL.ResolveReference(&url.URL{Path: "/authorize"}).String(), form); err != nil {
			b.t.Fatalf("browser POST consent: %v", err)
		}
	}
}

// post submits a form as a browser does from a page of the same origin:
// with that Origin (the server checks it against DNS rebinding).
func (b *browser) post(target string, form url.Values) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", req.URL.Scheme+"://"+req.URL.Host)
	return b.hc.Do(req)
}

// read finishes one response: a redirect to the client, or a page.
func (b *browser) read(resp *http.Response) (*url.URL, int, string) {
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusFound {
		loc, err := resp.Location()
		if err != nil {
			b.t.Fatalf("redirect without a location: %v", err)
		}
		return loc, resp.StatusCode, ""
	}
	b.pages = append(b.pages, string(data))
	return nil, resp.StatusCode, string(data)
}

// oauthClient is an mcp-go client whose OAuth flow the browser completes;
// it registers dynamically (RFC 7591), as mcp-go does.
func oauthClient(t *testing.T, mcpURL string, b *browser) *client.Client {
	t.Helper()
	return oauthClientWithStore(t, mcpURL, b, transport.NewMemoryTokenStore())
}

// oauthClientWithStore is oauthClient keeping its tokens in ts, where the
// test can read them or make them look expired.
func oauthClientWithStore(t *testing.T, mcpURL string, b *browser, ts transport.TokenStore) *client.Client {
	t.Helper()
	c, err := oauthClientErr(t, mcpURL, b, ts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func oauthClientErr(t *testing.T, mcpURL string, b *browser, ts transport.TokenStore) (*client.Client, error) {
	t.Helper()
	c, h := oauthClientHandler(t, mcpURL, ts)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := authorizeClient(ctx, h, b); err != nil {
		return nil, err
	}
	if _, err := c.Initialize(ctx, initRequest()); err != nil {
		return nil, fmt.Errorf("initialize after signing in: %w", err)
	}
	return c, nil
}

// authorizeClient runs the client side of the flow: registration, the
// authorization URL, the browser, the code exchange.
func authorizeClient(ctx context.Context, h *transport.OAuthHandler, b *browser) error {
	if h.GetClientID() == "" {
		if err := h.RegisterClient(ctx, "aps-mcp e2e client"); err != nil {
			return fmt.Errorf("registering: %w", err)
		}
	}
	verifier, err := client.GenerateCodeVerifier()
	if err != nil {
		return err
	}
	state, _ := client.GenerateState()
	authURL, err := h.GetAuthorizationURL(ctx, state, client.GenerateCodeChallenge(verifier))
	if err != nil {
		return fmt.Errorf("authorization URL: %w", err)
	}
	loc, status, body := b.visit(authURL, "allow")
	if loc == nil {
		return fmt.Errorf("the browser did not come back to the client: %d %s", status, body)
	}
	q := loc.Query()
	if q.Get("error") != "" {
		return fmt.Errorf("authorization error %s: %s", q.Get("error"), q.Get("error_description"))
	}
	return h.ProcessAuthorizationResponse(ctx, q.Get("code"), q.Get("state"), verifier)
}

// bearerClient connects an initialized mcp-go client to url that sends
// accessToken as its bearer token, as a client that already signed in does.
func bearerClient(t *testing.T, url, accessToken string) *client.Client {
	t.Helper()
	return httpClientWith(t, url, mcp.LATEST_PROTOCOL_VERSION, []transport.StreamableHTTPCOption{
		transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + accessToken}),
	})
}

func initRequest() mcp.InitializeRequest {
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "aps-mcp-e2e", Version: "1"}
	return req
}

// teamServer starts the team profile in process on a loopback port whose
// URL is its public URL; o.env adds to (or overrides) the defaults.
func teamServer(t *testing.T, emuURL string, o serverOptions) string {
	t.Helper()
	o.profile, o.public = "team", true
	return startServer(t, emuURL, o)
}

// metadataDocument serves a Client ID Metadata Document over TLS on
// loopback and returns its URL (the client id) and a client that trusts
// the test certificate, for the server to fetch it with.
func metadataDocument(t *testing.T, name string) (string, *http.Client) {
	t.Helper()
	var docURL string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth/client.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"client_id": docURL, "client_name": name, "redirect_uris": []string{clientRedirect},
			"token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code", "refresh_token"},
			"response_types": []string{"code"},
		})
	}))
	t.Cleanup(srv.Close)
	docURL = srv.URL + "/oauth/client.json"
	return docURL, srv.Client()
}

// sdkOAuthSession connects the official go-sdk client (2025-11-25) with its
// own OAuth handler, registering through the client metadata document at
// clientID, the browser answering the authorization.
func sdkOAuthSession(t *testing.T, mcpURL, clientID string, b *browser) (*sdk.ClientSession, error) {
	t.Helper()
	h, err := auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
		ClientIDMetadataDocumentConfig: &auth.ClientIDMetadataDocumentConfig{URL: clientID},
		RedirectURL:                    clientRedirect,
		AuthorizationCodeFetcher: func(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
			loc, status, body := b.visit(args.URL, "allow")
			if loc == nil {
				return nil, fmt.Errorf("the browser did not come back to the client: %d %s", status, body)
			}
			q := loc.Query()
			if e := q.Get("error"); e != "" {
				return nil, fmt.Errorf("authorization error %s: %s", e, q.Get("error_description"))
			}
			return &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	cl := sdk.NewClient(&sdk.Implementation{Name: "go-sdk-e2e", Version: "1"}, nil)
	session, err := cl.Connect(context.Background(), &sdk.StreamableClientTransport{Endpoint: mcpURL, MaxRetries: -1, OAuthHandler: h},
		&sdk.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { session.Close() })
	return session, nil
}

// oauthClientHandler returns an mcp-go client before its first request
// and the OAuth handler its 401 hands out, for tests that drive the
// authorization themselves.
func oauthClientHandler(t *testing.T, mcpURL string, ts transport.TokenStore) (*client.Client, *transport.OAuthHandler) {
	t.Helper()
	if ts == nil {
		ts = transport.NewMemoryTokenStore()
	}
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	t.Cleanup(hc.CloseIdleConnections)
	c, err := client.NewOAuthStreamableHttpClient(mcpURL, transport.OAuthConfig{
		RedirectURI: clientRedirect, PKCEEnabled: true, TokenStore: ts, HTTPClient: hc,
	}, transport.WithHTTPBasicClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = c.Initialize(ctx, initRequest())
	if !client.IsOAuthAuthorizationRequiredError(err) {
		t.Fatalf("initialize without a token: %v, want OAuth authorization required", err)
	}
	return c, client.GetOAuthHandler(err)
}

// startDeployment serves several shipped profiles from one in-process
// deployment on a loopback port that is its public URL, and returns the
// site's base URL.
func startDeployment(t *testing.T, emu *apsemu.Emulator, baseURL string, names []string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	site := "http://" + ln.Addr().String()
	env := map[string]string{
		"APS_BASE_URL": baseURL, "APS_CLIENT_ID": apsemu.DemoClientID, "APS_CLIENT_SECRET": apsemu.DemoClientSecret,
		"APS_MCP_PUBLIC_URL": site,
	}
	for k, v := range serviceAccountEnv(emu) {
		env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	d, err := app.NewDeployment(ctx, app.Options{
		ToolsFile: filepath.Join(repoRoot, "tools.yaml"), ProfilesDir: filepath.Join(repoRoot, "profiles"),
		Env: config.EnvFromMap(env), NoReload: true, Logger: recordingLogger(nil),
	}, names)
	if err != nil {
		cancel()
		ln.Close()
		t.Fatalf("NewDeployment: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- d.ServeListener(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("deployment stopped with: %v", err)
		}
		d.Close()
	})
	return site
}
