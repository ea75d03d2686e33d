package apsemu

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestRequestLog(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	token := fetchToken(t, base, "data:read")
	rawPath := "/oss/v2/buckets/" + demoModelsBucket + "/objects/site%2Fnorth%20wing%2Fmodel.rvt/details"
	if r := get(t, base+rawPath+"?with=createdDate", token); r.status != 200 {
		t.Fatalf("status %d body %s", r.status, r.body)
	}

	log := e.Requests()
	if len(log) != 2 {
		t.Fatalf("logged %d requests, want 2", len(log))
	}
	if log[0].Method != http.MethodPost || log[0].Path != tokenPath || log[0].Header.Get("Authorization") != "REDACTED" {
		t.Errorf("token request logged as %+v", log[0])
	}
	want := Request{Method: http.MethodGet, Path: rawPath, RawQuery: "with=createdDate"}
	got := log[1]
	if got.Method != want.Method || got.Path != want.Path || got.RawQuery != want.RawQuery {
		t.Errorf("logged %+v, want %+v", got, want)
	}
	if v := got.Header.Values("Authorization"); !reflect.DeepEqual(v, []string{"REDACTED"}) {
		t.Errorf("Authorization logged as %q", v)
	}

	// The log is a copy: mutating it must not reach the emulator.
	got.Header.Set("Authorization", "leak")
	if e.Requests()[1].Header.Get("Authorization") != "REDACTED" {
		t.Error("Requests() shares header maps with the emulator")
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	// Goroutines other than the test's must not call t.Fatal, so this test
	// talks HTTP directly and reports with t.Error.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			form := url.Values{"grant_type": {"client_credentials"}, "scope": {"bucket:read data:read"},
				"client_id": {DemoClientID}, "client_secret": {DemoClientSecret}}
			resp, err := http.PostForm(base+tokenPath, form)
			if err != nil {
				t.Error(err)
				return
			}
			var tok tokenResponse
			err = json.NewDecoder(resp.Body).Decode(&tok)
			resp.Body.Close()
			if err != nil || tok.AccessToken == "" {
				t.Errorf("token: %v %+v", err, tok)
				return
			}
			e.AddObject(Object{BucketKey: demoModelsBucket, Key: "concurrent-" + strconv.Itoa(i)})
			for _, path := range []string{"/oss/v2/buckets", "/oss/v2/buckets/" + demoModelsBucket + "/objects?limit=100"} {
				req, _ := http.NewRequest(http.MethodGet, base+path, nil)
				req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s: %d", path, resp.StatusCode)
				}
			}
			_ = e.Requests()
			_ = e.Objects(demoModelsBucket)
		})
	}
	wg.Wait()
	if n := e.TokenRequests(); n != 8 {
		t.Errorf("TokenRequests() = %d, want 8", n)
	}
	if n := len(e.Requests()); n != 24 {
		t.Errorf("logged %d requests, want 24", n)
	}
}

func TestListenAndServe(t *testing.T) {
	t.Parallel()
	e := New(Options{Clients: []Client{{ID: "first", Secret: "one"}, {ID: "second", Secret: "two"}}})
	if len(e.Buckets("first")) == 0 || len(e.Buckets("second")) != 0 {
		t.Fatalf("demo data not owned by the first client")
	}
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- ListenAndServe(ctx, "127.0.0.1:0", e, func(u string) { urls <- u }) }()

	var base string
	select {
	case base = <-urls:
	case err := <-done:
		t.Fatalf("ListenAndServe returned early: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("ready was not called")
	}
	if r := get(t, base+keysPath, ""); r.status != 200 {
		t.Fatalf("keys: status %d", r.status)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ListenAndServe = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ListenAndServe did not return after cancel")
	}
}

// TestRequestLogIsBounded: past its bound the log keeps the most recent
// requests, and statuses still land on the right entries.
func TestRequestLogIsBounded(t *testing.T) {
	e := New(Options{})
	e.maxLog = 4
	srv := httptest.NewServer(e)
	defer srv.Close()
	for i := range 7 {
		resp, err := http.Get(srv.URL + "/nowhere/" + strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	log := e.Requests()
	if len(log) != 3 || log[0].Path != "/nowhere/4" || log[2].Path != "/nowhere/6" {
		t.Fatalf("log after 7 requests with a bound of 4: %+v", log)
	}
	for _, r := range log {
		if r.Status != http.StatusNotFound {
			t.Errorf("%s logged with status %d, want 404", r.Path, r.Status)
		}
	}
}
