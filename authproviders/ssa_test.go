package authproviders

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	testKeyOnce sync.Once
	testKey     *rsa.PrivateKey
)

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	testKeyOnce.Do(func() {
		var err error
		if testKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return testKey
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// TestLoadSSAKey: every kind of broken key material stops start-up with a
// message naming the variable and how to fix it; good keys load.
func TestLoadSSAKey(t *testing.T) {
	key := rsaKey(t)
	pkcs1 := pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))
	pkcs8der, _ := x509.MarshalPKCS8PrivateKey(key)
	pkcs8 := pemOf("PRIVATE KEY", pkcs8der)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecder, _ := x509.MarshalPKCS8PrivateKey(ec)

	dir := t.TempDir()
	goodFile := filepath.Join(dir, "key.pem")
	openFile := filepath.Join(dir, "open.pem")
	if err := os.WriteFile(goodFile, pkcs8, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(openFile, pkcs1, 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		env      map[string]string
		wantErr  []string
		wantWarn bool
	}{
		{name: "PKCS#1 in base64", env: map[string]string{"APS_SSA_KEY_BASE64": b64(pkcs1)}},
		{name: "PKCS#8 in base64, no padding, surrounding space", env: map[string]string{"APS_SSA_KEY_BASE64": " " + strings.TrimRight(b64(pkcs8), "=") + "\n"}},
		{name: "file", env: map[string]string{"APS_SSA_KEY_FILE": goodFile}},
		{name: "file readable by others", env: map[string]string{"APS_SSA_KEY_FILE": openFile}, wantWarn: true},
		{name: "missing", env: nil, wantErr: []string{"APS_SSA_KEY_BASE64", "APS_SSA_KEY_FILE", "base64 -w0 key.pem", "PowerShell"}},
		{name: "both", env: map[string]string{"APS_SSA_KEY_BASE64": b64(pkcs1), "APS_SSA_KEY_FILE": goodFile}, wantErr: []string{"set only one"}},
		{name: "bad base64", env: map[string]string{"APS_SSA_KEY_BASE64": "not*base64!"}, wantErr: []string{"APS_SSA_KEY_BASE64 is not valid base64", "base64 -w0"}},
		{name: "base64 of the PEM's base64 (pasted twice)", env: map[string]string{"APS_SSA_KEY_BASE64": b64([]byte(b64(pkcs1)))}, wantErr: []string{"does not hold a PEM block"}},
		{name: "not PEM", env: map[string]string{"APS_SSA_KEY_BASE64": b64([]byte("hello"))}, wantErr: []string{"APS_SSA_KEY_BASE64 does not hold a PEM block"}},
		{name: "EC key", env: map[string]string{"APS_SSA_KEY_BASE64": b64(pemOf("PRIVATE KEY", ecder))}, wantErr: []string{"ecdsa", "SSA keys are RSA"}},
		{name: "public key", env: map[string]string{"APS_SSA_KEY_BASE64": b64(pemOf("PUBLIC KEY", []byte{1, 2}))}, wantErr: []string{`PEM "PUBLIC KEY" block, not an RSA private key`}},
		{name: "encrypted", env: map[string]string{"APS_SSA_KEY_BASE64": b64(pemOf("ENCRYPTED PRIVATE KEY", []byte{1}))}, wantErr: []string{"encrypted key"}},
		{name: "corrupt PKCS#1", env: map[string]string{"APS_SSA_KEY_BASE64": b64(pemOf("RSA PRIVATE KEY", []byte{1, 2, 3}))}, wantErr: []string{"PKCS#1 RSA key does not parse"}},
		{name: "missing file", env: map[string]string{"APS_SSA_KEY_FILE": filepath.Join(dir, "nope.pem")}, wantErr: []string{"APS_SSA_KEY_FILE", "no such file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			warned := false
			got, err := LoadSSAKey(func(k string) string { return tc.env[k] }, func(string, ...any) { warned = true })
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if !got.Equal(key) {
					t.Error("loaded a different key")
				}
			} else {
				if err == nil {
					t.Fatal("want an error")
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
			}
			if warned != tc.wantWarn {
				t.Errorf("warned = %v, want %v", warned, tc.wantWarn)
			}
		})
	}
}

// TestSSAAssertion checks the signed assertion against the SSA rules.
func TestSSAAssertion(t *testing.T) {
	key := rsaKey(t)
	env := map[string]string{
		"APS_SSA_ID": "SERVICEACCT1", "APS_SSA_KEY_ID": "kid-1",
		"APS_SSA_KEY_BASE64": b64(pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))),
	}
	prov, err := New("ssa", Settings{
		BaseURL: "https://developer.api.autodesk.com/", Scopes: []string{"data:read", "data:write"},
		Credentials: Credentials{ClientID: "client-1", ClientSecret: "s"},
		Env:         func(k string) string { return env[k] },
	})
	if err != nil {
		t.Fatal(err)
	}
	p := prov.(*ssa)
	now := time.Unix(1_800_000_000, 0)
	p.now = func() time.Time { return now }
	signed, err := p.assertion()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := jwt.Parse(signed, func(tok *jwt.Token) (any, error) { return &key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		t.Fatalf("assertion does not verify: %v", err)
	}
	if parsed.Header["kid"] != "kid-1" || parsed.Header["alg"] != "RS256" {
		t.Errorf("header = %v", parsed.Header)
	}
	c := parsed.Claims.(jwt.MapClaims)
	if c["iss"] != "client-1" || c["sub"] != "SERVICEACCT1" || c["aud"] != "https://developer.api.autodesk.com/authentication/v2/token" {
		t.Errorf("claims = %v", c)
	}
	exp, _ := c.GetExpirationTime()
	if ahead := exp.Sub(now); ahead <= 0 || ahead > 5*time.Minute {
		t.Errorf("exp is %v ahead, want within (0, 5m]", ahead)
	}
	scope, ok := c["scope"].([]any)
	if !ok || len(scope) != 2 || scope[0] != "data:read" || scope[1] != "data:write" {
		t.Errorf("scope = %#v, want a JSON array of the profile's scopes", c["scope"])
	}
}
