package e2e_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestAnyAPSCompatibleHost serves a minimal APS-compatible host written
// from the spec, independent of the emulator: other credentials, its own
// page sizes, and next links that name the public APS host. The server
// reaches it through APS_BASE_URL alone and keeps every request on it.
func TestAnyAPSCompatibleHost(t *testing.T) {
	const id, secret = "compat-client", "compat-secret"
	var mu sync.Mutex
	var seen []string
	keys := []string{"alpha", "bravo", "charlie", "delta", "echo"}
	h := http.NewServeMux()
	h.HandleFunc("POST /authentication/v2/token", func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != id || p != secret || r.FormValue("grant_type") != "client_credentials" || r.FormValue("scope") != "bucket:read data:read" {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client", "error_description": "nope"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": "compat-token", "token_type": "Bearer", "expires_in": 3599})
	})
	h.HandleFunc("GET /oss/v2/buckets", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.RawQuery)
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer compat-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		// Two per page whatever limit says, and startAt is exclusive.
		start := 0
		if s := r.URL.Query().Get("startAt"); s != "" {
			for i, k := range keys {
				if k == s {
					start = i + 1
				}
			}
		}
		end := min(start+2, len(keys))
		var page []map[string]any
		for _, k := range keys[start:end] {
			page = append(page, map[string]any{"bucketKey": k, "createdDate": 1463785697512, "policyKey": "transient"})
		}
		body := map[string]any{"items": page}
		if end < len(keys) {
			body["next"] = "https://developer.api.autodesk.com/oss/v2/buckets?region=US&startAt=" + keys[end-1] + "&limit=2"
		}
		json.NewEncoder(w).Encode(body)
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	c := httpClient(t, startServer(t, srv.URL, serverOptions{env: map[string]string{"APS_CLIENT_ID": id, "APS_CLIENT_SECRET": secret}}))
	got := field(items(t, callTool(t, c, "list_buckets", nil)), "bucket_key")
	if strings.Join(got, ",") != strings.Join(keys, ",") {
		t.Errorf("buckets = %v, want %v", got, keys)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 {
		t.Errorf("page requests = %d (%v), want 3", len(seen), seen)
	}
}
