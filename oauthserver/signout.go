package oauthserver

import (
	"context"
	"net/http"
	"time"
)

// serveSignOutPage shows who this browser is signed in as, with a button
// that signs them out.
func (s *Server) serveSignOutPage(w http.ResponseWriter, r *http.Request) {
	view := signOutView{Title: "Sign out of " + s.cfg.ServerName, ServerName: s.cfg.ServerName}
	if sess, ok := s.session(r); ok {
		c, _ := r.Cookie(sessionCookie)
		view.Email, view.Session = sess.Email, c.Value
	}
	renderPage(w, http.StatusOK, "signout", view)
}

// serveSignOut signs the browser's person out: every MCP grant they gave
// any client ends, and their APS tokens here are revoked at APS and
// dropped. The form must carry the session it signs out, which another
// site cannot read, so no other site can sign anyone out.
func (s *Server) serveSignOut(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.session(r)
	c, _ := r.Cookie(sessionCookie)
	if !ok || c == nil || r.PostFormValue("session") != c.Value {
		renderMessage(w, http.StatusBadRequest, "Not signed out", "This browser is not signed in here, or the sign-out form is not this browser's.", "")
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), exchangeTimeout)
	defer cancel()
	s.SignOut(ctx, sess.UserID)
	_ = s.cfg.Store.Delete(ctx, hashKey("session:", c.Value))
	http.SetCookie(w, s.cookie(sessionCookie, "", "/", -time.Second))
	renderMessage(w, http.StatusOK, "Signed out", sess.Email+" is signed out: assistants that used this server must sign in again, and your Autodesk tokens here were revoked. You can close this tab.", "")
}

// SignOut ends a person's access on both layers: their MCP grants, and
// their APS tokens for every resource (revoked at APS, then dropped).
func (s *Server) SignOut(ctx context.Context, userID string) {
	s.revokeUserGrants(ctx, userID, "")
	for _, res := range s.cfg.Resources {
		if !res.KeepsAPSTokens {
			continue
		}
		if g, _, err := s.loadAPSGrant(ctx, res, userID); err == nil {
			s.revokeAPS(ctx, res, g)
		}
		if err := s.cfg.Store.Delete(ctx, apsGrantKey(res, userID)); err != nil {
			s.log.Warn("dropping APS tokens at sign-out failed", "error", err)
		}
	}
	if s.cfg.OnSignOut != nil {
		s.cfg.OnSignOut(userID)
	}
	s.log.Info("signed out", "user_id", userID)
}
