package oauthserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/identity"
	"github.com/aps-mcp/aps-mcp/store"
)

// grant is one client's authorization to act for one person at one
// resource; its tokens die with it.
type grant struct {
	ID       string        `json:"id"`
	ClientID string        `json:"client_id"`
	User     identity.User `json:"user"`
	Resource string        `json:"resource"`
	Scopes   []string      `json:"scopes"`
}

// accessRecord is what the store keeps of an MCP access token (under its
// hash).
type accessRecord struct {
	GrantID   string `json:"grant_id"`
	Resource  string `json:"resource"`
	ExpiresAt int64  `json:"expires_at"` // Unix seconds
}

// tokenResponse is the RFC 6749 §5.1 answer.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

// tokenError is a refused token request.
type tokenError struct {
	status      int
	code, descr string
}

func (e *tokenError) Error() string { return e.code + ": " + e.descr }

func invalidGrant(format string, args ...any) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_grant", fmt.Sprintf(format, args...)}
}

// serveToken is the token endpoint: the authorization code grant (with
// PKCE) and the refresh token grant, whose refresh tokens rotate.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	clientID, err := tokenClientID(r)
	var resp tokenResponse
	if err == nil {
		switch gt := r.PostFormValue("grant_type"); gt {
		case "authorization_code":
			resp, err = s.redeemCode(r.Context(), r, clientID)
		case "refresh_token":
			resp, err = s.refresh(r.Context(), r, clientID)
		default:
			err = &tokenError{http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q is not offered (authorization_code, refresh_token)", gt)}
		}
	}
	var te *tokenError
	switch {
	case errors.As(err, &te):
		s.log.Info("token request refused", "error", te.code, "reason", te.descr)
		writeOAuthError(w, te.status, te.code, te.descr)
	case err != nil:
		s.log.Error("token request failed", "error", err)
		writeOAuthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "the server could not reach its store; try again")
	default:
		writeJSON(w, http.StatusOK, resp)
	}
}

// tokenClientID is the public client's id, from the form or from a Basic
// header with an empty password (no client here has a secret), whose user
// name is form-encoded (RFC 6749 §2.3.1).
func tokenClientID(r *http.Request) (string, error) {
	id := r.PostFormValue("client_id")
	if user, pass, ok := r.BasicAuth(); ok {
		if u, err := url.QueryUnescape(user); err == nil {
			user = u
		}
		if pass != "" || (id != "" && id != user) {
			return "", &tokenError{http.StatusUnauthorized, "invalid_client", "clients here are public: send client_id without a secret"}
		}
		id = user
	}
	if id == "" {
		return "", &tokenError{http.StatusUnauthorized, "invalid_client", "client_id is missing"}
	}
	return id, nil
}

// redeemCode trades an authorization code for tokens. A code works once:
// presenting it again revokes what it was traded for (RFC 6749 §4.1.2).
func (s *Server) redeemCode(ctx context.Context, r *http.Request, clientID string) (tokenResponse, error) {
	code := r.PostFormValue("code")
	raw, err := s.takeOnce(ctx, "code", code, "the authorization code is unknown, used or expired")
	if err != nil {
		return tokenResponse{}, err
	}
	var cg codeGrant
	if err := json.Unmarshal(raw, &cg); err != nil {
		return tokenResponse{}, err
	}
	req := cg.Request
	switch {
	case req.ClientID != clientID:
		return tokenResponse{}, invalidGrant("the authorization code was issued to another client")
	case r.PostFormValue("redirect_uri") != req.RedirectURI:
		return tokenResponse{}, invalidGrant("redirect_uri must equal the one of the authorization request")
	case !validVerifier(r.PostFormValue("code_verifier")) || authproviders.PKCEChallenge(r.PostFormValue("code_verifier")) != req.Challenge:
		return tokenResponse{}, invalidGrant("PKCE verification failed: code_verifier does not match the code_challenge")
	case r.PostFormValue("resource") != "" && r.PostFormValue("resource") != req.Resource:
		return tokenResponse{}, &tokenError{http.StatusBadRequest, "invalid_target", "resource differs from the authorization request's"}
	}
	g := grant{ID: authproviders.RandomToken(), ClientID: clientID, User: cg.User, Resource: req.Resource, Scopes: req.Scopes}
	resp, err := s.issue(ctx, g)
	if err == nil {
		err = s.cfg.Store.Put(ctx, hashKey("code-spent:", code), []byte(g.ID), requestTTL)
	}
	return resp, err
}

// takeOnce consumes the single-use token of kind ("code" or "rt") and
// returns what it stands for. A token that was spent before (its
// "<kind>-spent:" marker names the grant it led to) revokes that grant:
// two parties hold it.
func (s *Server) takeOnce(ctx context.Context, kind, token, unknown string) ([]byte, error) {
	raw, err := s.cfg.Store.Take(ctx, hashKey(kind+":", token))
	if !errors.Is(err, store.ErrNotFound) {
		return raw, err
	}
	if gid, err := s.cfg.Store.Get(ctx, hashKey(kind+"-spent:", token)); err == nil {
		s.log.Warn("a single-use token was presented again; revoking what it granted", "kind", kind)
		s.revokeGrant(ctx, string(gid))
	}
	return nil, invalidGrant("%s", unknown)
}

// validVerifier checks the PKCE verifier's form (RFC 7636 §4.1).
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	return strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") == ""
}

// refresh trades a refresh token for new tokens and a new refresh token.
// A refresh token works once: presenting a spent one revokes the grant, as
// it means two parties hold it (OAuth 2.1 §4.3.1).
func (s *Server) refresh(ctx context.Context, r *http.Request, clientID string) (tokenResponse, error) {
	rt := r.PostFormValue("refresh_token")
	gid, err := s.takeOnce(ctx, "rt", rt, "the refresh token is unknown, used, revoked or expired")
	if err != nil {
		return tokenResponse{}, err
	}
	if err := s.cfg.Store.Put(ctx, hashKey("rt-spent:", rt), gid, refreshTokenTTL); err != nil {
		return tokenResponse{}, err
	}
	g, err := s.loadGrant(ctx, string(gid))
	if err != nil {
		return tokenResponse{}, err
	}
	switch {
	case g.ClientID != clientID:
		return tokenResponse{}, invalidGrant("the refresh token was issued to another client")
	case r.PostFormValue("resource") != "" && r.PostFormValue("resource") != g.Resource:
		return tokenResponse{}, &tokenError{http.StatusBadRequest, "invalid_target", "resource differs from the grant's"}
	}
	if sc := r.PostFormValue("scope"); sc != "" {
		if g.Scopes, err = grantedScopes(sc, g.Scopes); err != nil {
			return tokenResponse{}, &tokenError{http.StatusBadRequest, "invalid_scope", err.Error()}
		}
	}
	return s.issue(ctx, g)
}

// loadGrant reads a live grant; a revoked one is invalid_grant.
func (s *Server) loadGrant(ctx context.Context, id string) (grant, error) {
	raw, err := s.cfg.Store.Get(ctx, "grant:"+id)
	if errors.Is(err, store.ErrNotFound) {
		return grant{}, invalidGrant("the grant was revoked")
	}
	if err != nil {
		return grant{}, err
	}
	var g grant
	return g, json.Unmarshal(raw, &g)
}

// issue stores g (renewing its lifetime) and hands out a new access token
// and refresh token for it, keeping only their hashes.
func (s *Server) issue(ctx context.Context, g grant) (tokenResponse, error) {
	raw, _ := json.Marshal(g)
	st := s.cfg.Store
	if err := st.Put(ctx, "grant:"+g.ID, raw, refreshTokenTTL); err != nil {
		return tokenResponse{}, err
	}
	if err := st.SetAdd(ctx, "user-grants:"+g.User.ID, g.ID, refreshTokenTTL); err != nil {
		return tokenResponse{}, err
	}
	access, refresh := authproviders.RandomToken(), authproviders.RandomToken()
	rec, _ := json.Marshal(accessRecord{GrantID: g.ID, Resource: g.Resource, ExpiresAt: s.now().Add(accessTokenTTL).Unix()})
	if err := st.Put(ctx, hashKey("at:", access), rec, accessTokenTTL); err != nil {
		return tokenResponse{}, err
	}
	if err := st.Put(ctx, hashKey("rt:", refresh), []byte(g.ID), refreshTokenTTL); err != nil {
		return tokenResponse{}, err
	}
	s.keepClient(ctx, g.ClientID)
	return tokenResponse{AccessToken: access, TokenType: "Bearer", ExpiresIn: int64(accessTokenTTL.Seconds()),
		RefreshToken: refresh, Scope: strings.Join(g.Scopes, " ")}, nil
}

// revokeGrant ends a grant: its access and refresh tokens stop working.
func (s *Server) revokeGrant(ctx context.Context, id string) {
	g, err := s.loadGrant(ctx, id)
	if err := s.cfg.Store.Delete(ctx, "grant:"+id); err != nil {
		s.log.Warn("revoking a grant failed", "error", err)
	}
	if err == nil {
		_ = s.cfg.Store.SetRemove(ctx, "user-grants:"+g.User.ID, id)
	}
	s.verified.dropGrant(id)
}

// revokeUserGrants ends every grant of a person at a resource ("" = all).
func (s *Server) revokeUserGrants(ctx context.Context, userID, resource string) {
	ids, err := s.cfg.Store.SetMembers(ctx, "user-grants:"+userID)
	if err != nil {
		s.log.Warn("listing a person's grants failed", "error", err)
		return
	}
	for _, id := range ids {
		if g, err := s.loadGrant(ctx, id); err != nil || resource == "" || g.Resource == resource {
			s.revokeGrant(ctx, id)
		}
	}
}

// serveRevoke is RFC 7009 revocation for clients: an access token ends
// alone, a refresh token ends its whole grant. It answers 200 whatever
// the token was, as the RFC asks.
func (s *Server) serveRevoke(w http.ResponseWriter, r *http.Request) {
	clientID, err := tokenClientID(r)
	if err != nil {
		var te *tokenError
		errors.As(err, &te)
		writeOAuthError(w, te.status, te.code, te.descr)
		return
	}
	ctx, tok := r.Context(), r.PostFormValue("token")
	if raw, err := s.cfg.Store.Get(ctx, hashKey("at:", tok)); err == nil {
		var rec accessRecord
		if json.Unmarshal(raw, &rec) == nil {
			if g, err := s.loadGrant(ctx, rec.GrantID); err == nil && g.ClientID == clientID {
				_ = s.cfg.Store.Delete(ctx, hashKey("at:", tok))
				s.verified.drop(tok)
			}
		}
	} else if gid, err := s.cfg.Store.Get(ctx, hashKey("rt:", tok)); err == nil {
		if g, err := s.loadGrant(ctx, string(gid)); err == nil && g.ClientID == clientID {
			s.revokeGrant(ctx, g.ID)
		}
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
}
