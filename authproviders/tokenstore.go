package authproviders

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// userTokens are a signed-in user's tokens. They never include the client
// secret.
type userTokens struct {
	ClientID     string    `json:"client_id"`
	Scopes       []string  `json:"scopes"`
	AccessToken  string    `json:"access_token"`
	ExpiresAt    time.Time `json:"expires_at"`
	RefreshToken string    `json:"refresh_token"`
}

// tokenStore keeps a user's tokens between calls, and for the file store
// between restarts.
type tokenStore interface {
	Load() (*userTokens, error) // nil, nil when nothing is stored
	Save(*userTokens) error
	Clear() error
}

type memoryStore struct {
	mu sync.Mutex
	t  *userTokens
}

func (m *memoryStore) Load() (*userTokens, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t, nil
}

func (m *memoryStore) Save(t *userTokens) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = t
	return nil
}

func (m *memoryStore) Clear() error { return m.Save(nil) }

// fileStore writes the tokens as JSON to a file only its owner can read,
// replacing it atomically so a crash never leaves half a file.
type fileStore struct {
	path string
	mu   sync.Mutex
}

func (f *fileStore) Load() (*userTokens, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading token store: %w", err)
	}
	var t userTokens
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("token store %s is not valid JSON (delete it to sign in again): %w", f.path, err)
	}
	return &t, nil
}

func (f *fileStore) Save(t *userTokens) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("token store directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".aps-mcp-tokens-*")
	if err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("token store: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("token store: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("token store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	return nil
}

func (f *fileStore) Clear() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("token store: %w", err)
	}
	return nil
}
