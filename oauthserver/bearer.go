package oauthserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aps-mcp/aps-mcp/identity"
	"github.com/aps-mcp/aps-mcp/store"
)

// Protect lets through only requests whose bearer token this server
// issued for the resource at resourcePath, with the person it acts for in
// the request's context (identity.From). Anything else gets 401 naming
// the resource's metadata, which is how a client discovers the rest.
func (s *Server) Protect(resourcePath string, next http.Handler) http.Handler {
	var res Resource
	for _, r := range s.cfg.Resources {
		if r.Path == resourcePath {
			res = r
		}
	}
	resourceURL := s.ResourceURL(res.Path)
	challenge := fmt.Sprintf(`Bearer resource_metadata=%q, scope=%q`, s.resourceMetadataURL(res), strings.Join(res.Scopes, " "))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", challenge)
			http.Error(w, "Unauthorized: sign in through this server's OAuth authorization server", http.StatusUnauthorized)
			return
		}
		user, err := s.verify(r.Context(), token, resourceURL)
		if err != nil {
			var bad *badToken
			if !errors.As(err, &bad) {
				s.log.Error("checking a bearer token failed", "error", err)
				http.Error(w, "Service Unavailable: the token store cannot be reached", http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("WWW-Authenticate", challenge+`, error="invalid_token", error_description="`+bad.reason+`"`)
			http.Error(w, "Unauthorized: "+bad.reason, http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(identity.With(r.Context(), user)))
	})
}

func bearerToken(r *http.Request) (string, bool) {
	auth := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(auth) <= len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return "", false
	}
	return strings.TrimSpace(auth[len(prefix):]), true
}

// badToken is a bearer token that is not (or no longer) good here.
type badToken struct{ reason string }

func (e *badToken) Error() string { return e.reason }

// verify returns the person a token acts for if this server issued it for
// resource and neither it nor its grant has ended.
func (s *Server) verify(ctx context.Context, token, resource string) (identity.User, error) {
	now := s.now()
	if v, ok := s.verified.get(token, now); ok {
		if v.resource != resource {
			return identity.User{}, &badToken{"the token was issued for another resource"}
		}
		return v.user, nil
	}
	raw, err := s.cfg.Store.Get(ctx, hashKey("at:", token))
	if errors.Is(err, store.ErrNotFound) {
		return identity.User{}, &badToken{"the token is unknown, expired or revoked"}
	}
	if err != nil {
		return identity.User{}, err
	}
	var rec accessRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return identity.User{}, err
	}
	expires := time.Unix(rec.ExpiresAt, 0)
	if !now.Before(expires) {
		return identity.User{}, &badToken{"the token has expired"}
	}
	if rec.Resource != resource {
		return identity.User{}, &badToken{"the token was issued for another resource"}
	}
	g, err := s.loadGrant(ctx, rec.GrantID)
	var te *tokenError
	if errors.As(err, &te) {
		return identity.User{}, &badToken{"the token was revoked"}
	}
	if err != nil {
		return identity.User{}, err
	}
	until := now.Add(verifiedTTL)
	if expires.Before(until) {
		until = expires
	}
	s.verified.put(token, verifiedToken{user: g.User, resource: rec.Resource, grantID: g.ID, until: until}, now)
	return g.User, nil
}

// verifiedTTL is how long a replica trusts a token it checked without
// asking the store again: a revocation on another replica takes at most
// this long to reach it.
const verifiedTTL = 10 * time.Second

// maxVerified bounds the tokens one replica remembers.
const maxVerified = 10000

// verifiedCache remembers recently checked tokens, by their hash.
type verifiedCache struct {
	mu      sync.Mutex
	entries map[string]verifiedToken
}

type verifiedToken struct {
	user     identity.User
	resource string
	grantID  string
	until    time.Time
}

func newVerifiedCache() *verifiedCache { return &verifiedCache{entries: map[string]verifiedToken{}} }

func (c *verifiedCache) get(token string, now time.Time) (verifiedToken, bool) {
	key := hashKey("", token)
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[key]
	if ok && !now.Before(v.until) {
		delete(c.entries, key)
		return verifiedToken{}, false
	}
	return v, ok
}

func (c *verifiedCache) put(token string, v verifiedToken, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxVerified {
		for k, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxVerified {
			clear(c.entries)
		}
	}
	c.entries[hashKey("", token)] = v
}

func (c *verifiedCache) drop(token string) {
	c.mu.Lock()
	delete(c.entries, hashKey("", token))
	c.mu.Unlock()
}

func (c *verifiedCache) dropGrant(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range c.entries {
		if v.grantID == id {
			delete(c.entries, k)
		}
	}
}
