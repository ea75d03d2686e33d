package sharedreads

import (
	"encoding/base64"
	"testing"
)

func TestSubjectIsWhomTheTokenActsFor(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	stringScopes := enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(`{"client_id":"app","scope":"data:write data:read"}`)) + ".sig"
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"one app, two tokens", jwtFor("app", ""), jwtFor("app", ""), true},
		{"one person, two tokens", jwtFor("app", "ada"), jwtFor("app", "ada"), true},
		{"scopes in another order", jwtFor("app", "", "data:read", "data:write"), jwtFor("app", "", "data:write", "data:read"), true},
		{"scopes as a string", jwtFor("app", "", "data:read", "data:write"), stringScopes, true},
		{"two apps", jwtFor("app", ""), jwtFor("other", ""), false},
		{"the app and a person of it", jwtFor("app", ""), jwtFor("app", "ada"), false},
		{"two people", jwtFor("app", "ada"), jwtFor("app", "ben"), false},
		{"other scopes", jwtFor("app", "", "data:read"), jwtFor("app", "", "data:read", "data:write"), false},
		{"opaque tokens stand for themselves", "opaque-1", "opaque-2", false},
		{"an opaque token is itself", "opaque-1", "opaque-1", true},
		{"a JWT without client_id", enc([]byte(`{}`)) + "." + enc([]byte(`{"sub":"x"}`)) + ".s", enc([]byte(`{}`)) + "." + enc([]byte(`{"sub":"x"}`)) + ".t", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := subjectOf(tc.a), subjectOf(tc.b)
			if (a == b) != tc.same {
				t.Errorf("subjects %s and %s: same = %v, want %v", a, b, a == b, tc.same)
			}
			if len(a) != 64 {
				t.Errorf("subject %q is not a SHA-256 in hex", a)
			}
		})
	}
}
