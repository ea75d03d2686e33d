package authproviders

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// fakeAuthServer is a minimal token endpoint for the provider's unit
// tests: it checks PKCE and hands out numbered tokens. The emulator-backed
// end-to-end tests cover the real flow.
type fakeAuthServer struct {
	challenge string // last challenge seen in an authorize URL, set by the test
	codes     atomic.Int32
	refreshes atomic.Int32
}

func (f *fakeAuthServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	switch r.Form.Get("grant_type") {
	case "authorization_code":
		sum := sha256.Sum256([]byte(r.Form.Get("code_verifier")))
		if r.Form.Get("code") != "good-code" || base64.RawURLEncoding.EncodeToString(sum[:]) != f.challenge {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant","error_description":"bad code or verifier"}`)
			return
		}
		n := f.codes.Add(1)
		json.NewEncoder(w).Encode(map[string]any{"access_token": "access-" + string(rune('0'+n)), "token_type": "Bearer", "expires_in": 3599, "refresh_token": "refresh-1"})
	case "refresh_token":
		n := f.refreshes.Add(1)
		if r.Form.Get("refresh_token") != "refresh-"+string(rune('0'+n)) {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant","error_description":"The refresh token is invalid or expired."}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": "refreshed-" + string(rune('0'+n)), "token_type": "Bearer", "expires_in": 3599, "refresh_token": "refresh-" + string(rune('1'+n))})
	}
}

func newTestThreeLegged(t *testing.T, store string) (*threeLegged, *fakeAuthServer) {
	t.Helper()
	return newTestThreeLeggedAt(t, store, &fakeAuthServer{})
}

// login asks for a token, which needs a sign-in, and returns the state
// and challenge of the sign-in link.
func login(t *testing.T, p *threeLegged, fake *fakeAuthServer) string {
	t.Helper()
	_, err := p.Token(context.Background())
	var lr *LoginRequiredError
	if !errors.As(err, &lr) {
		t.Fatalf("want LoginRequiredError, got %v", err)
	}
	u, _ := url.Parse(lr.URL)
	q := u.Query()
	if u.Path != AuthorizePath || q.Get("response_type") != "code" || q.Get("client_id") != "client-1" ||
		q.Get("redirect_uri") != "http://localhost:5002/callback" || q.Get("scope") != "data:read" ||
		q.Get("code_challenge_method") != "S256" || len(q.Get("state")) < 32 {
		t.Fatalf("sign-in URL lacks a parameter: %s", lr.URL)
	}
	if strings.Contains(lr.URL, "very-secret-value") {
		t.Fatal("sign-in URL holds the client secret")
	}
	fake.challenge = q.Get("code_challenge")
	return q.Get("state")
}

func callback(p *threeLegged, query string) (int, string) {
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/callback?"+query, nil))
	return rec.Code, rec.Body.String()
}

func TestCallbackStates(t *testing.T) {
	p, fake := newTestThreeLegged(t, "")
	state := login(t, p, fake)

	tests := []struct {
		name     string
		query    string
		status   int
		contains string
	}{
		{"tampered state", "code=good-code&state=" + state + "x", 400, "unknown, was already used, or has expired"},
		{"no state", "code=good-code", 400, "unknown"},
		{"good", "code=good-code&state=" + state, 200, "Signed in"},
		// A reload of the finished sign-in's page shows it again and
		// exchanges nothing.
		{"reloaded page", "code=good-code&state=" + state, 200, "signed in to the APS application client-1"},
	}
	for _, tc := range tests {
		status, body := callback(p, tc.query)
		if status != tc.status || !strings.Contains(body, tc.contains) {
			t.Errorf("%s: %d %q, want %d containing %q", tc.name, status, body, tc.status, tc.contains)
		}
		if strings.Contains(body, "access-") || strings.Contains(body, "refresh-") {
			t.Errorf("%s: page shows a token", tc.name)
		}
	}
	if tok, err := p.Token(context.Background()); err != nil || tok != "access-1" {
		t.Errorf("after sign-in Token = %q, %v", tok, err)
	}
	if n := fake.codes.Load(); n != 1 {
		t.Errorf("code exchanges = %d, want 1 (a reload exchanges nothing)", n)
	}
}

func TestCallbackExpiredStateAndDenial(t *testing.T) {
	p, fake := newTestThreeLegged(t, "")
	now := time.Now()
	p.now = func() time.Time { return now }
	state := login(t, p, fake)
	now = now.Add(stateLifetime + time.Second)
	if status, _ := callback(p, "code=good-code&state="+state); status != 400 {
		t.Errorf("expired state: status %d, want 400", status)
	}

	state = login(t, p, fake)
	hostile := url.Values{"state": {state}, "error": {"access_denied"}, "error_description": {`<script>alert("x")</script>`}}
	status, body := callback(p, hostile.Encode())
	if status != 400 || strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("denial page: %d %s", status, body)
	}
	if fake.codes.Load() != 0 {
		t.Error("a denied or expired sign-in exchanged a code")
	}
	var lr *LoginRequiredError
	if _, err := p.Token(context.Background()); !errors.As(err, &lr) {
		t.Errorf("after denial Token = %v, want a new sign-in", err)
	}
}

func TestRefreshRotationAndFileStore(t *testing.T) {
	store := filepath.Join(t.TempDir(), "sub", "tokens.json")
	p, fake := newTestThreeLegged(t, store)
	state := login(t, p, fake)
	if status, body := callback(p, "code=good-code&state="+state); status != 200 {
		t.Fatalf("callback: %d %s", status, body)
	}
	info, err := os.Stat(store)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("token store mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(store)
	if strings.Contains(string(data), "very-secret-value") || !strings.Contains(string(data), "refresh-1") {
		t.Errorf("token store content: %s", data)
	}

	// Rejected access token: the next Token refreshes with refresh-1 and
	// keeps the rotated refresh-2.
	p.Invalidate("access-1")
	if tok, err := p.Token(context.Background()); err != nil || tok != "refreshed-1" {
		t.Fatalf("refresh: %q %v", tok, err)
	}
	data, _ = os.ReadFile(store)
	if !strings.Contains(string(data), "refresh-2") {
		t.Errorf("rotated refresh token not stored: %s", data)
	}

	// A restarted provider reads the store and needs no sign-in.
	p2, _ := newTestThreeLeggedAt(t, store, fake)
	if tok, err := p2.Token(context.Background()); err != nil || tok != "refreshed-1" {
		t.Errorf("after restart Token = %q, %v", tok, err)
	}
}

func newTestThreeLeggedAt(t *testing.T, store string, fake *fakeAuthServer) (*threeLegged, *fakeAuthServer) {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p, err := New("3lo", Settings{
		BaseURL: srv.URL, Scopes: []string{"data:read"},
		Credentials: Credentials{ClientID: "client-1", ClientSecret: "very-secret-value"},
		HTTP:        apshttp.NewClient(apshttp.ClientOptions{}),
		Section:     &threeLeggedSection{CallbackURL: "http://localhost:5002/callback", TokenStore: store},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p.(*threeLegged), fake
}

func TestRefusedRefreshMeansSignIn(t *testing.T) {
	p, fake := newTestThreeLegged(t, "")
	state := login(t, p, fake)
	callback(p, "code=good-code&state="+state)
	fake.refreshes.Store(5) // the server no longer accepts refresh-1
	p.Invalidate("access-1")
	var lr *LoginRequiredError
	if _, err := p.Token(context.Background()); !errors.As(err, &lr) {
		t.Errorf("refused refresh: %v, want a new sign-in", err)
	}
}
