package apsemu

import "net/http"

// oauthError is an OAuth 2.0 error (RFC 6749 §5.2) from the token endpoint,
// with the HTTP status it travels with.
type oauthError struct {
	status      int
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

// Error descriptions of the token endpoint, with APS's documented wording
// (NOTES §2.1) where there is one; the others are the emulator's own.
const (
	descContentType            = "The request Content-Type must be 'application/x-www-form-urlencoded'."
	descBadForm                = "The request body is not a valid form."
	descBothCredentials        = "The 'client_id' is not supported in the request body when Authorization headers are present."
	descNoCredentials          = "No client credentials found."
	descBadCredentials         = "The client credentials are invalid."
	descInvalidGrantType       = "The token request must specify a valid 'grant_type'."
	descInvalidScope           = "The requested scope is invalid, unknown, malformed or exceeds the scope granted by the resource owner."
	descInvalidCode            = "The authorization code is invalid or has expired."
	descOtherClient            = "The grant was issued to another client."
	descRedirectMismatch       = "The 'redirect_uri' is invalid: it must equal the redirect_uri of the authorization request."
	descMalformedVerifier      = "The 'code_verifier' must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'."
	descInvalidRefreshToken    = "The refresh token is invalid or expired."
	descServiceAccountDisabled = "The service account is not currently in an enabled state."
)

// invalidRequest, invalidGrant and invalidClient build the errors of the
// three RFC 6749 codes the endpoints use most; invalid_client travels as 401.
func invalidRequest(description string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, Code: "invalid_request", Description: description}
}

func invalidGrant(description string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, Code: "invalid_grant", Description: description}
}

func invalidClient(description string) *oauthError {
	return &oauthError{status: http.StatusUnauthorized, Code: "invalid_client", Description: description}
}

// errInvalidScope is the documented invalid_scope error.
func errInvalidScope() *oauthError {
	return &oauthError{status: http.StatusBadRequest, Code: "invalid_scope", Description: descInvalidScope}
}

// errServer is the documented 500.
func errServer() *oauthError {
	return &oauthError{status: http.StatusInternalServerError, Code: "server_error", Description: "Generic internal server error."}
}

// errWrongMethod answers a method an authentication endpoint does not take.
func errWrongMethod(endpoint, method string) *oauthError {
	return &oauthError{status: http.StatusMethodNotAllowed, Code: "invalid_request",
		Description: "The " + endpoint + " endpoint only accepts " + method + " requests."}
}

// errMissingParameter is the documented "missing a required parameter" for
// any form field.
func errMissingParameter(name string) *oauthError {
	return invalidRequest("The request is missing a required parameter '" + name + "'.")
}

// errRepeatedParameter refuses a parameter sent more than once (RFC 6749 §3.1, §3.2).
func errRepeatedParameter(name string) *oauthError {
	return invalidRequest("The request includes the parameter '" + name + "' more than once.")
}

// writeClientError sends the error of a request that authenticates its
// client (token, revoke): a failed Basic authentication also names the
// scheme (RFC 6749 §5.2).
func writeClientError(w http.ResponseWriter, r *http.Request, e *oauthError) {
	if e.status == http.StatusUnauthorized && r.Header.Get("Authorization") != "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="Autodesk"`)
	}
	writeOAuthError(w, e)
}

// writeOAuthError sends an OAuth 2.0 error body from the token endpoint.
func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, e.status, contentTypeJSON, e)
}
