package apsemu

import (
	"net/http"
	"net/url"
	"strings"
)

// SessionCookie is the cookie, on the emulator's host, that plays the
// browser's Autodesk session: its value is the ID of the signed-in user.
// GET /authentication/v2/authorize signs in the user it names, DemoUserID
// when the browser sends none, and answers an error page (never a
// redirect) when it names no registered user. SignInPath sets it.
const SessionCookie = "apsemu_user"

// SignInPath is the emulator's own browser page that signs a user in:
// GET SignInPath?user=<user ID>&next=<URL> sets SessionCookie to the user
// and redirects to next, which must be on the emulator's own host
// (scheme, host and port), or answers a plain-text page without next.
const SignInPath = "/apsemu/sign-in"

// SignOutPath signs the browser out again: GET SignOutPath?next=<URL>
// clears SessionCookie (so the demo user signs in next) and redirects to
// next, checked as for SignInPath.
const SignOutPath = "/apsemu/sign-out"

// signInPathPrefix starts the emulator's own browser pages; they are not
// APS, so neither the gateway nor injected faults see them.
const signInPathPrefix = "/apsemu/"

// signInErrors are the plain-text pages of the emulator's browser pages.
func signInErrors() apiErrors {
	notFound := func(w http.ResponseWriter) { writePage(w, http.StatusNotFound, "not_found: There is no such page.") }
	return apiErrors{badPath: notFound, notFound: notFound, method: func(w http.ResponseWriter) {
		writePage(w, http.StatusMethodNotAllowed, "invalid_request: The sign-in pages only accept GET requests.")
	}}
}

// sessionUser returns the user the request's SessionCookie names, the demo
// user without one (or with an empty one, as a cleared cookie may come
// back); ok is false when it names nobody registered.
func (e *Emulator) sessionUser(r *http.Request) (id string, ok bool) {
	cookie, err := r.Cookie(SessionCookie)
	if err != nil || cookie.Value == "" {
		return DemoUserID, true
	}
	_, ok = e.user(cookie.Value)
	return cookie.Value, ok
}

// handleSignIn serves GET SignInPath.
func (e *Emulator) handleSignIn(w http.ResponseWriter, c *call) {
	q := c.query()
	u, ok := e.user(q.Get("user"))
	if !ok {
		writePage(w, http.StatusBadRequest, "invalid_request: The 'user' parameter must be the ID of a registered user.")
		return
	}
	next, ok := sameHostNext(c, q.Get("next"))
	if !ok {
		writePage(w, http.StatusBadRequest, "invalid_request: The 'next' parameter must be a URL on this emulator.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: u.ID, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	finishSignIn(w, next, "Signed in as "+u.GivenName+" "+u.FamilyName+" ("+u.ID+").")
}

// handleSignOut serves GET SignOutPath.
func (e *Emulator) handleSignOut(w http.ResponseWriter, c *call) {
	next, ok := sameHostNext(c, c.query().Get("next"))
	if !ok {
		writePage(w, http.StatusBadRequest, "invalid_request: The 'next' parameter must be a URL on this emulator.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	finishSignIn(w, next, "Signed out; the demo user signs in next.")
}

// finishSignIn redirects to next, or without one says what happened.
func finishSignIn(w http.ResponseWriter, next, done string) {
	if next == "" {
		writePage(w, http.StatusOK, done)
		return
	}
	w.Header().Set("Location", next)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

// sameHostNext checks a next parameter: empty, a path on this host ("/..."
// but not "//..."), or an absolute URL with the request's own scheme and
// host, so the page cannot send a browser anywhere else (an open redirect).
func sameHostNext(c *call, next string) (string, bool) {
	if next == "" {
		return "", true
	}
	u, err := url.Parse(next)
	if err != nil || u.User != nil || strings.Contains(next, "\\") {
		return "", false
	}
	if !u.IsAbs() {
		return next, u.Host == "" && strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//")
	}
	return next, u.Scheme+"://"+u.Host == c.base() && u.Opaque == ""
}
