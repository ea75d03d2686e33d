package apsemu

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// keysPath serves the JWKS that verifies the emulator's access tokens.
const keysPath = "/authentication/v2/keys"

// signingKey is the per-emulator RSA key access and ID tokens are signed with.
type signingKey struct {
	key *rsa.PrivateKey
	kid string
}

// jwk is one RSA public key in JWKS form (RFC 7517), fields in APS's order.
type jwk struct {
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// jwks is the body of GET /authentication/v2/keys.
type jwks struct {
	Keys []jwk `json:"keys"`
}

// newSigningKey derives a stable kid from the public modulus; APS kids are
// 32 opaque URL-safe characters, which a truncated base64url SHA-256 mimics.
func newSigningKey(key *rsa.PrivateKey) *signingKey {
	sum := sha256.Sum256(key.N.Bytes())
	return &signingKey{key: key, kid: base64.RawURLEncoding.EncodeToString(sum[:])[:32]}
}

// accessClaims is the payload of an APS access token, fields in the order of
// the documented example (NOTES §2.5). scope is a JSON array here, unlike
// the space-separated string used everywhere else on the wire. userid is
// present only in user-context (3LO) tokens.
type accessClaims struct {
	Scope    []string `json:"scope"`
	ClientID string   `json:"client_id"`
	Issuer   string   `json:"iss"`
	Audience string   `json:"aud"`
	ID       string   `json:"jti"`
	UserID   string   `json:"userid,omitempty"`
	Expiry   int64    `json:"exp"`
}

// The jwt.Claims methods; only the registered claims APS sends are non-empty.

func (c accessClaims) GetExpirationTime() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.Expiry, 0)), nil
}
func (c accessClaims) GetIssuedAt() (*jwt.NumericDate, error)  { return nil, nil }
func (c accessClaims) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }
func (c accessClaims) GetIssuer() (string, error)              { return c.Issuer, nil }
func (c accessClaims) GetSubject() (string, error)             { return "", nil }
func (c accessClaims) GetAudience() (jwt.ClaimStrings, error) {
	return jwt.ClaimStrings{c.Audience}, nil
}

// idClaims is the payload of an OpenID Connect ID token: the claims OIDC
// Core §2 requires, plus nonce when the authorization request sent one.
// APS's ID tokens carry more (NOTES gives no example); these suffice for a
// client that validates the token.
type idClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	Expiry   int64  `json:"exp"`
	IssuedAt int64  `json:"iat"`
	Nonce    string `json:"nonce,omitempty"`
}

func (c idClaims) GetExpirationTime() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.Expiry, 0)), nil
}
func (c idClaims) GetIssuedAt() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.IssuedAt, 0)), nil
}
func (c idClaims) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }
func (c idClaims) GetIssuer() (string, error)              { return c.Issuer, nil }
func (c idClaims) GetSubject() (string, error)             { return c.Subject, nil }
func (c idClaims) GetAudience() (jwt.ClaimStrings, error) {
	return jwt.ClaimStrings{c.Audience}, nil
}

// sign returns claims as a compact RS256 JWT. The header carries only alg and
// kid, as in the documented APS token (no "typ").
func (k *signingKey) sign(claims jwt.Claims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header = map[string]any{"alg": jwt.SigningMethodRS256.Alg(), "kid": k.kid}
	return t.SignedString(k.key)
}

// publicJWKS returns the key set clients use to verify access tokens locally.
func (k *signingKey) publicJWKS() jwks {
	pub := k.key.PublicKey
	return jwks{Keys: []jwk{{
		Kid: k.kid,
		Kty: "RSA",
		Use: "sig",
		N:   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

// handleKeys serves GET /authentication/v2/keys; it needs no credentials.
func (e *Emulator) handleKeys(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		setAllow(w, http.MethodGet)
		writeOAuthError(w, &oauthError{status: http.StatusMethodNotAllowed, Code: "invalid_request",
			Description: "The keys endpoint only accepts GET requests."})
		return
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, e.signer.publicJWKS())
}
