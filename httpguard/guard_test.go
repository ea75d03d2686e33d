package httpguard

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	open := Guard{AllowedHosts: []string{"mcp.example.com"}, MaxBody: 64}.Wrap(ok)
	locked := Guard{Token: "t0ken-value"}.Wrap(ok)
	tests := []struct {
		name    string
		h       http.Handler
		host    string
		headers map[string]string
		body    string
		want    int
	}{
		{"loopback name", open, "localhost:5000", nil, "", 200},
		{"loopback IP", open, "127.0.0.1:5000", nil, "", 200},
		{"IPv6 loopback", open, "[::1]:5000", nil, "", 200},
		{"IP literal", open, "192.0.2.10:5000", nil, "", 200},
		{"allowed name", open, "MCP.example.com", nil, "", 200},
		{"localhost subdomain", open, "app.localhost:5000", nil, "", 200},
		{"rebinding name", open, "evil.example:5000", nil, "", 403},
		{"same-origin browser", open, "localhost:5000", map[string]string{"Origin": "http://localhost:5000"}, "", 200},
		{"cross-origin browser", open, "localhost:5000", map[string]string{"Origin": "https://evil.example"}, "", 403},
		{"opaque origin", open, "localhost:5000", map[string]string{"Origin": "null"}, "", 403},
		{"body over the limit", open, "localhost", nil, strings.Repeat("x", 65), 413},
		{"no token", locked, "localhost", nil, "", 401},
		{"wrong token", locked, "localhost", map[string]string{"Authorization": "Bearer t0ken-valuX"}, "", 401},
		{"basic instead", locked, "localhost", map[string]string{"Authorization": "Basic t0ken-value"}, "", 401},
		{"right token", locked, "localhost", map[string]string{"Authorization": "Bearer t0ken-value"}, "", 200},
		{"scheme case", locked, "localhost", map[string]string{"Authorization": "bearer t0ken-value"}, "", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(tc.body))
			r.Host = tc.host
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			tc.h.ServeHTTP(rec, r)
			if rec.Code != tc.want {
				t.Errorf("status %d, want %d", rec.Code, tc.want)
			}
			if tc.want == 401 && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Error("401 without a Bearer WWW-Authenticate challenge")
			}
		})
	}
}
