package authproviders

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// TokenPath is APS's OAuth 2.0 token endpoint, relative to the base URL.
const TokenPath = "/authentication/v2/token"

// tokenResponse is the token endpoint's success body.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// requestToken posts form to the token endpoint with Basic client auth and
// returns the granted token. It retries like API calls do, except that a
// single-use code or refresh token is only resent after a 429. Errors carry APS's own message and never the
// credentials or the form.
func requestToken(ctx context.Context, s Settings, form map[string]string) (tokenResponse, error) {
	endpoint := strings.TrimRight(s.BaseURL, "/") + TokenPath
	retryable := apshttp.RetryTransient
	if grant := form["grant_type"]; grant == "authorization_code" || grant == "refresh_token" {
		retryable = apshttp.RetryRateLimited // codes and refresh tokens are single use
	}
	resp, _, err := s.retry().Do(ctx, func() (*resty.Response, error) {
		return s.HTTP.R().
			SetContext(ctx).
			SetBasicAuth(s.Credentials.ClientID, s.Credentials.ClientSecret).
			SetHeader("Accept", "application/json").
			SetFormData(form).
			Post(endpoint)
	}, retryable)
	if s.OnTokenFetch != nil {
		var outcome error = err
		if err == nil && !resp.IsSuccess() {
			outcome = fmt.Errorf("status %d", resp.StatusCode())
		}
		s.OnTokenFetch(s.kind, outcome)
	}
	if err != nil {
		return tokenResponse{}, fmt.Errorf("token request to %s: %w", endpoint, err)
	}
	if !resp.IsSuccess() {
		return tokenResponse{}, fmt.Errorf("token request (%s grant) refused: %w", form["grant_type"], apshttp.Refusal(resp))
	}
	var tr tokenResponse
	if err := json.Unmarshal(resp.Body(), &tr); err != nil {
		return tokenResponse{}, fmt.Errorf("token response from %s is not JSON: %w", endpoint, err)
	}
	if tr.AccessToken == "" {
		return tokenResponse{}, fmt.Errorf("token response from %s has no access_token", endpoint)
	}
	if tr.ExpiresIn <= 0 {
		return tokenResponse{}, fmt.Errorf("token response from %s has no positive expires_in", endpoint)
	}
	return tr, nil
}

func (tr tokenResponse) grant() Grant {
	return Grant{AccessToken: tr.AccessToken, RefreshToken: tr.RefreshToken, ExpiresIn: time.Duration(tr.ExpiresIn) * time.Second}
}

func (tr tokenResponse) token() Token { return tr.grant().token() }

func (g Grant) token() Token { return Token{Value: g.AccessToken, ExpiresIn: g.ExpiresIn} }
