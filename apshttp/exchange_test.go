package apshttp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// tokens hands out "t1", "t2", ... and remembers what was invalidated.
type tokens struct {
	n           int
	invalidated []string
	err         error
}

func (s *tokens) Token(context.Context) (string, error) {
	if s.err != nil {
		return "", s.err
	}
	s.n++
	return "t" + strconv.Itoa(s.n), nil
}

func (s *tokens) Invalidate(token string) { s.invalidated = append(s.invalidated, token) }

// observed counts what an Observer hears.
type observed struct{ requests, retries int }

func (o *observed) APSRequest(string, int) { o.requests++ }
func (o *observed) Retry(_ string, n int)  { o.retries += n }

// answering serves each request the next of statuses (then 200), with
// body, and records the bearer tokens it saw.
func answering(t *testing.T, body string, statuses ...int) (*httptest.Server, *[]string) {
	t.Helper()
	var n atomic.Int32
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		status := http.StatusOK
		if i := int(n.Add(1)) - 1; i < len(statuses) {
			status = statuses[i]
		}
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func TestExchangeClassifies(t *testing.T) {
	const body = `{"reason":"Bucket not found"}`
	tests := []struct {
		name          string
		statuses      []int
		idempotent    bool
		pending       int
		wantErr       any // a pointer to the error type expected, or nil
		wantRequests  int
		wantRetries   int
		wantBearers   []string
		wantInvalided []string
	}{
		{"success", nil, true, 0, nil, 1, 0, []string{"Bearer t1"}, nil},
		{"401 refreshes the token once", []int{401}, true, 0, nil, 2, 0, []string{"Bearer t1", "Bearer t2"}, []string{"t1"}},
		{"a second 401 is an answer", []int{401, 401}, true, 0, new(*StatusError), 2, 0, []string{"Bearer t1", "Bearer t2"}, []string{"t1"}},
		{"the pending status", []int{202}, true, 202, new(*PendingError), 1, 0, []string{"Bearer t1"}, nil},
		{"202 without a pending status succeeds", []int{202}, true, 0, nil, 1, 0, []string{"Bearer t1"}, nil},
		{"404 is a status error", []int{404}, true, 0, new(*StatusError), 1, 0, []string{"Bearer t1"}, nil},
		{"idempotent requests retry a 503", []int{503}, true, 0, nil, 2, 1, []string{"Bearer t1", "Bearer t1"}, nil},
		{"others do not", []int{503}, false, 0, new(*StatusError), 1, 0, []string{"Bearer t1"}, nil},
		{"but they retry a 429", []int{429}, false, 0, nil, 2, 1, []string{"Bearer t1", "Bearer t1"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, seen := answering(t, body, tc.statuses...)
			src, obs := &tokens{}, &observed{}
			e := &Exchanger{BaseURL: srv.URL, HTTP: NewClient(ClientOptions{}), Auth: src, Retry: fastPolicy, Observer: obs}
			var tally Tally
			got, err := e.Exchange(context.Background(), &Request{Method: "GET", Path: "/b", Idempotent: tc.idempotent, PendingStatus: tc.pending}, new(bytes.Buffer), &tally)
			switch want := tc.wantErr.(type) {
			case nil:
				if err != nil || string(got) != body {
					t.Fatalf("got %q, %v; want the body", got, err)
				}
			case **StatusError:
				if !errors.As(err, want) || (*want).Message != "Bucket not found" {
					t.Fatalf("got %v, want a StatusError with APS's message", err)
				}
			case **PendingError:
				if !errors.As(err, want) || (*want).Status != tc.pending {
					t.Fatalf("got %v, want a PendingError for %d", err, tc.pending)
				}
			}
			if tally.Requests != tc.wantRequests || tally.Retries != tc.wantRetries {
				t.Errorf("tally %+v, want %d requests and %d retries", tally, tc.wantRequests, tc.wantRetries)
			}
			if obs.requests != tc.wantRequests || obs.retries != tc.wantRetries {
				t.Errorf("observer heard %+v, want %d requests and %d retries", *obs, tc.wantRequests, tc.wantRetries)
			}
			if !slices.Equal(*seen, tc.wantBearers) || !slices.Equal(src.invalidated, tc.wantInvalided) {
				t.Errorf("bearers %v, invalidated %v; want %v and %v", *seen, src.invalidated, tc.wantBearers, tc.wantInvalided)
			}
		})
	}
}

func TestExchangeWithoutAnAnswer(t *testing.T) {
	var tally Tally
	noToken := &Exchanger{BaseURL: "http://127.0.0.1:1", HTTP: NewClient(ClientOptions{}), Auth: &tokens{err: errors.New("no credentials")}}
	_, err := noToken.Exchange(context.Background(), &Request{Method: "GET", Path: "/"}, new(bytes.Buffer), &tally)
	var te *TokenError
	if !errors.As(err, &te) || te.Err.Error() != "no credentials" || tally.Requests != 0 {
		t.Errorf("got %v after %d requests, want a TokenError before any", err, tally.Requests)
	}

	// No Observer and no Logger: the zero values record and log nothing.
	unreachable := &Exchanger{BaseURL: "http://127.0.0.1:1", HTTP: NewClient(ClientOptions{Timeout: time.Second}), Auth: &tokens{}, Retry: fastPolicy}
	_, err = unreachable.Exchange(context.Background(), &Request{Method: "GET", Path: "/", Idempotent: true}, new(bytes.Buffer), &tally)
	var tr *TransportError
	if !errors.As(err, &tr) || tr.Retries != fastPolicy.MaxAttempts-1 || tally.Requests != fastPolicy.MaxAttempts {
		t.Errorf("got %v after %d requests, want a TransportError after %d retries", err, tally.Requests, fastPolicy.MaxAttempts-1)
	}
}

func TestExchangeSendsTheRequest(t *testing.T) {
	var got *http.Request
	var gotBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		gotBody, _ = io.ReadAll(r.Body)
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	e := &Exchanger{BaseURL: srv.URL, HTTP: NewClient(ClientOptions{}), Auth: &tokens{}}
	req := &Request{Method: "POST", Path: "/a%2Fb/c", Query: map[string][]string{"limit": {"5"}}, Header: http.Header{"X-Ads-Region": {"EMEA"}}, Body: []byte(`{"k":1}`)}
	if _, err := e.Exchange(context.Background(), req, new(bytes.Buffer), &Tally{}); err != nil {
		t.Fatal(err)
	}
	if got.Method != "POST" || got.URL.EscapedPath() != "/a%2Fb/c" || got.URL.RawQuery != "limit=5" ||
		got.Header.Get("X-Ads-Region") != "EMEA" || got.Header.Get("Content-Type") != "application/json" ||
		got.Header.Get("Accept") != "application/json" || got.Header.Get("Authorization") != "Bearer t1" || string(gotBody) != `{"k":1}` {
		t.Errorf("APS got %s %s?%s headers %v body %s", got.Method, got.URL.EscapedPath(), got.URL.RawQuery, got.Header, gotBody)
	}
}

// TestLostConnectionRetriedOnlyWhenIdempotent: a connection that drops
// without an answer is retried for an idempotent request; a request that
// creates something is sent once, since APS may have acted on it.
func TestLostConnectionRetriedOnlyWhenIdempotent(t *testing.T) {
	for _, tc := range []struct {
		idempotent bool
		want       int32
	}{{true, int32(fastPolicy.MaxAttempts)}, {false, 1}} {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // the request arrived; no answer comes back
			}
		}))
		e := &Exchanger{BaseURL: srv.URL, HTTP: NewClient(ClientOptions{}), Auth: &tokens{}, Retry: fastPolicy}
		var tally Tally
		_, err := e.Exchange(context.Background(), &Request{Method: "POST", Path: "/issues", Body: []byte(`{}`), Idempotent: tc.idempotent}, new(bytes.Buffer), &tally)
		srv.Close()
		var tr *TransportError
		if !errors.As(err, &tr) || n.Load() != tc.want || tally.Requests != int(tc.want) {
			t.Errorf("idempotent %v: %v after %d requests (tally %d), want a TransportError after %d", tc.idempotent, err, n.Load(), tally.Requests, tc.want)
		}
	}
}
