package authproviders

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// JWTBearerGrant is the OAuth grant type of the SSA assertion exchange.
const JWTBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// assertionLifetime keeps exp inside APS's five-minute limit with room for
// clock skew between this machine and APS.
const assertionLifetime = 4 * time.Minute

// howToKey tells the user how to produce the key variables.
const howToKey = "APS_SSA_KEY_BASE64 is the base64 of the PEM private key that create-service-account-key returned " +
	"(Linux: base64 -w0 key.pem; macOS: base64 -i key.pem; PowerShell: [Convert]::ToBase64String([IO.File]::ReadAllBytes('key.pem'))), " +
	"or set APS_SSA_KEY_FILE to the PEM file's path"

func init() {
	Register(Kind{
		Name:        "ssa",
		Description: "Secure Service Account: a signed JWT assertion is exchanged for a user-context token",
		Env: withAppCredentials(
			EnvVar{Name: "APS_SSA_ID", Meaning: "the Secure Service Account's id", Required: true, Placeholder: "<APS_SSA_ID>"},
			EnvVar{Name: "APS_SSA_KEY_ID", Meaning: "the id of the service account's key", Required: true, Placeholder: "<APS_SSA_KEY_ID>"},
			EnvVar{Name: "APS_SSA_KEY_BASE64", Meaning: "base64 of the service account's PEM private key, or", Secret: true},
			EnvVar{Name: "APS_SSA_KEY_FILE", Meaning: "the path of that PEM file", Placeholder: "<path of the service account's PEM key>"},
		),
		Emulate: emulateSSA,
		New:     newSSA,
	})
}

// emulatorServiceAccount is the service account the emulator gets.
const emulatorServiceAccount = "apsemu-demo-service-account"

// emulateSSA generates a key pair, registers its public half with the
// emulator and returns the variables that sign assertions with it.
func emulateSSA(host EmulatorHost) (map[string]string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating the emulator's service account key: %w", err)
	}
	const keyID = "apsemu-demo-key"
	host.AddServiceAccount(emulatorServiceAccount, keyID, &key.PublicKey)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	return map[string]string{
		"APS_SSA_ID":         emulatorServiceAccount,
		"APS_SSA_KEY_ID":     keyID,
		"APS_SSA_KEY_BASE64": base64.StdEncoding.EncodeToString(pemKey),
	}, nil
}

// ssa obtains service-account tokens with the JWT-bearer grant. There is
// no refresh token: a new assertion is signed for every exchange.
type ssa struct {
	settings  Settings
	accountID string
	keyID     string
	key       *rsa.PrivateKey
	cache     *tokenCache
	now       func() time.Time
}

func newSSA(s Settings) (Provider, error) {
	key, err := LoadSSAKey(s.Env, s.Logger.Warn)
	if err != nil {
		return nil, err
	}
	p := &ssa{
		settings:  s,
		accountID: s.Env("APS_SSA_ID"),
		keyID:     s.Env("APS_SSA_KEY_ID"),
		key:       key,
		now:       time.Now,
	}
	p.cache = newTokenCache(p.fetch)
	return p, nil
}

// LoadSSAKey reads the service account's RSA private key from
// APS_SSA_KEY_BASE64 or APS_SSA_KEY_FILE, with errors that say which
// variable is wrong and how to produce it. warn is told when the key file
// can be read by other users.
func LoadSSAKey(env func(string) string, warn func(msg string, args ...any)) (*rsa.PrivateKey, error) {
	b64, file := strings.TrimSpace(env("APS_SSA_KEY_BASE64")), env("APS_SSA_KEY_FILE")
	var pemBytes []byte
	var source string
	switch {
	case b64 != "" && file != "":
		return nil, errors.New("both APS_SSA_KEY_BASE64 and APS_SSA_KEY_FILE are set; set only one")
	case b64 != "":
		source = "APS_SSA_KEY_BASE64"
		var err error
		pemBytes, err = base64.StdEncoding.DecodeString(b64)
		if err != nil {
			if pemBytes, err = base64.RawStdEncoding.DecodeString(b64); err != nil {
				return nil, fmt.Errorf("APS_SSA_KEY_BASE64 is not valid base64 (%v); %s", err, howToKey)
			}
		}
	case file != "":
		source = "APS_SSA_KEY_FILE (" + file + ")"
		info, err := os.Stat(file)
		if err != nil {
			return nil, fmt.Errorf("APS_SSA_KEY_FILE: %w", err)
		}
		if info.Mode().Perm()&0o077 != 0 && warn != nil {
			warn("the SSA key file can be read by other users; restrict it with chmod 600", "file", file, "mode", info.Mode().Perm().String())
		}
		if pemBytes, err = os.ReadFile(file); err != nil {
			return nil, fmt.Errorf("APS_SSA_KEY_FILE: %w", err)
		}
	default:
		return nil, errors.New("the ssa auth kind needs the service account's private key: " + howToKey)
	}
	return parseRSAKey(source, pemBytes)
}

func parseRSAKey(source string, pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, fmt.Errorf("%s does not hold a PEM block (want -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----); %s", source, howToKey)
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: the PKCS#1 RSA key does not parse: %v", source, err)
		}
		return key, nil
	case "PRIVATE KEY":
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: the PKCS#8 key does not parse: %v", source, err)
		}
		key, ok := parsed.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%s holds a %T key; SSA keys are RSA (create-service-account-key returns RSA 2048)", source, parsed)
		}
		return key, nil
	case "ENCRYPTED PRIVATE KEY":
		return nil, fmt.Errorf("%s holds an encrypted key; decrypt it first (openssl pkey -in key.pem -out plain.pem)", source)
	}
	return nil, fmt.Errorf("%s holds a PEM %q block, not an RSA private key; SSA keys are RSA (create-service-account-key returns RSA 2048)", source, block.Type)
}

// Assertion signs the JWT that APS exchanges for a service-account token:
// RS256 with the key id in the header; iss, sub, aud, exp and scope (a JSON
// array) as the SSA documentation lists them.
func (p *ssa) assertion() (string, error) {
	tokenURL := strings.TrimRight(p.settings.BaseURL, "/") + TokenPath
	claims := jwt.MapClaims{
		"iss":   p.settings.Credentials.ClientID,
		"sub":   p.accountID,
		"aud":   tokenURL,
		"exp":   p.now().Add(assertionLifetime).Unix(),
		"scope": p.settings.Scopes,
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = p.keyID
	signed, err := tok.SignedString(p.key)
	if err != nil {
		return "", fmt.Errorf("signing the SSA assertion: %w", err)
	}
	return signed, nil
}

func (p *ssa) fetch(ctx context.Context) (Token, error) {
	assertion, err := p.assertion()
	if err != nil {
		return Token{}, err
	}
	tr, err := requestToken(ctx, p.settings, map[string]string{
		"grant_type": JWTBearerGrant,
		"assertion":  assertion,
	})
	if err != nil {
		return Token{}, err
	}
	p.settings.Logger.Debug("token fetched", "kind", "ssa", "expires_in", tr.ExpiresIn)
	return tr.token(), nil
}

// Token implements Provider.
func (p *ssa) Token(ctx context.Context) (string, error) { return p.cache.Get(ctx) }

// Invalidate implements Provider.
func (p *ssa) Invalidate(token string) { p.cache.Invalidate(token) }
