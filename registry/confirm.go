package registry

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// confirmID keys the confirmation among a call's input requests.
const confirmID = "confirm"

// confirmSchema is the form a confirmation shows: nothing to fill in, only
// accept, decline or cancel.
var confirmSchema = map[string]any{"type": "object", "properties": map[string]any{}}

// confirm returns nil when the call may go ahead, else the result to
// answer with instead. A destructive tool asks the person first, through
// form elicitation, as a multi round-trip request: clients of protocol
// 2026-07-28 and later answer it and call again; for earlier clients
// mcp-go sends elicitation/create itself and calls the handler again with
// the answer. A client that cannot elicit is refused, unless the profile
// allows unconfirmed destructive calls. The request state signs the tool
// and its arguments, so an answer confirms only the call it was asked for.
func (c *toolCall) confirm(ctx context.Context, mreq mcp.CallToolRequest, req apiRequest) *mcp.CallToolResult {
	t := c.tool
	if !t.Destructive() {
		return nil
	}
	state := c.rt.confirmState(t, c.args)
	if answer := server.ElicitationResponse(mreq.Params.InputResponses, confirmID); answer != nil {
		switch {
		case !hmac.Equal([]byte(mreq.Params.RequestState), []byte(state)):
			return errorResult("%s was not run: the confirmation sent with it was not asked for this call and these arguments. Nothing was changed.", t.Name)
		case answer.Action == mcp.ElicitationResponseActionAccept:
			c.rt.logger().Info("destructive call confirmed", "tool", t.Name)
			return nil
		}
		c.rt.logger().Info("destructive call not confirmed", "tool", t.Name, "action", answer.Action)
		return errorResult("%s was not run: the person %s the confirmation. Nothing was deleted; call it again only if they ask for it.",
			t.Name, refusalVerb(answer.Action))
	}
	if !clientElicitsForms(ctx) {
		if c.rt.AllowUnconfirmedDestructive {
			return nil
		}
		return errorResult("%s was not run: it permanently deletes data, so it asks the person to confirm first, and this MCP client "+
			"did not declare the elicitation capability it would ask through. Use a client that supports elicitation, or set "+
			"tools.allow_unconfirmed_destructive: true in %s to let destructive tools run without asking.", t.Name, c.rt.Profile.editableFile())
	}
	return server.NewInputRequestBuilder(state).Elicit(confirmID, mcp.ElicitationParams{
		Mode:            mcp.ElicitationModeForm,
		Message:         confirmMessage(t, req),
		RequestedSchema: confirmSchema,
	}).ToolResult()
}

// confirmMessage names the tool and what it will delete: the APS request
// and the arguments that pick the thing, then what the tool says it does.
func confirmMessage(t *Tool, req apiRequest) string {
	var picked []string
	for _, name := range t.argNames {
		if v, ok := req.PathValues[name]; ok {
			picked = append(picked, name+" "+v)
		}
	}
	what := t.Title
	if len(picked) > 0 {
		what += ": " + strings.Join(picked, ", ")
	}
	return fmt.Sprintf("Allow %s to run? %s (%s %s). %s", t.Name, what, req.Method, req.Path, t.Description)
}

func refusalVerb(a mcp.ElicitationResponseAction) string {
	if a == mcp.ElicitationResponseActionDecline {
		return "declined"
	}
	return "cancelled"
}

// confirmState is the request state of a confirmation: the tool and its
// arguments, signed with the cursor key.
func (rt *Runtime) confirmState(t *Tool, args map[string]any) string {
	body := "confirm." + t.Name + "." + argsDigest(args)
	return body + "." + base64.RawURLEncoding.EncodeToString(rt.sign(body))
}

// clientElicitsForms reports whether the client declared form elicitation:
// on this request (protocol 2026-07-28 and later), else at initialize. An
// empty elicitation capability means form mode.
func clientElicitsForms(ctx context.Context) bool {
	var caps *mcp.ClientCapabilities
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		caps = info.ClientCapabilities
	} else if s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo); ok {
		declared := s.GetClientCapabilities()
		caps = &declared
	}
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	return caps.Elicitation.Form != nil || caps.Elicitation.URL == nil
}
