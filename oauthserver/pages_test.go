package oauthserver

import (
	"net/http/httptest"
	"testing"
)

// TestPageHeaders: pages stay out of caches and frames, and let the
// browser send their Origin on their own forms: with "no-referrer" a
// browser posts the consent form with "Origin: null", which the DNS
// rebinding check in front refuses (seen in Chromium).
func TestPageHeaders(t *testing.T) {
	rec := httptest.NewRecorder()
	renderMessage(rec, 200, "t", "m", "")
	want := map[string]string{
		"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
		"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
	}
	for k, v := range want {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}
