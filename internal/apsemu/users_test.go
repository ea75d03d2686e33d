package apsemu

import (
	"net/http"
	"testing"
)

// profile is the expected /userinfo body for one user, written out here
// rather than derived from the emulator's own constructor.
func profile(sub, name, given, family, username, email string) map[string]any {
	return map[string]any{
		"sub":                sub,
		"name":               name,
		"given_name":         given,
		"family_name":        family,
		"preferred_username": username,
		"email":              email,
		"email_verified":     true,
		"profile":            "https://profile.autodesk.com",
		"picture":            "https://images.profile.autodesk.com/" + sub + "/profilepictures/x120.jpg",
		"locale":             "en-US",
		"updated_at":         float64(1704067200),
		"is_2fa_enabled":     false,
		"country_code":       "US",
		"language":           "en",
		"created_date":       "2024-01-01T00:00:00Z",
		"eidm_guid":          sub,
	}
}

func TestUserInfo(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, threeLeggedOptions(nil))
	// No scope is needed, so neither token carries user-profile:read.
	demo := signIn(t, base, "bucket:read", demoBasic)
	ssa := userToken(t, e, base, "bucket:read")
	app := fetchToken(t, base, "user-profile:read data:read")

	tests := []struct {
		name   string
		method string
		auth   string
		status int
		body   map[string]any
	}{
		{"demo user", http.MethodGet, "Bearer " + demo.Access, 200,
			profile(DemoUserID, "Demo User", "Demo", "User", "demo", "demo@example.com")},
		{"service account", http.MethodGet, "Bearer " + ssa, 200,
			profile(testSAID, "Service Account "+testSAID, "Service Account", testSAID, "z752ct5mkw2s9n7e",
				"z752ct5mkw2s9n7e@"+DemoClientID+".adskserviceaccount.autodesk.com")},
		{"two-legged token", http.MethodGet, "Bearer " + app, 401, gatewayBody("AUTH-006",
			"This API needs a three-legged (user context) access token; a two-legged client_credentials token is not accepted.")},
		{"no token", http.MethodGet, "", 401, gatewayBody("AUTH-006", "The Authorization header is missing.")},
		{"unknown token", http.MethodGet, "Bearer nope", 401, gatewayBody("AUTH-006", "The access token is invalid.")},
		{"refresh token as bearer", http.MethodGet, "Bearer " + demo.Refresh, 401, gatewayBody("AUTH-006", "The access token is invalid.")},
		{"POST", http.MethodPost, "Bearer " + demo.Access, 405, map[string]any{
			"developerMessage": "The request method is not allowed for this resource.",
			"moreInfo":         "https://aps.autodesk.com/en/docs/oauth/v2/developers_guide/error_handling/",
		}},
		{"POST without a token", http.MethodPost, "", 401, gatewayBody("AUTH-006", "The Authorization header is missing.")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := mustRequest(t, tt.method, base+userInfoPath)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			r := do(t, req)
			r.wantJSON(t, tt.status, tt.body)
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if tt.status == 405 && r.header.Get("Allow") != http.MethodGet {
				t.Errorf("Allow = %q", r.header.Get("Allow"))
			}
		})
	}
}
