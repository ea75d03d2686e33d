package apshttp

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-resty/resty/v2"
)

func TestCompleteJSON(t *testing.T) {
	for _, tc := range []struct {
		body string
		want error
	}{
		{`{"items":[1,2]}`, nil},
		{" [1]\n", nil},
		{"", nil},
		{"  ", nil},
		{`"text"`, nil},
		{`{"items":[1,2`, ErrCutShort},
		{` [{"a":1},`, ErrCutShort},
		{`<html>down</html>`, ErrNotJSON},
		{`{"a":1}{"b":2}`, ErrCutShort},
	} {
		if got := CompleteJSON([]byte(tc.body)); !errors.Is(got, tc.want) {
			t.Errorf("CompleteJSON(%q) = %v, want %v", tc.body, got, tc.want)
		}
	}
}

// TestClientFollowsNoRedirect: whatever the request carries (a bearer
// token, Basic credentials and a form), a redirect to another port of the
// same host comes back as the answer, and its target hears nothing.
func TestClientFollowsNoRedirect(t *testing.T) {
	var reached atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
	defer target.Close()
	redirecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status := http.StatusFound
		if r.Method == http.MethodPost {
			status = http.StatusTemporaryRedirect
		}
		http.Redirect(w, r, target.URL+r.URL.Path, status)
	}))
	defer redirecting.Close()
	c := NewClient(ClientOptions{})
	api, err := c.R().SetAuthToken("secret-token").Get(redirecting.URL + "/oss/v2/buckets")
	if err != nil {
		t.Fatal(err)
	}
	token, err := c.R().SetBasicAuth("id", "secret").SetFormData(map[string]string{"grant_type": "client_credentials"}).Post(redirecting.URL + "/authentication/v2/token")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		resp   *resty.Response
		status int
		to     string
	}{{api, http.StatusFound, target.URL + "/oss/v2/buckets"}, {token, http.StatusTemporaryRedirect, target.URL + "/authentication/v2/token"}} {
		var re *RedirectError
		if err := Refusal(tc.resp); !errors.As(err, &re) || re.Status != tc.status || re.Location != tc.to || !strings.Contains(err.Error(), tc.to) {
			t.Errorf("Refusal = %v, want a RedirectError %d to %s", err, tc.status, tc.to)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the redirect target was reached %d times", n)
	}
}

// gzipped serves a gzip body that inflates to size bytes of JSON.
func gzipped(t *testing.T, size int, requests *atomic.Int32) *httptest.Server {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write([]byte(`{"a":"`))
	zw.Write(bytes.Repeat([]byte("x"), size-8))
	zw.Write([]byte(`"}`))
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
		w.Write(buf.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestAnswersAreCapped: an answer over the cap once decompressed, whether
// it says so in Content-Length or inflates from gzip, is a TooLargeError
// that is not retried; one at the cap is read. resty's own reads (token
// calls) keep to the same cap.
func TestAnswersAreCapped(t *testing.T) {
	const limit = 1 << 20
	c := NewClient(ClientOptions{MaxAnswerBytes: limit})
	var requests atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		w.Write([]byte(`{"a":"` + strings.Repeat("x", n-8) + `"}`))
	}))
	defer plain.Close()
	for _, tc := range []struct {
		name    string
		url     string
		wantErr bool
	}{
		{"at the cap", plain.URL + "/?n=" + strconv.Itoa(limit), false},
		{"over it, by Content-Length", plain.URL + "/?n=" + strconv.Itoa(limit+1), true},
		{"over it, inflated", gzipped(t, 4<<20, &requests).URL, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requests.Store(0)
			e := &Exchanger{BaseURL: tc.url, HTTP: c, Auth: &tokens{}, Retry: fastPolicy}
			body, err := e.Exchange(context.Background(), &Request{Method: "GET", Idempotent: true}, new(bytes.Buffer), &Tally{})
			var big *TooLargeError
			switch {
			case tc.wantErr && (!errors.As(err, &big) || big.Limit != limit || !strings.Contains(err.Error(), "1048576 bytes")):
				t.Errorf("got %v, want a TooLargeError naming the cap", err)
			case !tc.wantErr && (err != nil || len(body) != limit):
				t.Errorf("got %d bytes, %v; want the whole answer", len(body), err)
			}
			if requests.Load() != 1 {
				t.Errorf("%d requests: an answer over the cap is not retried", requests.Load())
			}
		})
	}
	requests.Store(0)
	_, err := c.R().Get(gzipped(t, 4<<20, &requests).URL)
	if !errors.Is(err, resty.ErrResponseBodyTooLarge) || RetryTransient(nil, err) {
		t.Errorf("resty's read: %v, retryable %v; want the cap, not retried", err, RetryTransient(nil, err))
	}
}

// TestAnswersAreChecked: a successful answer the request's check refuses
// is retried as a lost one, then an AnswerError that says what is wrong;
// a request that must not run twice is not retried for it.
func TestAnswersAreChecked(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		io.WriteString(w, `{"items":[{"a":1},{"a"`)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		idempotent   bool
		wantRequests int32
	}{{true, int32(fastPolicy.MaxAttempts)}, {false, 1}} {
		requests.Store(0)
		e := &Exchanger{BaseURL: srv.URL, HTTP: NewClient(ClientOptions{}), Auth: &tokens{}, Retry: fastPolicy}
		var tally Tally
		_, err := e.Exchange(context.Background(), &Request{Method: "GET", Idempotent: tc.idempotent, Check: CompleteJSON}, new(bytes.Buffer), &tally)
		var bad *AnswerError
		if !errors.As(err, &bad) || !errors.Is(err, ErrCutShort) || bad.Retries != int(tc.wantRequests)-1 || !strings.Contains(err.Error(), "200 OK, but its answer is cut short") {
			t.Errorf("idempotent %v: got %v, want an AnswerError after %d retries", tc.idempotent, err, tc.wantRequests-1)
		}
		if requests.Load() != tc.wantRequests || tally.Requests != int(tc.wantRequests) {
			t.Errorf("idempotent %v: %d requests (tally %d), want %d", tc.idempotent, requests.Load(), tally.Requests, tc.wantRequests)
		}
	}
}

// TestSizeHintSizesAChunkedAnswer: an answer without a Content-Length is
// read into room for the request's size hint from the start, not into a
// buffer doubling past it; a smaller hint still reads the whole answer,
// and one over the cap reads no more than the cap.
func TestSizeHintSizesAChunkedAnswer(t *testing.T) {
	const size = 140_000 // doubling from 512 would end at 262,144
	answer := `{"a":"` + strings.Repeat("x", size-8) + `"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(answer[:size/2]))
		w.(http.Flusher).Flush() // no Content-Length: the answer goes out chunked
		w.Write([]byte(answer[size/2:]))
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name         string
		hint, limit  int
		maxCap       int
		wantTooLarge bool
	}{
		{"hinted", size, 1 << 20, size * 11 / 10, false},
		{"hinted short", size / 4, 1 << 20, 4 * size, false},
		{"hinted past the cap", 1 << 30, 1 << 16, 1 << 16 * 5 / 4, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &Exchanger{BaseURL: srv.URL, HTTP: NewClient(ClientOptions{MaxAnswerBytes: tc.limit}), Auth: &tokens{}, Retry: fastPolicy}
			into := new(bytes.Buffer)
			body, err := e.Exchange(context.Background(), &Request{Method: "GET", Idempotent: true, SizeHint: tc.hint}, into, &Tally{})
			var big *TooLargeError
			switch {
			case tc.wantTooLarge && !errors.As(err, &big):
				t.Fatalf("got %v, want a TooLargeError", err)
			case !tc.wantTooLarge && (err != nil || string(body) != answer):
				t.Fatalf("got %d bytes, %v; want the whole answer", len(body), err)
			}
			if into.Cap() > tc.maxCap {
				t.Errorf("read into %d bytes of room, want at most %d", into.Cap(), tc.maxCap)
			}
		})
	}
}
