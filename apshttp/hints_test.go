package apshttp

import (
	"strings"
	"testing"
	"time"
)

func TestHint(t *testing.T) {
	facts := HintFacts{Tool: "list_objects", ToolScopes: []string{"data:read", "bucket:read"}, Profile: "2lo", ProfileFile: "profiles/2lo.yaml", ProfileScopes: []string{"data:read"}}
	withRegion, withPath := facts, facts
	withRegion.RegionArg = "region"
	withPath.PathArgs = `bucket_key ("b1")`
	allScopes := facts
	allScopes.ProfileScopes = allScopes.ToolScopes
	token := facts
	token.TokenRequest = true
	tests := []struct {
		name  string
		se    StatusError
		facts HintFacts
		want  string // a part of the hint; "" for no hint at all
	}{
		{"missing scope by code", StatusError{Status: 403, Code: "AUTH-010"}, facts, "lacks scope bucket:read: add it to auth.scopes of profile 2lo (profiles/2lo.yaml)"},
		{"missing scope by message", StatusError{Status: 403, Message: "Token does not have the required Scope"}, facts, "lacks scope bucket:read"},
		{"scope APS wants beyond the tool's", StatusError{Status: 403, Code: "AUTH-010"}, allScopes, "APS may need more"},
		{"app not provisioned", StatusError{Status: 403, Code: "AUTH-001"}, facts, "not provisioned for this API"},
		{"rate limited", StatusError{Status: 429, Retries: 4, RetryAfter: 3 * time.Second}, facts, "after 4 retries; it asked to wait 3s"},
		{"rate limited without a wait", StatusError{Status: 429}, facts, "wait a while"},
		{"region with an argument", StatusError{Status: 400, Message: "Wrong Region"}, withRegion, "pass region (one of US, EMEA"},
		{"region without one", StatusError{Status: 404, Message: "region mismatch"}, facts, "this tool cannot choose one"},
		{"not found, with path arguments", StatusError{Status: 404}, withPath, `check bucket_key ("b1")`},
		{"not found", StatusError{Status: 404}, facts, "Nothing exists at that address."},
		{"fresh token refused", StatusError{Status: 401}, facts, "refused a freshly issued token"},
		{"wrong credentials", StatusError{Status: 401, Code: "invalid_client"}, token, "check APS_CLIENT_ID and APS_CLIENT_SECRET"},
		{"credentials refused with 400", StatusError{Status: 400, Code: "invalid_client"}, token, "does not accept the app's credentials"},
		{"scopes refused", StatusError{Status: 400, Code: "invalid_scope"}, token, "refused the scopes profile 2lo (profiles/2lo.yaml) asks for (data:read)"},
		{"token endpoint rate limiting", StatusError{Status: 429, Retries: 2}, token, "rate limiting"},
		{"nothing known", StatusError{Status: 409, Message: "conflict"}, facts, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Hint(&tc.se, tc.facts)
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("Hint = %q, want it to hold %q", got, tc.want)
			}
		})
	}
}
