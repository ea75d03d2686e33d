package oauthserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/store"
)

// sealedGrant is a person's APS grant as the store keeps it: sealed with
// the store key, the record's key as additional data, so it can be read
// neither without the key nor from under another key.
type sealedGrant struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// refreshLockTTL bounds how long one replica may hold a person's refresh
// lock (a refresh is one APS request, retries included).
const refreshLockTTL = 90 * time.Second

func apsGrantKey(res Resource, userID string) string { return "aps:" + res.Path + ":" + userID }

// saveAPSGrant keeps a person's APS tokens for res, sealed.
func (s *Server) saveAPSGrant(ctx context.Context, res Resource, userID string, g authproviders.Grant) error {
	key := apsGrantKey(res, userID)
	raw, _ := json.Marshal(sealedGrant{AccessToken: g.AccessToken, RefreshToken: g.RefreshToken, ExpiresAt: s.now().Add(g.ExpiresIn)})
	if err := s.cfg.Store.Put(ctx, key, s.cfg.Sealer.Seal(raw, []byte(key)), apsGrantTTL); err != nil {
		return fmt.Errorf("keeping the APS tokens: %w", err)
	}
	return nil
}

// loadAPSGrant reads a person's APS tokens for res.
func (s *Server) loadAPSGrant(ctx context.Context, res Resource, userID string) (authproviders.Grant, time.Time, error) {
	key := apsGrantKey(res, userID)
	sealed, err := s.cfg.Store.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return authproviders.Grant{}, time.Time{}, authproviders.ErrSignInEnded
	}
	if err != nil {
		return authproviders.Grant{}, time.Time{}, fmt.Errorf("reading the APS tokens: %w", err)
	}
	raw, err := s.cfg.Sealer.Open(sealed, []byte(key))
	if err != nil {
		return authproviders.Grant{}, time.Time{}, fmt.Errorf("the stored APS tokens do not open with APS_MCP_STORE_KEY: %w", err)
	}
	var g sealedGrant
	if err := json.Unmarshal(raw, &g); err != nil {
		return authproviders.Grant{}, time.Time{}, fmt.Errorf("the stored APS tokens do not decode: %w", err)
	}
	return authproviders.Grant{AccessToken: g.AccessToken, RefreshToken: g.RefreshToken, ExpiresIn: g.ExpiresAt.Sub(s.now())}, g.ExpiresAt, nil
}

// revokeAPS revokes an APS grant at APS, refresh token first (which APS
// may take to end the access token too), logging what fails.
func (s *Server) revokeAPS(ctx context.Context, res Resource, g authproviders.Grant) {
	for _, t := range []struct{ token, hint string }{{g.RefreshToken, "refresh_token"}, {g.AccessToken, "access_token"}} {
		if t.token == "" {
			continue
		}
		if err := res.SignIn.Revoke(ctx, t.token, t.hint); err != nil {
			s.log.Warn("revoking an APS token failed", "hint", t.hint, "error", err)
		}
	}
}

// UserGrants is the store of res's people's APS tokens, for the per-user
// provider that makes their tool calls (authproviders.NewPerUser).
func (s *Server) UserGrants(resourcePath string) authproviders.UserGrants {
	for _, res := range s.cfg.Resources {
		if res.Path == resourcePath {
			return userGrants{s: s, res: res}
		}
	}
	return nil
}

// userGrants implements authproviders.UserGrants for one resource.
type userGrants struct {
	s   *Server
	res Resource
}

func (u userGrants) Load(ctx context.Context, userID string) (authproviders.Grant, time.Time, error) {
	return u.s.loadAPSGrant(ctx, u.res, userID)
}

func (u userGrants) Save(ctx context.Context, userID string, g authproviders.Grant) error {
	return u.s.saveAPSGrant(ctx, u.res, userID, g)
}

func (u userGrants) Lock(ctx context.Context, userID string) (func(), error) {
	unlock, err := u.s.cfg.Store.Lock(ctx, "refresh:"+apsGrantKey(u.res, userID), refreshLockTTL)
	if err != nil {
		return nil, err
	}
	return func() { _ = unlock(context.WithoutCancel(ctx)) }, nil
}

// Forget ends the person's sign-in for every client once APS refused
// their refresh token: their MCP tokens stop working, so their clients
// ask them to sign in again.
func (u userGrants) Forget(ctx context.Context, userID string) {
	u.s.log.Info("APS ended a sign-in; the person must sign in again", "user_id", userID)
	if err := u.s.cfg.Store.Delete(ctx, apsGrantKey(u.res, userID)); err != nil {
		u.s.log.Warn("dropping the refused APS tokens failed", "error", err)
	}
	u.s.revokeUserGrants(ctx, userID, u.s.ResourceURL(u.res.Path))
}
