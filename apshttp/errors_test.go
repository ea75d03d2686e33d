package apshttp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/internal/needs"
)

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"gateway", `{"developerMessage":"The access token is invalid.","moreInfo":"https://x","errorCode":"AUTH-006"}`, "The access token is invalid. (AUTH-006)"},
		{"legacy gateway", `{"userMessage":"Quota exceeded","more info":"https://x"}`, "Quota exceeded"},
		{"oss", `{"reason":"Bucket not found"}`, "Bucket not found"},
		{"json:api", `{"jsonapi":{"version":"1.0"},"errors":[{"id":"1","status":"404","code":"NOT_FOUND","title":"Not Found","detail":"The hub was not found."}]}`, "The hub was not found. (NOT_FOUND)"},
		{"oauth", `{"error":"invalid_client","error_description":"The client credentials are invalid."}`, "The client credentials are invalid. (invalid_client)"},
		{"ssa", `{"title":"not_found","detail":"The service account is not found."}`, "The service account is not found. (not_found)"},
		{"dm warnings", `{"data":[],"meta":{"warnings":[{"HttpStatusCode":"403","ErrorCode":"BIM360DM_ERROR","Title":"Unable to get hubs from BIM360DM EMEA.","Detail":"You don't have permission to access this API"}]}}`,
			"Unable to get hubs from BIM360DM EMEA. You don't have permission to access this API (BIM360DM_ERROR)"},
		{"empty", ``, ""},
		{"html", `<html>bad gateway</html>`, ""},
		{"unknown json", `{"x":1}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorMessage([]byte(tc.body)); got != tc.want {
				t.Errorf("ErrorMessage = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestErrorMessageOnShippedExamples reads every error body in Autodesk's
// examples beside the repository and expects a message from each.
func TestErrorMessageOnShippedExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(needs.APSSpecs(t), "examples", "*.json"))
	checked := 0
	for _, f := range files {
		base := filepath.Base(f)
		parts := strings.Split(base, ".")
		if len(parts) < 3 || !(strings.HasPrefix(parts[2], "4") || strings.HasPrefix(parts[1], "4")) {
			continue
		}
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if ErrorMessage(body) == "" {
			t.Errorf("%s: no message extracted from %s", base, body)
		}
		checked++
	}
	if checked < 10 {
		t.Errorf("checked %d example error bodies, expected more", checked)
	}
}

func TestStatusErrorQuotesUnknownBodies(t *testing.T) {
	e := NewStatusError(502, []byte("<html>\n  upstream   down\n</html>"))
	if got := e.Error(); got != "APS returned 502 Bad Gateway: <html> upstream down </html>" {
		t.Errorf("Error() = %q", got)
	}
	long := NewStatusError(500, []byte(strings.Repeat("é", 400)))
	if !strings.HasSuffix(long.Message, "…") || len(long.Message) > maxMessage+len("…") {
		t.Errorf("long body not cut: %d bytes", len(long.Message))
	}
}
