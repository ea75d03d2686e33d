package alias

import "testing"

// TestStringSharesTheBytes: the string reads the bytes as they are, and
// is the bytes themselves, not a copy.
func TestStringSharesTheBytes(t *testing.T) {
	for _, b := range [][]byte{nil, {}, []byte(`{"items":[]}`)} {
		if got := String(b); got != string(b) {
			t.Errorf("String(%q) = %q", b, got)
		}
	}
	b := []byte("abc")
	s := String(b)
	b[0] = 'x' // breaks the contract on purpose, to see the sharing
	if s != "xbc" {
		t.Errorf("the string did not share the bytes: %q", s)
	}
}
