package apsemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// testResponse is a fully read HTTP response.
type testResponse struct {
	status int
	header http.Header
	body   []byte
}

// object decodes the body as a JSON object.
func (r testResponse) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

// wantJSON checks status and that the body decodes to exactly want.
func (r testResponse) wantJSON(t *testing.T, status int, want map[string]any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if got := r.object(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("body = %v, want %v", got, want)
	}
}

// startEmulator serves a fresh emulator on loopback for the test's lifetime.
func startEmulator(t *testing.T, opts Options) (*Emulator, string) {
	t.Helper()
	e := New(opts)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv.URL
}

// do sends req and reads the whole response.
func do(t *testing.T, req *http.Request) testResponse {
	t.Helper()
	return doWith(t, http.DefaultClient, req)
}

// doWith sends req with client and reads the whole response.
func doWith(t *testing.T, client *http.Client, req *http.Request) testResponse {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return testResponse{status: resp.StatusCode, header: resp.Header, body: body}
}

// postToken posts a raw token request; basic, when not nil, holds the
// Basic credentials (id, secret).
func postToken(t *testing.T, base, contentType, body string, basic []string) testResponse {
	t.Helper()
	return postForm(t, base+tokenPath, contentType, body, basic)
}

// postForm posts a raw body with an optional Content-Type and, when basic
// is not nil, Basic credentials (id, secret).
func postForm(t *testing.T, rawURL, contentType, body string, basic []string) testResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, rawURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if basic != nil {
		req.SetBasicAuth(basic[0], basic[1])
	}
	return do(t, req)
}

// fetchToken gets a client_credentials token for the demo client.
func fetchToken(t *testing.T, base, scope string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}
	return fetchTokenFor(t, base, DemoClientID, DemoClientSecret, form)
}

// fetchTokenFor gets a token with Basic credentials and checks it succeeded.
func fetchTokenFor(t *testing.T, base, id, secret string, form url.Values) string {
	t.Helper()
	r := postToken(t, base, "application/x-www-form-urlencoded", form.Encode(), []string{id, secret})
	if r.status != http.StatusOK {
		t.Fatalf("token status = %d; body %s", r.status, r.body)
	}
	tok, _ := r.object(t)["access_token"].(string)
	if tok == "" {
		t.Fatalf("no access_token in %s", r.body)
	}
	return tok
}

// get sends a GET with an optional bearer token.
func get(t *testing.T, rawURL, token string) testResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, req)
}

// decodeInto unmarshals a JSON body into v.
func decodeInto(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decoding %q: %v", body, err)
	}
}

// send sends a request with an optional bearer token, an optional body and
// headers given as name, value pairs, and reads the whole response.
func send(t *testing.T, method, rawURL, token, body string, header ...string) testResponse {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, req)
}

// keyPaths lists the member paths of a decoded JSON value ("a.b", array
// elements as "a[].b"), sorted and without duplicates: the shape the
// tests compare with the documented examples'.
func keyPaths(v any) []string {
	set := map[string]bool{}
	var walk func(v any, prefix string)
	walk = func(v any, prefix string) {
		switch x := v.(type) {
		case map[string]any:
			for k, child := range x {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				set[p] = true
				walk(child, p)
			}
		case []any:
			for _, child := range x {
				walk(child, prefix+"[]")
			}
		}
	}
	walk(v, "")
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// wantKeys checks that the decoded JSON value v has exactly the member
// paths want (in any order).
func wantKeys(t *testing.T, what string, v any, want ...string) {
	t.Helper()
	want = slices.Compact(slices.Sorted(slices.Values(want)))
	if got := keyPaths(v); !slices.Equal(got, want) {
		t.Errorf("%s members differ:\n got %q\nwant %q", what, got, want)
	}
}

// members expands a compact description of JSON members into the paths
// keyPaths lists: space-separated names, each optionally followed by
// {children}; a name ending in "[]" is an array of objects. For example
// "a{b c[]{d}}" stands for a, a.b, a.c and a.c[].d.
func members(spec string) []string {
	var out []string
	var stack []string
	prev := ""
	for _, tok := range strings.Fields(strings.NewReplacer("{", " { ", "}", " } ").Replace(spec)) {
		switch tok {
		case "{":
			stack = append(stack, prev)
		case "}":
			stack = stack[:len(stack)-1]
		default:
			prev = tok
			if n := len(stack); n > 0 {
				prev = stack[n-1] + "." + tok
			}
			out = append(out, strings.TrimSuffix(prev, "[]"))
		}
	}
	return out
}
