package apsemu

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// noFollow sends requests as they are: no redirect followed, no
// transparent gzip.
var noFollow = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{DisableCompression: true},
}

func TestTruncatedAnswers(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := fetchToken(t, base, "bucket:read")
	whole := get(t, base+"/oss/v2/buckets", token)
	e.SetFaults(Faults{RateTruncated: 1})
	req, _ := http.NewRequest(http.MethodGet, base+"/oss/v2/buckets", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	cut := doWith(t, noFollow, req)
	if cut.status != http.StatusOK || !bytes.Equal(cut.body, whole.body[:len(whole.body)/2]) || json.Valid(cut.body) {
		t.Errorf("got %d %q, want 200 and the first half of %q", cut.status, cut.body, whole.body)
	}
	if cl := cut.header.Get("Content-Length"); cl != strconv.Itoa(len(cut.body)) {
		t.Errorf("Content-Length %s for %d bytes", cl, len(cut.body))
	}
	// Refusals go out whole: only successful answers are cut.
	if r := get(t, base+"/oss/v2/buckets", ""); r.status != http.StatusUnauthorized || !json.Valid(r.body) {
		t.Errorf("refusal: %d %s", r.status, r.body)
	}
	if n := e.AnswersCut(); n != 1 {
		t.Errorf("AnswersCut() = %d, want 1", n)
	}
}

func TestRedirectAnswers(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	const target = "http://127.0.0.1:9"
	e.SetFaults(Faults{RedirectTo: target, IncludeAuth: true})
	r := doWith(t, noFollow, hostileRequest(t, http.MethodGet, base+"/oss/v2/buckets?limit=5", ""))
	if r.status != http.StatusFound || r.header.Get("Location") != target+"/oss/v2/buckets?limit=5" {
		t.Errorf("API: %d to %q", r.status, r.header.Get("Location"))
	}
	r = doWith(t, noFollow, hostileRequest(t, http.MethodPost, base+tokenPath, "grant_type=client_credentials"))
	if r.status != http.StatusTemporaryRedirect || r.header.Get("Location") != target+tokenPath {
		t.Errorf("token: %d to %q", r.status, r.header.Get("Location"))
	}
}

func TestEchoedCredentials(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := fetchToken(t, base, "bucket:read")
	e.SetFaults(Faults{EchoCredentials: true, IncludeAuth: true})
	api := get(t, base+"/oss/v2/buckets", token)
	if api.status != http.StatusUnauthorized || !strings.Contains(string(api.body), "Bearer "+token) {
		t.Errorf("API: %d %s, want a 401 quoting the bearer token", api.status, api.body)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_secret": {"in-the-form"}}.Encode()
	tok := postToken(t, base, "application/x-www-form-urlencoded", form, []string{DemoClientID, DemoClientSecret})
	desc, _ := tok.object(t)["error_description"].(string)
	if tok.status != http.StatusUnauthorized || tok.object(t)["error"] != "invalid_client" ||
		!strings.Contains(desc, "Basic ") || !strings.Contains(desc, DemoClientSecret) || !strings.Contains(desc, "client_secret=in-the-form") {
		t.Errorf("token: %d %s, want invalid_client quoting the Basic header, the secret and the form", tok.status, tok.body)
	}
}

func TestGzipBomb(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	const size = 2<<20 + 7 // two whole compressed megabytes and a rest
	e.SetFaults(Faults{GzipBombBytes: size})
	r := doWith(t, noFollow, hostileRequest(t, http.MethodGet, base+"/oss/v2/buckets", ""))
	if r.status != http.StatusOK || r.header.Get("Content-Encoding") != "gzip" || len(r.body) > size/500 {
		t.Fatalf("got %d, %q, %d bytes: want a small gzip body", r.status, r.header.Get("Content-Encoding"), len(r.body))
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	inflated, err := io.ReadAll(zr)
	if err != nil || len(inflated) != size || !json.Valid(inflated) {
		t.Errorf("inflates to %d bytes (%v), valid JSON %v; want %d", len(inflated), err, json.Valid(inflated), size)
	}
}

func hostileRequest(t *testing.T, method, rawURL, form string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}
