package authproviders

import (
	"context"
	"net/http"
)

// LoginRequiredError is what Token returns when a person must sign in
// before the provider can hand out a token. URL is the page to open; it
// carries no token or secret.
type LoginRequiredError struct {
	URL string
	// Wait blocks until the sign-in completes (or ctx ends).
	Wait func(ctx context.Context) error
}

// Error tells the person what to do.
func (e *LoginRequiredError) Error() string {
	return "sign-in to Autodesk Platform Services is needed: open " + e.URL
}

// CallbackServer is implemented by providers that receive the browser's
// OAuth redirect. The server mounts ServeHTTP at the path of RedirectURI.
type CallbackServer interface {
	http.Handler
	// RedirectURI is the registered callback URL.
	RedirectURI() string
}
