package registry

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// failure turns an error from APS, or from the way there, into a result
// the model can act on: what happened, APS's own words, and what to do.
func (rt *Runtime) failure(t *Tool, req apiRequest, err error) *mcp.CallToolResult {
	var se *apshttp.StatusError
	var te *tokenError
	var tr *transportError
	switch {
	case errors.As(err, &se):
		msg := sentence(fmt.Sprintf("%s failed: %v", t.Name, se))
		if hint := rt.hint(t, req, se); hint != "" {
			msg += " " + hint
		}
		return errorResult("%s", msg)
	case errors.As(err, &te):
		return errorResult("%s failed: could not get an APS access token: %v", t.Name, te.err)
	case errors.As(err, &tr):
		retried := ""
		if tr.retries > 0 {
			retried = fmt.Sprintf(" (after %d retries)", tr.retries)
		}
		return errorResult("%s failed: could not reach APS at %s%s: %v", t.Name, rt.BaseURL, retried, tr.err)
	}
	return errorResult("%s failed: %v", t.Name, err)
}

// regions are APS's data regions, for the region hint.
var regions = []string{"US", "EMEA", "AUS", "CAN", "DEU", "IND", "JPN", "GBR"}

// hint says what to do about an APS error, where that is known.
func (rt *Runtime) hint(t *Tool, req apiRequest, se *apshttp.StatusError) string {
	switch {
	case se.Code == "AUTH-010" || se.Status == http.StatusForbidden && strings.Contains(strings.ToLower(se.Message), "scope"):
		var missing []string
		for _, s := range t.Scopes {
			if !slices.Contains(rt.Profile.Scopes, s) {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			return fmt.Sprintf("The token lacks scope %s: add it to auth.scopes of profile %s (%s).", strings.Join(missing, " "), rt.Profile.Name, rt.Profile.File)
		}
		return fmt.Sprintf("The token lacks a scope this call needs: %s declares %s and profile %s (%s) asks for %s; APS may need more, so check the operation's scopes and add them to auth.scopes.",
			t.Name, strings.Join(t.Scopes, " "), rt.Profile.Name, rt.Profile.File, strings.Join(rt.Profile.Scopes, " "))
	case se.Code == "AUTH-001":
		return "The APS app is not provisioned for this API: enable the API for the app at https://aps.autodesk.com/myapps, and for ACC or BIM 360 data add the app's client id as a custom integration in the account's admin settings."
	case se.Status == http.StatusTooManyRequests:
		wait := "a while"
		if se.RetryAfter > 0 {
			wait = se.RetryAfter.String()
		}
		return fmt.Sprintf("APS is rate limiting (HTTP 429) and still was after %d retries; it asked to wait %s. Wait that long before calling again, or make fewer calls.", se.Retries, wait)
	case (se.Status == http.StatusBadRequest || se.Status == http.StatusNotFound || se.Status == http.StatusForbidden) &&
		strings.Contains(strings.ToLower(se.Message), "region"):
		if p, ok := t.regionParam(); ok {
			return fmt.Sprintf("The data may live in another APS region: pass %s (one of %s).", p, strings.Join(regions, ", "))
		}
		return fmt.Sprintf("The data may live in another APS region (%s); this tool cannot choose one, so check the resource's region.", strings.Join(regions, ", "))
	case se.Status == http.StatusNotFound:
		if args := t.pathArgs(req); args != "" {
			return "Nothing exists at that address: check " + args + " (the matching list tool returns valid ids)."
		}
		return "Nothing exists at that address."
	case se.Status == http.StatusUnauthorized:
		return "APS refused a freshly issued token too: check the app's credentials and that this auth kind suits this API."
	}
	return ""
}

// regionParam finds an argument that sets the region, if the tool has one.
func (t *Tool) regionParam() (string, bool) {
	for _, name := range t.argNames {
		if strings.Contains(strings.ToLower(t.Params[name].WireName(name)), "region") {
			return name, true
		}
	}
	return "", false
}

// pathArgs names the path arguments of a request, with their values.
func (t *Tool) pathArgs(req apiRequest) string {
	var parts []string
	for _, name := range t.argNames {
		if p := t.Params[name]; p.In == InPath {
			if v, ok := req.PathValues[name]; ok {
				parts = append(parts, fmt.Sprintf("%s (%s)", name, quoteShort(v)))
			}
		}
	}
	return strings.Join(parts, " and ")
}

// sentence ends s with a full stop unless it has one.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}
