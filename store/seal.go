package store

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length in bytes of a sealing key: AES-256.
const KeySize = 32

// makeKey tells the operator how to produce a valid key.
const makeKey = "make one with: openssl rand -base64 32"

// ParseKey decodes a sealing key given as standard base64, as
// `openssl rand -base64 32` prints it; surrounding white space is ignored. Its
// errors say what is wrong and how to make a key, and never echo the value; the
// caller prefixes them with the variable's name (APS_MCP_STORE_KEY).
func ParseKey(b64 string) ([]byte, error) {
	s := strings.TrimSpace(b64)
	if s == "" {
		return nil, errors.New("key is empty; " + makeKey)
	}
	key, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("key is not standard base64 (%d characters; want 44 of A-Z a-z 0-9 + / ending in =): %w; %s",
			len(s), err, makeKey)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("key decodes to %d bytes, want %d; %s", len(key), KeySize, makeKey)
	}
	return key, nil
}

// Sealer encrypts values at rest with AES-256-GCM and a random 12-byte nonce per
// value. It is safe for concurrent use. Random nonces limit one key to about 2^32
// seals, far beyond what the team server writes between key rotations.
type Sealer struct {
	aead cipher.AEAD // nonce handled inside: prepended by Seal, read back by Open
}

// NewSealer returns a Sealer for a 32-byte key (see ParseKey).
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("store: sealing key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("store: sealing key: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("store: sealing key: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext bound to additionalData (the record's key, so a sealed
// value cannot be moved to another record) and returns nonce || ciphertext || tag.
func (s *Sealer) Seal(plaintext, additionalData []byte) []byte {
	return s.aead.Seal(nil, nil, plaintext, additionalData)
}

// Open decrypts what Seal returned for the same additionalData. It fails when the
// value was altered, sealed under another key or bound to other additional data.
func (s *Sealer) Open(sealed, additionalData []byte) ([]byte, error) {
	if len(sealed) < s.aead.Overhead() {
		return nil, fmt.Errorf("store: sealed value is %d bytes, shorter than nonce and tag", len(sealed))
	}
	plain, err := s.aead.Open(nil, nil, sealed, additionalData)
	if err != nil {
		return nil, errors.New("store: sealed value does not open: altered, sealed under another key, or moved from another record")
	}
	return plain, nil
}
