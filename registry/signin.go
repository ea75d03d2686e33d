package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/aps-mcp/aps-mcp/authproviders"
)

// signInWait is how long a tool call waits for the person to finish
// signing in after the client opened the sign-in page for them.
const signInWait = 5 * time.Minute

// signIn asks the client to open the sign-in page through URL-mode
// elicitation and waits for the sign-in to complete. It reports false when
// the client cannot do that (no URL elicitation, or a protocol version
// without server-initiated requests), or the person declined or took too
// long; the caller then returns the link as a tool error instead.
func (rt *Runtime) signIn(ctx context.Context, t *Tool, login *authproviders.LoginRequiredError) bool {
	srv := server.ServerFromContext(ctx)
	session := server.ClientSessionFromContext(ctx)
	if srv == nil || session == nil || !supportsURLElicitation(session) {
		return false
	}
	id := randomHex(12)
	res, err := srv.RequestURLElicitation(ctx, session, id, login.URL,
		fmt.Sprintf("Sign in to Autodesk Platform Services so that %s can act as you.", t.Name))
	if err != nil {
		rt.logger().Debug("URL elicitation not possible; returning the sign-in link", "tool", t.Name, "error", err)
		return false
	}
	if res.Action != mcp.ElicitationResponseActionAccept {
		rt.logger().Info("sign-in declined", "tool", t.Name, "action", res.Action)
		return false
	}
	waitCtx, cancel := context.WithTimeout(ctx, signInWait)
	defer cancel()
	if err := login.Wait(waitCtx); err != nil {
		return false
	}
	_ = srv.SendElicitationComplete(ctx, session, id)
	return true
}

func supportsURLElicitation(session server.ClientSession) bool {
	withInfo, ok := session.(server.SessionWithClientInfo)
	if !ok {
		return false
	}
	caps := withInfo.GetClientCapabilities()
	return caps.Elicitation != nil && caps.Elicitation.URL != nil
}

// loginResult tells the model to have the person sign in and call again.
func loginResult(t *Tool, login *authproviders.LoginRequiredError) *mcp.CallToolResult {
	return errorResult("%s needs you to sign in to Autodesk Platform Services first. Open this link in a browser and sign in, then call %s again: %s",
		t.Name, t.Name, login.URL)
}
