package sharedreads

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

// maxSubjects bounds the tokens whose subject is remembered; past it the
// memo starts again (a subject is cheap to work out once more).
const maxSubjects = 4096

// subjects works out who an APS access token acts for, and remembers it
// for each token seen lately.
type subjects struct {
	mu sync.Mutex
	m  map[string]string // token → subject
}

// of returns the token's subject as a hash: the same for every token APS
// issues the same application (2lo), person (3lo, a team server's user)
// or service account (ssa) with the same scopes, and never the token.
func (s *subjects) of(token string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub, ok := s.m[token]; ok {
		return sub
	}
	if s.m == nil || len(s.m) >= maxSubjects {
		s.m = make(map[string]string)
	}
	sub := subjectOf(token)
	s.m[token] = sub
	return sub
}

// claims are what an APS access token says of whom it acts for (NOTES
// §2.5): the application, the person for a user token (3lo, and the
// jwt-bearer grant of a service account), and the scopes, a JSON array.
type claims struct {
	ClientID string          `json:"client_id"`
	UserID   string          `json:"userid"`
	Scope    json.RawMessage `json:"scope"`
}

// subjectOf hashes the token's application, person and scopes. A token
// that is not a JWT with a client_id (not one APS issues) stands for
// itself: its answers are shared only while it lives. The claims are
// not verified: APS issued the token to this server, and they only keep
// apart answers that belong apart.
func subjectOf(token string) string {
	h := sha256.New()
	c, ok := parseClaims(token)
	if !ok {
		h.Write([]byte("token\x00" + token))
		return hex.EncodeToString(h.Sum(nil))
	}
	h.Write([]byte("jwt\x00" + c.ClientID + "\x00" + c.UserID + "\x00" + strings.Join(scopeList(c.Scope), " ")))
	return hex.EncodeToString(h.Sum(nil))
}

func parseClaims(token string) (claims, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return claims{}, false
	}
	var c claims
	if json.Unmarshal(payload, &c) != nil || c.ClientID == "" {
		return claims{}, false
	}
	return c, true
}

// scopeList is the token's scopes sorted, whether the claim is an array
// (as APS writes it) or a space-separated string.
func scopeList(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) != nil {
		var s string
		_ = json.Unmarshal(raw, &s) // neither: no scopes to tell apart
		list = strings.Fields(s)
	}
	slices.Sort(list)
	return list
}
