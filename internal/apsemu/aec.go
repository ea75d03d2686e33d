package apsemu

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/aps-mcp/aps-mcp/internal/gqldoc"
)

// The AEC Data Model GraphQL endpoint (the reference's "POST aec/graphql";
// the beta's /aecdatamodel/graphql is retired). It needs a user-context
// token, as the docs say; the reference lists data:create, data:read
// and data:write as its scopes, and the emulator asks queries for
// data:read alone, which is what reading takes elsewhere on APS (an
// unverified choice). Answers follow GraphQL over HTTP as Apollo-style
// servers give it: a document that does not parse or validate, or a
// request without a required variable, is a 400 whose body holds only
// errors; a valid query is a 200 with data, and errors beside it for the
// fields that failed (an unknown id, a bad filter or cursor).

const (
	aecPathPrefix  = "/aec/"
	aecGraphQLPath = "/aec/graphql"
	// aecMaxBody bounds a request; the documents the tools send are
	// well under a kilobyte.
	aecMaxBody = 1 << 20
)

// aecRegions are the values of the Region header; US when it is absent.
func aecRegions() []string { return []string{"US", "EMEA", "AUS"} }

// aecAPI is the AEC Data Model's one endpoint.
func aecAPI() api {
	errs := gatewayNotFound()
	errs.method = func(w http.ResponseWriter) {
		writeGraphQLErrors(w, http.StatusMethodNotAllowed, "", "GraphQL requests to this endpoint are sent by POST.")
	}
	errs.appOnly = func(w http.ResponseWriter) {
		writeGraphQLErrors(w, http.StatusForbidden, "FORBIDDEN", dmDetailUserContextNeeded)
	}
	return api{paths: []string{aecPathPrefix}, bearer: true, errs: errs, routes: []route{
		{http.MethodPost, aecGraphQLPath, []string{scopeDataRead}, (*Emulator).handleAECGraphQL},
	}}
}

// gqlAnswer is a GraphQL answer body; data is left out when the request
// never reached execution.
type gqlAnswer struct {
	Data   json.RawMessage `json:"data,omitempty"`
	Errors []gqlError      `json:"errors,omitempty"`
}

// writeGraphQLErrors answers with one GraphQL error and no data.
func writeGraphQLErrors(w http.ResponseWriter, status int, code, message string) {
	e := gqlError{Message: message}
	if code != "" {
		e.Extensions = map[string]string{"code": code}
	}
	writeJSON(w, status, contentTypeJSON, gqlAnswer{Errors: []gqlError{e}})
}

// gqlRequest is a GraphQL request body.
type gqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

// handleAECGraphQL serves POST /aec/graphql.
func (e *Emulator) handleAECGraphQL(w http.ResponseWriter, c *call) {
	region := strings.ToUpper(c.r.Header.Get("Region"))
	if region == "" {
		region = "US"
	}
	if !slices.Contains(aecRegions(), region) {
		writeGraphQLErrors(w, http.StatusBadRequest, gqlCodeBadInput, "The Region header must be US, EMEA or AUS.")
		return
	}
	req, err := readGraphQLRequest(c.r)
	if err != nil {
		writeGraphQLErrors(w, http.StatusBadRequest, gqlCodeBadInput, err.Error())
		return
	}
	doc, err := gqldoc.Parse(req.Query)
	if err != nil {
		writeGraphQLErrors(w, http.StatusBadRequest, gqlCodeParse, "Syntax Error: "+strings.TrimPrefix(err.Error(), "graphql: "))
		return
	}
	if doc.Operation != "query" {
		writeGraphQLErrors(w, http.StatusBadRequest, gqlCodeValidation, "The emulator answers queries only, not "+doc.Operation+"s.")
		return
	}
	x := &aecExec{e: e, schema: aecSchema(), region: region}
	if x.vars, err = coerceVariables(doc, req.Variables); err != nil {
		writeGraphQLErrors(w, http.StatusBadRequest, gqlCodeBadInput, err.Error())
		return
	}
	if errs := x.validate("Query", doc.Fields); len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, contentTypeJSON, gqlAnswer{Errors: errs})
		return
	}
	data, errs := x.execute(doc.Fields)
	writeJSON(w, http.StatusOK, contentTypeJSON, gqlAnswer{Data: data, Errors: errs})
}

// readGraphQLRequest reads a JSON request, or an application/graphql one
// whose body is the document.
func readGraphQLRequest(r *http.Request) (gqlRequest, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, aecMaxBody))
	if err != nil {
		return gqlRequest{}, fmt.Errorf("the request body could not be read: %w", err)
	}
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var req gqlRequest
	switch media {
	case "application/json":
		if err := json.Unmarshal(body, &req); err != nil {
			return gqlRequest{}, fmt.Errorf("the request body is not a JSON GraphQL request: %w", err)
		}
	case "application/graphql":
		req.Query = string(body)
	default:
		return gqlRequest{}, fmt.Errorf("the Content-Type must be application/json (or application/graphql), got %q", media)
	}
	if strings.TrimSpace(req.Query) == "" {
		return gqlRequest{}, fmt.Errorf("the request has no query")
	}
	return req, nil
}

// coerceVariables checks the request's variables against the document's
// definitions, as GraphQL does before executing: a required one must be
// given, a given one must fit its type; defaults fill the rest.
func coerceVariables(doc *gqldoc.Document, given map[string]any) (map[string]any, error) {
	vars := make(map[string]any, len(doc.Variables))
	for _, d := range doc.Variables {
		v, present := given[d.Name]
		if !present || v == nil {
			switch {
			case d.Default != nil:
				def, err := d.Default.Resolve(nil)
				if err != nil {
					return nil, err
				}
				vars[d.Name] = def
			case d.NonNull():
				return nil, &gqlFail{gqlCodeBadInput, fmt.Sprintf("Variable \"$%s\" of required type %q was not provided.", d.Name, d.Type)}
			}
			continue
		}
		if !fitsType(v, d.Type) {
			raw, _ := json.Marshal(v)
			return nil, &gqlFail{gqlCodeBadInput, fmt.Sprintf("Variable \"$%s\" got invalid value %s; expected type %q.", d.Name, raw, d.Type)}
		}
		vars[d.Name] = v
	}
	return vars, nil
}

// fitsType reports whether a JSON value fits a variable type: scalars by
// their JSON kind, a list element by element (or one value, which GraphQL
// coerces to a list of one), anything else (input objects, enums) as given.
func fitsType(v any, typ string) bool {
	typ = strings.TrimSuffix(typ, "!")
	if inner, ok := strings.CutPrefix(typ, "["); ok {
		inner = strings.TrimSuffix(inner, "]")
		list, isList := v.([]any)
		if !isList {
			return fitsType(v, inner)
		}
		for _, e := range list {
			if e != nil && !fitsType(e, inner) {
				return false
			}
		}
		return true
	}
	switch typ {
	case "ID":
		switch v.(type) {
		case string, float64:
			return true
		}
		return false
	case "String":
		_, ok := v.(string)
		return ok
	case "Int":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "Float":
		_, ok := v.(float64)
		return ok
	case "Boolean":
		_, ok := v.(bool)
		return ok
	}
	return true
}
