package registry

import (
	"errors"
	"fmt"
	"net/http"
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
	var bad *apshttp.AnswerError
	var gql *apshttp.GraphQLError
	switch {
	case errors.As(err, &gql):
		return errorResult("%s failed: %v", t.Name, sentence(gql.Error()))
	case errors.As(err, &te) && errors.As(err, &se):
		// The token endpoint refused: its hints are about credentials.
		facts := rt.hintFacts(t, req)
		facts.TokenRequest = true
		return errorResult("%s", withHint(sentence(fmt.Sprintf("%s failed: could not get an APS access token: %v", t.Name, te.Err)), apshttp.Hint(se, facts)))
	case errors.As(err, &se):
		hint := apshttp.Hint(se, rt.hintFacts(t, req))
		// An id of the wrong kind explains a 404, or a 400 nothing else explains.
		if note := t.misplacedIDs(req); note != "" && (se.Status == http.StatusNotFound || se.Status == http.StatusBadRequest && hint == "") {
			hint = note
		}
		return errorResult("%s", withHint(sentence(fmt.Sprintf("%s failed: %v", t.Name, se)), hint))
	case te != nil:
		return errorResult("%s failed: could not get an APS access token: %v", t.Name, te.Err)
	case errors.As(err, &tr) && req.URL != "":
		return errorResult("%s failed: could not reach the signed URL APS handed out%s: %v", t.Name, retried(tr.Retries), tr.Err)
	case errors.As(err, &tr):
		return errorResult("%s failed: could not reach APS at %s%s: %v", t.Name, rt.BaseURL, retried(tr.Retries), tr.Err)
	case errors.As(err, &bad):
		return errorResult("%s failed%s: %v", t.Name, retried(bad.Retries), bad)
	}
	return errorResult("%s failed: %v", t.Name, err)
}

// withHint is msg followed by hint, if there is one.
func withHint(msg, hint string) string {
	if hint == "" {
		return msg
	}
	return msg + " " + hint
}

// retried says how often a request was retried, if it was.
func retried(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (after %d retries)", n)
}

// limitError is a result over max_bytes that cannot be cut at an item: a
// single answer, or a listing's first item.
type limitError struct {
	what        string // "its answer", "one item of the listing alone"
	size, limit int
	source      string // where the limit is set
}

func (e *limitError) Error() string {
	return fmt.Sprintf("%s is %d bytes of JSON after projection, over the limit of %d bytes (%s); narrow the request or the tool's result, or raise the limit",
		e.what, e.size, e.limit, e.source)
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

// pathArgs names the path arguments of a request, with their values as
// given and the tools that return valid ones.
func (t *Tool) pathArgs(req apiRequest) string {
	var b strings.Builder
	sourced := false // whether the last part ends with its source
	for _, name := range t.argNames {
		p := t.Params[name]
		v, ok := req.PathValues[name]
		if p.In != InPath || !ok {
			continue
		}
		switch {
		case b.Len() > 0 && sourced:
			b.WriteString(", and ")
		case b.Len() > 0:
			b.WriteString(" and ")
		}
		b.WriteString(p.source.describe(name, v))
		sourced = len(p.source.tools) > 0
	}
	return b.String()
}

// misplacedIDs says which path arguments hold an id of the wrong kind,
// and what to pass instead; "" when none does.
func (t *Tool) misplacedIDs(req apiRequest) string {
	var notes []string
	for _, name := range t.argNames {
		if v, ok := req.PathValues[name]; ok {
			if note := t.Params[name].misplacedItemID(name, v); note != "" {
				notes = append(notes, note)
			}
		}
	}
	return strings.Join(notes, " ")
}

// sentence ends s with a full stop unless it has one.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}
