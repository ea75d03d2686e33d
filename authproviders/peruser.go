package authproviders

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aps-mcp/aps-mcp/identity"
)

// UserGrants is where a team server keeps each signed-in person's APS
// tokens, shared by every replica.
type UserGrants interface {
	// Load returns the person's APS grant and when its access token
	// expires; ErrSignInEnded when there is none.
	Load(ctx context.Context, userID string) (Grant, time.Time, error)
	// Save replaces the person's grant (after a refresh rotated it).
	Save(ctx context.Context, userID string, g Grant) error
	// Lock serialises refreshes of one person's grant across replicas:
	// APS refresh tokens are single use.
	Lock(ctx context.Context, userID string) (unlock func(), err error)
	// Forget drops the person's grant and sign-in once APS refused it.
	Forget(ctx context.Context, userID string)
}

// maxUserCaches bounds the people whose tokens one replica caches; past
// it the cache starts again (tokens are only read back from UserGrants).
const maxUserCaches = 10000

// PerUser hands out the APS token of whoever the request's context names
// (identity.From): the team server's mode of 3lo, where each person acts
// as themselves. Each person's token is cached in process and refreshed
// once, under the person's lock, when it expires or APS rejects it.
type PerUser struct {
	signIn *SignIn
	grants UserGrants
	now    func() time.Time

	mu    sync.Mutex
	users map[string]*userToken
	owner map[string]string // access token → user, for Invalidate
}

// userToken is one person's cached token.
type userToken struct {
	cache *tokenCache
	mu    sync.Mutex
	bad   string // the access token APS last rejected
}

// NewPerUser returns the provider that acts for each signed-in person with
// their own APS tokens, refreshed through signIn.
func NewPerUser(signIn *SignIn, grants UserGrants) *PerUser {
	return &PerUser{signIn: signIn, grants: grants, now: time.Now, users: map[string]*userToken{}, owner: map[string]string{}}
}

// Token implements Provider for the person in ctx.
func (p *PerUser) Token(ctx context.Context) (string, error) {
	u, ok := identity.From(ctx)
	if !ok {
		return "", errors.New("no signed-in person in the request; the team server's sign-in must come first")
	}
	ut := p.user(u.ID)
	tok, err := ut.cache.Get(ctx)
	if err == nil {
		p.mu.Lock()
		if len(p.owner) >= maxUserCaches {
			clear(p.owner)
		}
		p.owner[tok] = u.ID
		p.mu.Unlock()
	}
	return tok, err
}

// Invalidate implements Provider: APS rejected token, so its owner's next
// call reads the shared grant again and refreshes it unless another
// replica already did.
func (p *PerUser) Invalidate(token string) {
	p.mu.Lock()
	uid, ok := p.owner[token]
	ut := p.users[uid]
	p.mu.Unlock()
	if !ok || ut == nil {
		return
	}
	ut.mu.Lock()
	ut.bad = token
	ut.mu.Unlock()
	ut.cache.Invalidate(token)
}

// Forget drops what this replica caches of a person (they signed out).
func (p *PerUser) Forget(userID string) {
	p.mu.Lock()
	delete(p.users, userID)
	p.mu.Unlock()
}

func (p *PerUser) user(id string) *userToken {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ut, ok := p.users[id]; ok {
		return ut
	}
	if len(p.users) >= maxUserCaches {
		clear(p.users)
	}
	ut := &userToken{}
	ut.cache = newTokenCache(func(ctx context.Context) (Token, error) { return p.fetch(ctx, id, ut) })
	p.users[id] = ut
	return ut
}

// fetch returns the person's usable access token: the shared one if it is
// still good, else one refreshed under their lock (after looking again, as
// another replica may have refreshed meanwhile).
func (p *PerUser) fetch(ctx context.Context, userID string, ut *userToken) (Token, error) {
	ut.mu.Lock()
	bad := ut.bad
	ut.mu.Unlock()
	if tok, ok, err := p.usable(ctx, userID, bad); ok || err != nil {
		return tok, err
	}
	unlock, err := p.grants.Lock(ctx, userID)
	if err != nil {
		return Token{}, fmt.Errorf("waiting for another refresh of the same person: %w", err)
	}
	defer unlock()
	if tok, ok, err := p.usable(ctx, userID, bad); ok || err != nil {
		return tok, err
	}
	g, _, err := p.grants.Load(ctx, userID)
	if err != nil {
		return Token{}, err
	}
	fresh, err := p.signIn.Refresh(ctx, g.RefreshToken)
	if errors.Is(err, ErrSignInEnded) {
		p.grants.Forget(context.WithoutCancel(ctx), userID)
		return Token{}, err
	}
	if err != nil {
		return Token{}, err
	}
	if fresh.RefreshToken == "" {
		fresh.RefreshToken = g.RefreshToken
	}
	if err := p.grants.Save(ctx, userID, fresh); err != nil {
		return Token{}, fmt.Errorf("keeping the refreshed APS tokens: %w", err)
	}
	return fresh.token(), nil
}

// usable returns the shared token when it is neither rejected nor due for
// renewal.
func (p *PerUser) usable(ctx context.Context, userID, bad string) (Token, bool, error) {
	g, expires, err := p.grants.Load(ctx, userID)
	if err != nil {
		return Token{}, false, err
	}
	left := expires.Sub(p.now())
	if g.AccessToken == "" || g.AccessToken == bad || left <= renewMargin(time.Hour) {
		return Token{}, false, nil
	}
	return Token{Value: g.AccessToken, ExpiresIn: left}, true, nil
}
