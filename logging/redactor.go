package logging

import (
	"bytes"
	"regexp"
	"strings"
)

// tokenShapes match credentials wherever they appear inside a value.
var tokenShapes = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*|(?i:bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}`)

// minSecret is the shortest literal secret worth matching; shorter values
// would blank out ordinary words.
const minSecret = 6

// Redactor removes secrets from text: the literal secret values it was
// given, and whatever is shaped like a credential (JWTs, Bearer or Basic
// credentials). Logs and tool results go through the same one, so what
// one keeps out the other does too. The zero value redacts the shapes
// alone; a Redactor is safe for concurrent use.
type Redactor struct{ secrets []string }

// NewRedactor returns a Redactor of secrets (those shorter than six bytes
// are left out) and the credential shapes.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if len(s) >= minSecret {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

// String returns s with every secret and credential-shaped value replaced
// by Redacted.
func (r *Redactor) String(s string) string {
	for _, secret := range r.secrets {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, Redacted)
		}
	}
	if !mayHoldShape([]byte(s)) || !tokenShapes.MatchString(s) {
		return s
	}
	return tokenShapes.ReplaceAllString(s, Redacted)
}

// Bytes is String for b. It returns b itself when nothing in it is
// secret, as is the case for nearly every answer: that costs a few
// scans of b and no copy.
func (r *Redactor) Bytes(b []byte) []byte {
	for _, secret := range r.secrets {
		if bytes.Contains(b, []byte(secret)) {
			b = bytes.ReplaceAll(b, []byte(secret), []byte(Redacted))
		}
	}
	if !mayHoldShape(b) || !tokenShapes.Match(b) {
		return b
	}
	return tokenShapes.ReplaceAll(b, []byte(Redacted))
}

// mayHoldShape reports whether b holds what every match of tokenShapes
// starts with: "eyJ", or "bearer" or "basic" in any case. It saves the
// regular expression's slower scan of text that holds neither.
func mayHoldShape(b []byte) bool {
	if bytes.Contains(b, []byte("eyJ")) {
		return true
	}
	for _, first := range [2]byte{'b', 'B'} {
		for rest := b; ; {
			i := bytes.IndexByte(rest, first)
			if i < 0 {
				break
			}
			rest = rest[i:]
			if hasPrefixFold(rest, "bearer") || hasPrefixFold(rest, "basic") {
				return true
			}
			rest = rest[1:]
		}
	}
	return false
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}
