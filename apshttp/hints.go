package apshttp

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// regions are APS's data regions, for the region hint.
var regions = []string{"US", "EMEA", "AUS", "CAN", "DEU", "IND", "JPN", "GBR"}

// HintFacts are what a hint may point the model at: the tool that failed,
// the profile it runs under, and the arguments worth checking.
type HintFacts struct {
	Tool          string   // the tool's name
	ToolScopes    []string // the scopes the tool declares
	Profile       string   // the active profile's name
	ProfileFile   string   // the file it was read from
	ProfileScopes []string // the scopes the profile's tokens carry
	// RegionArg is the argument that sets the region; "" when the tool
	// has none.
	RegionArg string
	// PathArgs names the path arguments with their values and the tools
	// that return valid ones, as in `bucket_key ("b1"), which list_buckets
	// returns, and object_key ("o"), which list_objects returns`; "" when
	// there are none.
	PathArgs string
	// TokenRequest says the error is the token endpoint's, refusing to
	// issue a token, not an API's.
	TokenRequest bool
}

// Hint says what to do about an APS error where APS's answer tells what
// went wrong: credentials or scopes the token endpoint refused, a missing
// scope, an app not provisioned for the API, rate limiting that outlasted
// the retries, data in another region, an address that does not exist, a
// rejected fresh token. It returns "" otherwise.
func Hint(se *StatusError, f HintFacts) string {
	lower := strings.ToLower(se.Message)
	switch {
	case f.TokenRequest && (se.Code == "invalid_client" || se.Status == http.StatusUnauthorized):
		return "APS does not accept the app's credentials: check APS_CLIENT_ID and APS_CLIENT_SECRET against the app at https://aps.autodesk.com/myapps (a secret that was regenerated there replaces the old one)."
	case f.TokenRequest && se.Code == "invalid_scope":
		return fmt.Sprintf("APS refused the scopes profile %s (%s) asks for (%s): check auth.scopes, and that the app may request them.",
			f.Profile, f.ProfileFile, strings.Join(f.ProfileScopes, " "))
	case se.Code == "AUTH-010" || se.Status == http.StatusForbidden && strings.Contains(lower, "scope"):
		return scopeHint(f)
	case se.Code == "AUTH-001":
		return "The APS app is not provisioned for this API: enable the API for the app at https://aps.autodesk.com/myapps, and for ACC or BIM 360 data add the app's client id as a custom integration in the account's admin settings."
	case se.Status == http.StatusTooManyRequests:
		wait := "a while"
		if se.RetryAfter > 0 {
			wait = se.RetryAfter.String()
		}
		return fmt.Sprintf("APS is rate limiting (HTTP 429) and still was after %d retries; it asked to wait %s. Wait that long before calling again, or make fewer calls.", se.Retries, wait)
	case (se.Status == http.StatusBadRequest || se.Status == http.StatusNotFound || se.Status == http.StatusForbidden) &&
		strings.Contains(lower, "region"):
		if f.RegionArg != "" {
			return fmt.Sprintf("The data may live in another APS region: pass %s (one of %s).", f.RegionArg, strings.Join(regions, ", "))
		}
		return fmt.Sprintf("The data may live in another APS region (%s); this tool cannot choose one, so check the resource's region.", strings.Join(regions, ", "))
	case se.Status == http.StatusNotFound:
		if f.PathArgs != "" {
			return "Nothing exists at that address: check " + f.PathArgs + "."
		}
		return "Nothing exists at that address."
	case se.Status == http.StatusUnauthorized:
		return "APS refused a freshly issued token too: check the app's credentials and that this auth kind suits this API."
	}
	return ""
}

// scopeHint names the scopes the tool declares and the profile lacks, or,
// when it lacks none, says APS may want more than the tool declares.
func scopeHint(f HintFacts) string {
	var missing []string
	for _, s := range f.ToolScopes {
		if !slices.Contains(f.ProfileScopes, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("The token lacks scope %s: add it to auth.scopes of profile %s (%s).", strings.Join(missing, " "), f.Profile, f.ProfileFile)
	}
	return fmt.Sprintf("The token lacks a scope this call needs: %s declares %s and profile %s (%s) asks for %s; APS may need more, so check the operation's scopes and add them to auth.scopes.",
		f.Tool, strings.Join(f.ToolScopes, " "), f.Profile, f.ProfileFile, strings.Join(f.ProfileScopes, " "))
}
