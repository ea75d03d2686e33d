package registry

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// failure turns an error from APS, or from the way there, into a result
// the model can act on: what happened, APS's own words, and what to do.
func (rt *Runtime) failure(t *Tool, req apiRequest, err error) *mcp.CallToolResult {
	var se *apshttp.StatusError
	var te *apshttp.TokenError
	var tr *apshttp.TransportError
	switch {
	case errors.As(err, &se):
		msg := sentence(fmt.Sprintf("%s failed: %v", t.Name, se))
		if hint := apshttp.Hint(se, rt.hintFacts(t, req)); hint != "" {
			msg += " " + hint
		}
		return errorResult("%s", msg)
	case errors.As(err, &te):
		return errorResult("%s failed: could not get an APS access token: %v", t.Name, te.Err)
	case errors.As(err, &tr):
		retried := ""
		if tr.Retries > 0 {
			retried = fmt.Sprintf(" (after %d retries)", tr.Retries)
		}
		return errorResult("%s failed: could not reach APS at %s%s: %v", t.Name, rt.BaseURL, retried, tr.Err)
	}
	return errorResult("%s failed: %v", t.Name, err)
}

// hintFacts are what an APS error hint may name about the call.
func (rt *Runtime) hintFacts(t *Tool, req apiRequest) apshttp.HintFacts {
	return apshttp.HintFacts{
		Tool: t.Name, ToolScopes: t.Scopes,
		Profile: rt.Profile.Name, ProfileFile: rt.Profile.File, ProfileScopes: rt.Profile.Scopes,
		RegionArg: t.regionParam(), PathArgs: t.pathArgs(req),
	}
}

// regionParam is the argument that sets the region, or "" when the tool
// has none.
func (t *Tool) regionParam() string {
	for _, name := range t.argNames {
		if strings.Contains(strings.ToLower(t.Params[name].WireName(name)), "region") {
			return name
		}
	}
	return ""
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
