package oauthserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/identity"
	"github.com/aps-mcp/aps-mcp/store"
)

// sessionCookie names the browser's sign-in session here, which lets a
// person's remembered consents skip the consent page and the sign-out
// page know who signs out.
const sessionCookie = "aps_mcp_session"

// session is a browser's sign-in here.
type session struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
}

// codeGrant is what an authorization code stands for until the client
// redeems it.
type codeGrant struct {
	Request authRequest   `json:"request"`
	User    identity.User `json:"user"`
}

// exchangeTimeout bounds the APS requests a callback makes.
const exchangeTimeout = 30 * time.Second

// serveCallback is where APS sends the browser back: the APS code becomes
// the person's APS tokens (kept sealed, or revoked when the resource acts
// as the app), and the client gets a code of this server's own.
func (s *Server) serveCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	raw, err := s.cfg.Store.Take(r.Context(), "signin:"+q.Get("state"))
	if errors.Is(err, store.ErrNotFound) || q.Get("state") == "" {
		renderMessage(w, http.StatusBadRequest, "Sign-in link not valid",
			"This sign-in is unknown, was already finished, or has expired. Start again from your assistant.", "")
		return
	}
	if err != nil {
		s.unavailable(w, err)
		return
	}
	var p pendingSignIn
	if err := json.Unmarshal(raw, &p); err != nil {
		s.unavailable(w, err)
		return
	}
	if e := q.Get("error"); e != "" {
		code := "access_denied"
		if e != "access_denied" {
			code = "server_error"
		}
		s.redirectError(w, r, p.Request.RedirectURI, p.Request.State, &authorizeError{code, "Autodesk sign-in did not complete: " + e})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), exchangeTimeout)
	defer cancel()
	user, err := s.signIn(ctx, p, q.Get("code"))
	if err != nil {
		var refusal *signInRefusal
		if errors.As(err, &refusal) {
			renderMessage(w, http.StatusForbidden, refusal.title, refusal.message, "")
			return
		}
		s.log.Warn("APS sign-in failed", "error", err)
		renderMessage(w, http.StatusBadGateway, "Sign-in not completed", "Autodesk did not finish the sign-in. Start again from your assistant.", err.Error())
		return
	}
	s.finishAuthorization(w, r, p, user)
}

// signInRefusal is a sign-in this server turns down, with what to tell
// the person.
type signInRefusal struct{ title, message string }

func (e *signInRefusal) Error() string { return e.title }

// signIn exchanges APS's code, learns who signed in and checks they may.
func (s *Server) signIn(ctx context.Context, p pendingSignIn, code string) (identity.User, error) {
	res, _ := s.resource(p.Request.Resource)
	g, err := res.SignIn.Exchange(ctx, code, p.Verifier)
	if err != nil {
		return identity.User{}, err
	}
	prof, err := res.SignIn.Profile(ctx, g.AccessToken)
	if err != nil {
		s.revokeAPS(ctx, res, g)
		return identity.User{}, err
	}
	user := identity.User{ID: prof.ID, Email: prof.Email, Name: prof.Name}
	switch {
	case !s.cfg.Allowed.permits(prof):
		s.revokeAPS(ctx, res, g)
		s.log.Warn("sign-in refused: not on the allowed list", "user", prof.Email)
		return identity.User{}, &signInRefusal{"Not allowed", fmt.Sprintf("%s may not use this server. Ask its administrator to add you.", prof.Email)}
	case !p.Consented && p.ExpectUser != user.ID:
		// The remembered consent was another person's.
		s.revokeAPS(ctx, res, g)
		return identity.User{}, &signInRefusal{"Signed in as someone else",
			"You signed in to Autodesk as " + prof.Email + ", not as the person this browser was signed in as here. Sign out at /signout and start again from your assistant."}
	}
	if res.KeepsAPSTokens {
		err = s.saveAPSGrant(ctx, res, user.ID, g)
	} else {
		s.revokeAPS(ctx, res, g) // the app's own identity serves the calls
	}
	return user, err
}

// permits reports whether the profile may sign in.
func (a Allowed) permits(p authproviders.Profile) bool {
	if len(a.Emails) == 0 && len(a.Domains) == 0 {
		return true
	}
	email := strings.ToLower(strings.TrimSpace(p.Email))
	_, domain, ok := strings.Cut(email, "@")
	if !ok || !p.EmailVerified {
		return false
	}
	return slices.ContainsFunc(a.Emails, func(e string) bool { return strings.EqualFold(e, email) }) ||
		slices.ContainsFunc(a.Domains, func(d string) bool { return strings.EqualFold(strings.TrimPrefix(d, "@"), domain) })
}

// finishAuthorization remembers the consent and the browser's session and
// sends the client its code.
func (s *Server) finishAuthorization(w http.ResponseWriter, r *http.Request, p pendingSignIn, user identity.User) {
	ctx := r.Context()
	if p.Consented {
		if err := s.rememberConsent(ctx, user.ID, p.Request); err != nil {
			s.log.Warn("remembering a consent failed", "error", err)
		}
	}
	sid := authproviders.RandomToken()
	raw, _ := json.Marshal(session{UserID: user.ID, Email: user.Email, Name: user.Name})
	if err := s.cfg.Store.Put(ctx, hashKey("session:", sid), raw, sessionTTL); err == nil {
		http.SetCookie(w, s.cookie(sessionCookie, sid, "/", sessionTTL))
	}
	code := authproviders.RandomToken()
	raw, _ = json.Marshal(codeGrant{Request: p.Request, User: user})
	if err := s.cfg.Store.Put(ctx, hashKey("code:", code), raw, codeTTL); err != nil {
		s.unavailable(w, err)
		return
	}
	s.log.Info("signed in", "user", user.Email, "client", p.Request.ClientName)
	v := url.Values{"code": {code}, "iss": {s.issuer}}
	if p.Request.State != "" {
		v.Set("state", p.Request.State)
	}
	http.Redirect(w, r, withQuery(p.Request.RedirectURI, v), http.StatusFound)
}

// session returns the browser's session here, if it has one.
func (s *Server) session(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return session{}, false
	}
	raw, err := s.cfg.Store.Get(r.Context(), hashKey("session:", c.Value))
	if err != nil {
		return session{}, false
	}
	var sess session
	return sess, json.Unmarshal(raw, &sess) == nil && sess.UserID != ""
}
