package apsemu

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
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

// registered are the registered claims of an access token, for jwt.
func (c accessClaims) registered() jwt.RegisteredClaims {
	return jwt.RegisteredClaims{Issuer: c.Issuer, Audience: jwt.ClaimStrings{c.Audience}, ExpiresAt: jwt.NewNumericDate(time.Unix(c.Expiry, 0))}
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

// registered are the registered claims of an ID token, for jwt.
func (c idClaims) registered() jwt.RegisteredClaims {
	return jwt.RegisteredClaims{
		Issuer:    c.Issuer,
		Subject:   c.Subject,
		Audience:  jwt.ClaimStrings{c.Audience},
		ExpiresAt: jwt.NewNumericDate(time.Unix(c.Expiry, 0)),
		IssuedAt:  jwt.NewNumericDate(time.Unix(c.IssuedAt, 0)),
	}
}

// payload is a token's claim set: a struct whose members keep their
// order on the wire, and the registered claims among them.
type payload interface {
	registered() jwt.RegisteredClaims
}

// orderedClaims gives jwt a payload: the registered claims answer jwt's
// getters, while the token carries the payload as its struct marshals.
type orderedClaims struct {
	jwt.RegisteredClaims
	payload payload
}

// MarshalJSON encodes the payload alone, in its own member order.
func (c orderedClaims) MarshalJSON() ([]byte, error) {
	return json.Marshal(c.payload)
}

// sign returns claims as a compact RS256 JWT. The header carries only alg and
// kid, as in the documented APS token (no "typ").
func (k *signingKey) sign(claims payload) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, orderedClaims{RegisteredClaims: claims.registered(), payload: claims})
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
func (e *Emulator) handleKeys(w http.ResponseWriter, _ *call) {
	writeJSON(w, http.StatusOK, contentTypeJSON, e.signer.publicJWKS())
}
