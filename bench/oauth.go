package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// The OAuth rows: the same tool call through a team server (profile team,
// an OAuth 2.1 authorization server in front of /mcp, each request
// carrying an MCP access token it issued) and through the single-user 3lo
// profile signed in once, which has the same auth kind, scopes, toolsets
// and person but nothing in front of /mcp. Both act with a user-context
// APS token, so the tool is one only those can serve.

// oauthTool is the tool under load in the OAuth rows: one APS page of the
// signed-in person's hubs.
const oauthTool = "list_hubs"

// Row names of the two OAuth paths.
const (
	plainOAuthName = "raw JSON-RPC, stateless: 3lo signed in, no OAuth"
	teamOAuthName  = "raw JSON-RPC, stateless: team, OAuth bearer"
)

// hubsCall is oauthTool's call, listing want hubs.
func hubsCall(want int) rawCall {
	return rawCall{tool: oauthTool, args: `{}`, marker: `{"id":`, want: want}
}

// benchRedirect is where the bench's MCP clients say the browser comes
// back to. Nothing listens there: the browser stops at the redirect and
// hands the code over, as a client's own listener would.
const benchRedirect = "http://127.0.0.1:47614/cb"

// signInTeam is one MCP client signing in to the team server at root (its
// public URL) as a person's browser and the client would: it registers
// (RFC 7591), opens the authorization URL, allows the client on the
// consent page, follows APS sign-in back, and trades the code for an
// access token with PKCE. The emulator signs in its demo user by itself.
func signInTeam(ctx context.Context, root string) (string, error) {
	return signInTeamAs(ctx, root, "", "")
}

// signInTeamAs is signInTeam as the emulator's user, not its demo user:
// the browser arrives at the emulator at emuURL signed in as user, as
// after the emulator's sign-in page (apsemu.SessionCookie).
func signInTeamAs(ctx context.Context, root, emuURL, user string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	jar, _ := cookiejar.New(nil)
	if user != "" {
		u, err := url.Parse(emuURL)
		if err != nil {
			return "", err
		}
		jar.SetCookies(u, []*http.Cookie{{Name: apsemu.SessionCookie, Value: user, Path: "/"}})
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	hc := &http.Client{Jar: jar, Transport: tr, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), benchRedirect) {
			return http.ErrUseLastResponse // the client's listener, not followed
		}
		return nil
	}}
	clientID, err := registerClient(ctx, hc, root)
	if err != nil {
		return "", err
	}
	verifier, state := authproviders.RandomToken(), authproviders.RandomToken()
	resource := root + "/mcp"
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {benchRedirect}, "state": {state},
		"code_challenge": {authproviders.PKCEChallenge(verifier)}, "code_challenge_method": {"S256"}, "resource": {resource}}
	page, err := send(ctx, hc, http.MethodGet, root+"/authorize?"+q.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("authorization request: %w", err)
	}
	request, err := consentRequest(page)
	if err != nil {
		return "", err
	}
	back, err := send(ctx, hc, http.MethodPost, root+"/authorize", url.Values{"request": {request}, "decision": {"allow"}})
	if err != nil {
		return "", fmt.Errorf("consent: %w", err)
	}
	code, err := authorizationCode(back, state)
	if err != nil {
		return "", err
	}
	tok, err := send(ctx, hc, http.MethodPost, root+"/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID},
		"code": {code}, "redirect_uri": {benchRedirect}, "code_verifier": {verifier}, "resource": {resource}})
	if err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	var tr2 struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if tok.StatusCode != http.StatusOK || json.Unmarshal(tok.body, &tr2) != nil || tr2.AccessToken == "" || !strings.EqualFold(tr2.TokenType, "Bearer") {
		return "", fmt.Errorf("token request answered %d without a bearer token: %s", tok.StatusCode, firstLine(oauthError(tok.body)))
	}
	return tr2.AccessToken, nil
}

// registerClient registers a public client redirecting to benchRedirect.
func registerClient(ctx context.Context, hc *http.Client, root string) (string, error) {
	reg, _ := json.Marshal(map[string]any{"client_name": "aps-mcp-bench", "redirect_uris": []string{benchRedirect},
		"token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code"}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, root+"/register", strings.NewReader(string(reg)))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	a, err := finish(hc.Do(req))
	if err != nil {
		return "", fmt.Errorf("registration: %w", err)
	}
	var r struct {
		ClientID string `json:"client_id"`
	}
	if a.StatusCode != http.StatusCreated || json.Unmarshal(a.body, &r) != nil || r.ClientID == "" {
		return "", fmt.Errorf("registration answered %d: %s", a.StatusCode, firstLine(string(a.body)))
	}
	return r.ClientID, nil
}

var consentRequestRE = regexp.MustCompile(`name="request" value="([^"]+)"`)

// consentRequest is the consent form's hidden request field.
func consentRequest(page answer) (string, error) {
	m := consentRequestRE.FindSubmatch(page.body)
	if page.StatusCode != http.StatusOK || m == nil {
		return "", fmt.Errorf("the authorization request answered %d without a consent form", page.StatusCode)
	}
	return html.UnescapeString(string(m[1])), nil
}

// authorizationCode is the code in the redirect back to benchRedirect,
// after checking it carries the client's state and no error. The code
// (a credential) appears in no error.
func authorizationCode(back answer, state string) (string, error) {
	loc, err := back.Location()
	if back.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), benchRedirect) {
		return "", fmt.Errorf("sign-in ended with %d, not a redirect to the client: %s", back.StatusCode, firstLine(string(back.body)))
	}
	q := loc.Query()
	switch {
	case q.Get("error") != "":
		return "", fmt.Errorf("authorization error %s: %s", q.Get("error"), q.Get("error_description"))
	case q.Get("state") != state:
		return "", errors.New("the redirect back to the client carries another state")
	case q.Get("code") == "":
		return "", errors.New("the redirect back to the client carries no code")
	}
	return q.Get("code"), nil
}

// oauthError is an OAuth error answer's code and description, or the body.
func oauthError(body []byte) string {
	var e struct {
		Code  string `json:"error"`
		Descr string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) == nil && e.Code != "" {
		return e.Code + ": " + e.Descr
	}
	return string(body)
}

// answer is a finished HTTP response with its body read.
type answer struct {
	*http.Response
	body []byte
}

// send makes a GET, or a POST of form, and reads the answer.
func send(ctx context.Context, hc *http.Client, method, u string, form url.Values) (answer, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return answer{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return finish(hc.Do(req))
}

func finish(resp *http.Response, err error) (answer, error) {
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return answer{Response: resp, body: b}, err
}

var signInLinkRE = regexp.MustCompile(`https?://\S+/authentication/v2/authorize\?\S+`)

// signInThreeLegged signs the 3lo server at mcpURL in as its person: its
// first call of oauthTool answers with a sign-in link, which a browser
// follows through APS back to the server's callback. It returns how many
// items oauthTool then lists.
func signInThreeLegged(ctx context.Context, mcpURL string) (int, error) {
	c, _, hc, err := dialMCPGo(ctx, mcpURL)
	if err != nil {
		return 0, err
	}
	defer hc.CloseIdleConnections()
	defer c.Close()
	_, err = listCall(ctx, c, oauthTool, nil, callTimeout)
	link := ""
	if err != nil {
		link = signInLinkRE.FindString(err.Error())
	}
	if link == "" {
		return 0, fmt.Errorf("the 3lo server's first %s call did not ask for a sign-in (%v)", oauthTool, err)
	}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	page, err := send(ctx, &http.Client{Transport: tr}, http.MethodGet, link, nil)
	if err != nil {
		return 0, fmt.Errorf("following the 3lo sign-in link: %w", err)
	}
	if page.StatusCode != http.StatusOK || !strings.Contains(string(page.body), "Signed in") {
		return 0, fmt.Errorf("the 3lo sign-in ended with %d: %s", page.StatusCode, firstLine(string(page.body)))
	}
	got, err := listCall(ctx, c, oauthTool, nil, callTimeout)
	if err != nil {
		return 0, fmt.Errorf("%s after the 3lo sign-in: %w", oauthTool, err)
	}
	return got.items, nil
}

// bearerPool hands each raw client an MCP access token of its own, signing
// in anew only when no spare one is left: tokens outlive a load cell, as
// MCP clients keep theirs.
type bearerPool struct {
	signIn func(ctx context.Context) (string, error)

	mu      sync.Mutex
	free    []string
	signIns int
}

func (p *bearerPool) get(ctx context.Context) (string, error) {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		tok := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return tok, nil
	}
	p.mu.Unlock()
	tok, err := p.signIn(ctx)
	if err == nil {
		p.mu.Lock()
		p.signIns++
		p.mu.Unlock()
	}
	return tok, err
}

func (p *bearerPool) put(tok string) {
	p.mu.Lock()
	p.free = append(p.free, tok)
	p.mu.Unlock()
}

// count is how many times the pool signed in.
func (p *bearerPool) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.signIns
}

// bearerPath calls through an OAuth-protected endpoint with the raw
// stateless client, each client with a token from pool.
func bearerPath(name, endpoint string, call rawCall, pool *bearerPool) path {
	return path{name: name, connect: func(ctx context.Context) (caller, string, error) {
		tok, err := pool.get(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("signing in to the team server: %w", err)
		}
		c, err := dialRawBearer(ctx, endpoint, modernProtocol, call, tok)
		if err != nil {
			pool.put(tok)
			return nil, "", err
		}
		return &pooledCaller{rawCaller: c, release: func() { pool.put(tok) }}, modernProtocol, nil
	}}
}

// pooledCaller gives its token back to the pool when it closes.
type pooledCaller struct {
	*rawCaller
	release func()
}

func (p *pooledCaller) close() {
	p.rawCaller.close()
	p.release()
}
