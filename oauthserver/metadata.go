package oauthserver

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/mark3labs/mcp-go/server"
)

// asMetadata is the RFC 8414 authorization server metadata.
type asMetadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	RegistrationEndpoint              string   `json:"registration_endpoint"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	ScopesSupported                   []string `json:"scopes_supported,omitempty"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	RevocationAuthMethodsSupported    []string `json:"revocation_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	ClientIDMetadataDocumentSupported bool     `json:"client_id_metadata_document_supported"`
	IssParameterSupported             bool     `json:"authorization_response_iss_parameter_supported"`
	ServiceDocumentation              string   `json:"service_documentation,omitempty"`
}

// serveASMetadata answers /.well-known/oauth-authorization-server. Every
// URL comes from the public URL, never from the request's Host, so a
// proxy in front cannot be talked into advertising another host.
func (s *Server) serveASMetadata(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, asMetadata{
		Issuer:                            s.issuer,
		AuthorizationEndpoint:             s.issuer + "/authorize",
		TokenEndpoint:                     s.issuer + "/token",
		RegistrationEndpoint:              s.issuer + "/register",
		RevocationEndpoint:                s.issuer + "/revoke",
		ScopesSupported:                   s.allScopes(),
		ResponseTypesSupported:            []string{"code"},
		ResponseModesSupported:            []string{"query"},
		GrantTypesSupported:               []string{"authorization_code", "refresh_token"},
		TokenEndpointAuthMethodsSupported: []string{"none"},
		RevocationAuthMethodsSupported:    []string{"none"},
		CodeChallengeMethodsSupported:     []string{"S256"},
		ClientIDMetadataDocumentSupported: true,
		IssParameterSupported:             true,
	})
}

// routeResourceMetadata serves each resource's RFC 9728 metadata at its
// path-suffixed well-known URL, and the first resource's at the bare one
// too, for clients that look there.
func (s *Server) routeResourceMetadata(mux *http.ServeMux) {
	for i, res := range s.cfg.Resources {
		h := server.NewProtectedResourceMetadataHandler(server.ProtectedResourceMetadataConfig{
			Resource:               s.ResourceURL(res.Path),
			AuthorizationServers:   []string{s.issuer},
			ScopesSupported:        res.Scopes,
			BearerMethodsSupported: []string{"header"},
			ResourceName:           s.cfg.ServerName + " " + res.Name,
		})
		mux.Handle(server.ProtectedResourceMetadataPath(s.ResourceURL(res.Path)), h)
		if i == 0 {
			mux.Handle(server.WellKnownProtectedResourcePath, h)
		}
	}
}

// resourceMetadataURL is what a 401 from res names (RFC 9728 §5.1).
func (s *Server) resourceMetadataURL(res Resource) string {
	return s.issuer + server.ProtectedResourceMetadataPath(s.ResourceURL(res.Path))
}

func (s *Server) allScopes() []string {
	var all []string
	for _, r := range s.cfg.Resources {
		for _, sc := range r.Scopes {
			if !slices.Contains(all, sc) {
				all = append(all, sc)
			}
		}
	}
	return all
}

// writeJSON answers v as JSON that no cache keeps; browser-based clients
// may read it from any origin (nothing here depends on cookies).
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// serveCORSPreflight lets browser-based clients call the JSON endpoints.
func serveCORSPreflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, MCP-Protocol-Version")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// oauthError is an RFC 6749 §5.2 error body.
type oauthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, oauthError{Code: code, Description: description})
}
