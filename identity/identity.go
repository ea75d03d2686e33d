// Package identity carries who a request acts for: the person the team
// server's sign-in verified. The bearer check puts them in the request's
// context; the per-user APS token provider and the tool-call log read it.
package identity

import "context"

// User is a signed-in person as APS's user profile names them.
type User struct {
	ID    string // APS user id (the userinfo sub)
	Email string
	Name  string
}

type contextKey struct{}

// With returns ctx carrying u.
func With(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, contextKey{}, u)
}

// From returns the user ctx carries, if any.
func From(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(contextKey{}).(User)
	return u, ok && u.ID != ""
}
