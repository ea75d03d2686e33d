package store_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/store"
)

func newKey() (key []byte, b64 string) {
	key = make([]byte, store.KeySize)
	rand.Read(key)
	return key, base64.StdEncoding.EncodeToString(key)
}

func newSealer(t *testing.T) *store.Sealer {
	key, _ := newKey()
	s, err := store.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseKey(t *testing.T) {
	key, b64 := newKey()
	for _, in := range []string{b64, b64 + "\n", "  " + b64 + "\r\n"} {
		got, err := store.ParseKey(in)
		if err != nil || !bytes.Equal(got, key) {
			t.Fatalf("ParseKey(%q) = %x, %v; want %x", in, got, err, key)
		}
	}
}

func TestParseKeyErrors(t *testing.T) {
	_, good := newKey()
	short := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef"))
	long := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("k"), 64))
	urlSafe := strings.NewReplacer("+", "-", "/", "_").Replace(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xfb, 0xff}, 16)))
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty"},
		{"blank", " \n", "empty"},
		{"not base64", "this-is-not-base64!", "not standard base64"},
		{"url-safe alphabet", urlSafe, "not standard base64"},
		{"unpadded", strings.TrimRight(good, "="), "not standard base64"},
		{"hex", strings.Repeat("ab", 32), "decodes to 48 bytes"},
		{"16 bytes", short, "decodes to 16 bytes, want 32"},
		{"64 bytes", long, "decodes to 64 bytes, want 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := store.ParseKey(tt.in)
			if err == nil {
				t.Fatalf("ParseKey(%q) = %x, want an error", tt.in, got)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || !strings.Contains(msg, "openssl rand -base64 32") {
				t.Errorf("error %q should say %q and how to make a key", msg, tt.want)
			}
			if s := strings.TrimSpace(tt.in); len(s) > 4 && strings.Contains(msg, s) {
				t.Errorf("error %q echoes the key", msg)
			}
		})
	}
}

func TestNewSealerKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33} {
		if _, err := store.NewSealer(make([]byte, n)); err == nil {
			t.Errorf("NewSealer accepted a %d-byte key", n)
		}
	}
}

func TestSealRoundTrip(t *testing.T) {
	s := newSealer(t)
	for _, plain := range [][]byte{nil, []byte("x"), []byte(`{"access_token":"a","refresh_token":"r"}`), bytes.Repeat([]byte{0}, 4096)} {
		ad := []byte("aps-token:user-1")
		sealed := s.Seal(plain, ad)
		if len(sealed) != len(plain)+12+16 {
			t.Errorf("sealed %d bytes into %d, want nonce+tag = +28", len(plain), len(sealed))
		}
		// Short plaintexts turn up in random bytes by chance (one byte in
		// 29 random ones: about one run in nine); eight bytes never do.
		if len(plain) >= 8 && bytes.Contains(sealed, plain) {
			t.Errorf("sealed value contains the plaintext")
		}
		got, err := s.Open(sealed, ad)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("Open = %q, %v; want %q", got, err, plain)
		}
	}
	a, b := s.Seal([]byte("same"), nil), s.Seal([]byte("same"), nil)
	if bytes.Equal(a[:12], b[:12]) || bytes.Equal(a, b) {
		t.Fatal("two seals of one value share a nonce")
	}
}

func TestOpenRefuses(t *testing.T) {
	s := newSealer(t)
	ad := []byte("aps-token:user-1")
	sealed := s.Seal([]byte("refresh-token-value"), ad)
	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name   string
		opener *store.Sealer
		sealed []byte
		ad     []byte
	}{
		{"nonce altered", s, flip(0), ad},
		{"ciphertext altered", s, flip(14), ad},
		{"tag altered", s, flip(len(sealed) - 1), ad},
		{"truncated", s, sealed[:len(sealed)-1], ad},
		{"extended", s, append(bytes.Clone(sealed), 0), ad},
		{"shorter than nonce and tag", s, sealed[:27], ad},
		{"empty", s, nil, ad},
		{"wrong key", newSealer(t), sealed, ad},
		{"moved to another record", s, sealed, []byte("aps-token:user-2")},
		{"no additional data", s, sealed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.opener.Open(tt.sealed, tt.ad)
			if err == nil {
				t.Fatalf("Open = %q, want an error", got)
			}
			if strings.Contains(err.Error(), "refresh-token-value") {
				t.Fatalf("error echoes the plaintext: %v", err)
			}
		})
	}
}
