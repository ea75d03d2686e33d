package authproviders

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"time"
)

const (
	// stateLifetime bounds how long a sign-in link works.
	stateLifetime = 10 * time.Minute
	// maxPendingLogins bounds the sign-in links kept at once; the oldest
	// goes first.
	maxPendingLogins = 64
)

// DefaultRedirectURI is the OAuth callback a 3lo profile uses unless it
// names another.
const DefaultRedirectURI = "http://localhost:5002/callback"

func init() {
	Register(Kind{
		Name:        "3lo",
		Description: "three-legged OAuth (authorization code with PKCE): a person signs in and the server acts as them",
		Env: withAppCredentials(
			EnvVar{Name: "APS_CALLBACK_URL", Meaning: "the OAuth callback URL registered with the APS app", Setting: "redirect_uri"},
			EnvVar{Name: "APS_MCP_TOKEN_STORE", Meaning: "a file that keeps the signed-in user's tokens across restarts", Setting: "token_store"},
		),
		NewSection: func() Section { return &threeLeggedSection{} },
		New:        newThreeLegged,
		ActsAsUser: true,
	})
}

// threeLeggedSection is the 3lo part of a profile's auth section.
type threeLeggedSection struct {
	// RedirectURI is where APS sends the browser after a user signs in;
	// it must be registered as the app's callback URL.
	CallbackURL string `yaml:"redirect_uri"`
	// TokenStore is a file that keeps a user's tokens across restarts;
	// empty keeps them in memory only.
	TokenStore string `yaml:"token_store"`
}

// RedirectURI is the OAuth callback of a single-user server: the one the
// section names, or DefaultRedirectURI.
func (s *threeLeggedSection) RedirectURI() string {
	if s.CallbackURL == "" {
		return DefaultRedirectURI
	}
	return s.CallbackURL
}

// ExplicitCallback implements CallbackSection.
func (s *threeLeggedSection) ExplicitCallback() string { return s.CallbackURL }

// Validate implements Section.
func (s *threeLeggedSection) Validate() []FieldProblem {
	if s.CallbackURL == "" {
		return nil
	}
	if u, err := url.Parse(s.CallbackURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		return []FieldProblem{{Field: "redirect_uri", Message: fmt.Sprintf("must be an absolute http(s) URL without a fragment, got %q", s.CallbackURL)}}
	}
	return nil
}

// threeLegged acts for one signed-in person. A sign-in is an authorization
// code flow with PKCE and a random single-use state; the refresh token is
// single use too, so refreshes run one at a time and the rotated token is
// kept (in memory, or in a file so a restart needs no new sign-in).
type threeLegged struct {
	settings    Settings
	redirectURI string
	signIn      *SignIn
	store       tokenStore
	cache       *tokenCache
	now         func() time.Time

	mu       sync.Mutex
	refresh  string                    // current refresh token
	pending  map[string]pendingLogin   // state → the sign-in it belongs to
	done     map[string]finishedSignIn // state → the sign-in it finished, for reloads of the page
	signIns  int                       // completed sign-ins so far
	signedIn chan struct{}             // closed (and replaced) at each completed sign-in
}

type pendingLogin struct {
	verifier string
	expires  time.Time
}

func newThreeLegged(s Settings) (Provider, error) {
	sec, ok := s.Section.(*threeLeggedSection)
	if !ok {
		return nil, fmt.Errorf("3lo needs its own settings, got %T", s.Section)
	}
	if ps := sec.Validate(); len(ps) > 0 {
		return nil, fmt.Errorf("%s: %s", ps[0].Field, ps[0].Message)
	}
	p := &threeLegged{
		settings:    s,
		redirectURI: sec.RedirectURI(),
		signIn:      NewSignIn(s, sec.RedirectURI()),
		store:       &memoryStore{},
		now:         time.Now,
		pending:     map[string]pendingLogin{},
		done:        map[string]finishedSignIn{},
		signedIn:    make(chan struct{}),
	}
	if sec.TokenStore != "" {
		p.store = &fileStore{path: sec.TokenStore}
	}
	p.cache = newTokenCache(p.fetch)
	stored, err := p.store.Load()
	if err != nil {
		return nil, err
	}
	if stored != nil {
		if stored.ClientID == s.Credentials.ClientID && slices.Equal(stored.Scopes, s.Scopes) {
			p.refresh = stored.RefreshToken
			if left := stored.ExpiresAt.Sub(p.now()); left > 0 && stored.AccessToken != "" {
				p.cache.Set(Token{Value: stored.AccessToken, ExpiresIn: left}, p.now())
			}
			s.Logger.Info("signed-in user's tokens loaded from the token store", "file", sec.TokenStore)
		} else {
			s.Logger.Info("stored tokens are for another app or other scopes; a new sign-in is needed", "file", sec.TokenStore)
		}
	}
	return p, nil
}

// RedirectURI implements CallbackServer.
func (p *threeLegged) RedirectURI() string { return p.redirectURI }

// Token implements Provider.
func (p *threeLegged) Token(ctx context.Context) (string, error) { return p.cache.Get(ctx) }

// Invalidate implements Provider: the next Token call refreshes.
func (p *threeLegged) Invalidate(token string) { p.cache.Invalidate(token) }

// fetch refreshes the access token, or asks for a sign-in when there is no
// usable refresh token.
func (p *threeLegged) fetch(ctx context.Context) (Token, error) {
	p.mu.Lock()
	refresh := p.refresh
	p.mu.Unlock()
	if refresh == "" {
		return Token{}, p.loginRequired()
	}
	g, err := p.signIn.Refresh(ctx, refresh)
	if errors.Is(err, ErrSignInEnded) {
		// Used, expired or revoked: only a new sign-in helps.
		p.settings.Logger.Info("refresh token refused; a new sign-in is needed", "reason", err)
		p.forget()
		return Token{}, p.loginRequired()
	}
	if err != nil {
		return Token{}, err
	}
	p.remember(g)
	p.settings.Logger.Debug("token refreshed", "kind", "3lo", "expires_in", g.ExpiresIn)
	return g.token(), nil
}

// loginRequired opens a sign-in: a fresh state and PKCE verifier, and the
// authorization URL that carries the state and the verifier's challenge.
func (p *threeLegged) loginRequired() error {
	state, verifier := RandomToken(), RandomToken()
	now := p.now()

	p.mu.Lock()
	for s, pl := range p.pending {
		if now.After(pl.expires) {
			delete(p.pending, s)
		}
	}
	for len(p.pending) >= maxPendingLogins {
		oldest := ""
		for s, pl := range p.pending {
			if oldest == "" || pl.expires.Before(p.pending[oldest].expires) {
				oldest = s
			}
		}
		delete(p.pending, oldest)
	}
	p.pending[state] = pendingLogin{verifier: verifier, expires: now.Add(stateLifetime)}
	seen := p.signIns
	p.mu.Unlock()

	return &LoginRequiredError{
		URL:  p.signIn.AuthorizeURL(state, verifier),
		Wait: func(ctx context.Context) error { return p.waitForSignIn(ctx, seen) },
	}
}

// takeState consumes a state: it works once, and only before it expires.
func (p *threeLegged) takeState(state string) (pendingLogin, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pl, ok := p.pending[state]
	delete(p.pending, state)
	if !ok || p.now().After(pl.expires) {
		return pendingLogin{}, false
	}
	return pl, true
}

// exchangeCode finishes a sign-in and says who signed in ("" when APS's
// profile could not be read; the sign-in stands all the same).
func (p *threeLegged) exchangeCode(ctx context.Context, code string, pl pendingLogin) (string, error) {
	g, err := p.signIn.Exchange(ctx, code, pl.verifier)
	if err != nil {
		return "", err
	}
	p.remember(g)
	p.cache.Set(g.token(), p.now())
	p.mu.Lock()
	p.signIns++
	close(p.signedIn)
	p.signedIn = make(chan struct{})
	p.mu.Unlock()
	who := ""
	if prof, err := p.signIn.Profile(ctx, g.AccessToken); err == nil {
		who = prof.Name
		if prof.Email != "" {
			who += " (" + prof.Email + ")"
		}
	}
	p.settings.Logger.Info("user signed in", "kind", "3lo", "user", who)
	return who, nil
}

// waitForSignIn blocks until a sign-in beyond the first seen completes,
// or ctx ends.
func (p *threeLegged) waitForSignIn(ctx context.Context, seen int) error {
	for {
		p.mu.Lock()
		done, ch := p.signIns > seen, p.signedIn
		p.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// remember keeps the tokens of a grant, rotating the refresh token.
func (p *threeLegged) remember(g Grant) {
	p.mu.Lock()
	if g.RefreshToken != "" {
		p.refresh = g.RefreshToken
	}
	t := &userTokens{
		ClientID:     p.settings.Credentials.ClientID,
		Scopes:       p.settings.Scopes,
		AccessToken:  g.AccessToken,
		ExpiresAt:    p.now().Add(g.ExpiresIn),
		RefreshToken: p.refresh,
	}
	p.mu.Unlock()
	if err := p.store.Save(t); err != nil {
		p.settings.Logger.Warn("could not save the signed-in user's tokens", "error", err)
	}
}

// forget drops the user's tokens.
func (p *threeLegged) forget() {
	p.mu.Lock()
	p.refresh = ""
	p.mu.Unlock()
	if err := p.store.Clear(); err != nil {
		p.settings.Logger.Warn("could not clear the token store", "error", err)
	}
}
