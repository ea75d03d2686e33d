package authproviders

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// AuthorizePath is APS's OAuth 2.0 authorization endpoint.
const AuthorizePath = "/authentication/v2/authorize"

// RevokePath is APS's OAuth 2.0 token revocation endpoint.
const RevokePath = "/authentication/v2/revoke"

// UserInfoPath is APS's OIDC userinfo endpoint on the API host.
const UserInfoPath = "/userinfo"

// ErrSignInEnded is what Refresh returns when APS refuses the refresh token
// (used, expired or revoked): only a new sign-in helps.
var ErrSignInEnded = errors.New("the Autodesk sign-in has ended; sign in again")

// SignIn is APS's side of a person signing in: the authorization URL, the
// code exchange, refresh, revocation and the person's profile. The
// single-user 3lo provider and the team server's login both use it.
type SignIn struct {
	settings    Settings
	redirectURI string
}

// NewSignIn returns the sign-in of the application in s (its credentials,
// scopes and HTTP client) with APS's browser redirect to redirectURI.
func NewSignIn(s Settings, redirectURI string) *SignIn {
	return &SignIn{settings: withDefaults(s), redirectURI: redirectURI}
}

// RedirectURI is the callback APS sends the browser back to.
func (s *SignIn) RedirectURI() string { return s.redirectURI }

// Grant is what APS hands out for a sign-in or a refresh.
type Grant struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    time.Duration
}

// AuthorizeURL is the APS page that signs the person in and sends the
// browser back with a code and state; the code is bound to verifier's
// S256 challenge.
func (s *SignIn) AuthorizeURL(state, verifier string) string {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {s.settings.Credentials.ClientID},
		"redirect_uri":          {s.redirectURI},
		"scope":                 {strings.Join(s.settings.Scopes, " ")},
		"state":                 {state},
		"code_challenge":        {PKCEChallenge(verifier)},
		"code_challenge_method": {"S256"},
	}
	return strings.TrimRight(s.settings.BaseURL, "/") + AuthorizePath + "?" + q.Encode()
}

// Exchange trades the code APS sent to the callback for the person's tokens.
func (s *SignIn) Exchange(ctx context.Context, code, verifier string) (Grant, error) {
	tr, err := requestToken(ctx, s.settings, map[string]string{
		"grant_type":    "authorization_code",
		"code":          code,
		"redirect_uri":  s.redirectURI,
		"code_verifier": verifier,
	})
	return tr.grant(), err
}

// Refresh trades a refresh token for new tokens; APS rotates the refresh
// token, so the one returned replaces it. A refused refresh token is
// ErrSignInEnded (wrapping APS's error).
func (s *SignIn) Refresh(ctx context.Context, refreshToken string) (Grant, error) {
	tr, err := requestToken(ctx, s.settings, map[string]string{
		"grant_type":    "refresh_token",
		"refresh_token": refreshToken,
		"scope":         strings.Join(s.settings.Scopes, " "),
	})
	var se *apshttp.StatusError
	if errors.As(err, &se) && se.Code == "invalid_grant" {
		return Grant{}, fmt.Errorf("%w (%w)", ErrSignInEnded, err)
	}
	return tr.grant(), err
}

// Revoke asks APS to revoke token, an access_token or refresh_token as
// hint says (RFC 7009); APS answers 200 for tokens it does not know.
func (s *SignIn) Revoke(ctx context.Context, token, hint string) error {
	endpoint := strings.TrimRight(s.settings.BaseURL, "/") + RevokePath
	resp, _, err := s.settings.retry().Do(ctx, func() (*resty.Response, error) {
		return s.settings.HTTP.R().
			SetContext(ctx).
			SetBasicAuth(s.settings.Credentials.ClientID, s.settings.Credentials.ClientSecret).
			SetFormData(map[string]string{"token": token, "token_type_hint": hint}).
			Post(endpoint)
	}, apshttp.RetryTransient) // revoking twice does no harm
	if err != nil {
		return fmt.Errorf("revoking at %s: %w", endpoint, err)
	}
	if !resp.IsSuccess() {
		return fmt.Errorf("revoking at %s refused: %w", endpoint, apshttp.Refusal(resp))
	}
	return nil
}

// Profile is who a user-context token acts for, from APS's userinfo.
type Profile struct {
	ID            string `json:"sub"`
	Name          string `json:"name"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
}

// Profile reads the signed-in person's profile with their access token.
func (s *SignIn) Profile(ctx context.Context, accessToken string) (Profile, error) {
	endpoint := strings.TrimRight(s.settings.BaseURL, "/") + UserInfoPath
	resp, _, err := s.settings.retry().Do(ctx, func() (*resty.Response, error) {
		return s.settings.HTTP.R().SetContext(ctx).SetAuthToken(accessToken).
			SetHeader("Accept", "application/json").Get(endpoint)
	}, apshttp.RetryTransient)
	if err != nil {
		return Profile{}, fmt.Errorf("reading the user profile: %w", err)
	}
	if resp.StatusCode() != http.StatusOK {
		return Profile{}, fmt.Errorf("reading the user profile: %w", apshttp.Refusal(resp))
	}
	var p Profile
	if err := json.Unmarshal(resp.Body(), &p); err != nil || p.ID == "" {
		return Profile{}, fmt.Errorf("the user profile from %s has no sub", endpoint)
	}
	return p, nil
}

// PKCEChallenge is the S256 code challenge of verifier (RFC 7636 §4.2).
func PKCEChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// RandomToken is 32 random bytes, base64url: a state, a PKCE verifier or
// an opaque token (43 characters, within every alphabet these use).
func RandomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}
