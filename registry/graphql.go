package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/internal/gqldoc"
	"github.com/aps-mcp/aps-mcp/specfacts"
)

// A GraphQL tool (the AEC Data Model's) declares its query document in
// graphql and its arguments as in: variable parameters. Its request is a
// POST of {"query": the document, compacted, "variables": {...}}: the
// variables are the declared parameters' values, checked like any other
// argument, and never spliced into the document, so an argument cannot
// change what the query asks; an argument the tool does not declare is
// refused like any other. A graphql-cursor listing adds the page size and
// the cursor variables (pagestyle_graphqlcursor.go), and a 200 answer
// that carries GraphQL errors fails with their messages (gather, list).

// graphqlErrors is the GraphQL errors a GraphQL tool's answer reports,
// which fail the call even beside data: the model would otherwise read
// a partial answer as whole. Nil for other tools.
func (t *Tool) graphqlErrors(body []byte) error {
	if t.gql == nil {
		return nil
	}
	if e := apshttp.GraphQLErrors(body); e != nil {
		return e
	}
	return nil
}

// graphqlRequest is the body of a GraphQL POST.
type graphqlRequest struct {
	Query     string                     `json:"query"`
	Variables map[string]json.RawMessage `json:"variables"`
}

// graphqlBody encodes the request for the tool's document with vars.
func (t *Tool) graphqlBody(vars map[string]any) ([]byte, error) {
	req := graphqlRequest{Query: t.gql.Compact(), Variables: make(map[string]json.RawMessage, len(vars))}
	for k, v := range vars {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", k, err)
		}
		req.Variables[k] = b
	}
	return json.Marshal(req)
}

// setVariable returns the GraphQL request body with variable name set to
// v, the rest as it was.
func setVariable(body []byte, name string, v any) ([]byte, error) {
	var req graphqlRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		return nil, fmt.Errorf("reading the GraphQL request to page it: %w", err)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if req.Variables == nil {
		req.Variables = map[string]json.RawMessage{}
	}
	req.Variables[name] = raw
	return json.Marshal(req)
}

// variableValue is the value of variable name in a GraphQL request body,
// as JSON; nil when it is not set.
func variableValue(body []byte, name string) json.RawMessage {
	var req graphqlRequest
	if json.Unmarshal(body, &req) != nil {
		return nil
	}
	return req.Variables[name]
}

// graphql checks a tool's GraphQL declaration: a query document that
// parses, sent by POST, whose variables and the tool's in: variable
// parameters (and its paginator's) match one to one.
func (v *validator) graphql(t *Tool, method string) {
	n := t.Name
	if t.GraphQL == "" {
		for _, pn := range sortedKeys(t.Params) {
			if p := t.Params[pn]; p != nil && p.In == InVariable {
				v.add(n, "params."+pn+".in", "only a tool with a graphql query document takes in: variable parameters")
			}
		}
		if t.Paginate != nil && t.Paginate.Style == graphqlCursorStyle {
			v.add(n, "paginate.style", "style %s pages a GraphQL query; this tool declares no graphql document", graphqlCursorStyle)
		}
		return
	}
	doc, err := gqldoc.Parse(t.GraphQL)
	if err != nil {
		v.add(n, "graphql", "%v", err)
		return
	}
	if doc.Operation != "query" {
		v.add(n, "graphql", "the document is a %s; tools.yaml takes GraphQL queries only, which change nothing", doc.Operation)
	}
	if method != "POST" {
		v.add(n, "method", "a GraphQL tool sends its query by POST, got %q", method)
	}
	set := map[string]string{} // variable -> what sets it
	for _, pn := range sortedKeys(t.Params) {
		p := t.Params[pn]
		if p == nil {
			continue
		}
		switch p.In {
		case InBody:
			v.add(n, "params."+pn+".in", "the body of a GraphQL tool is its query and variables; pass the value as in: variable")
		case InVariable:
			v.variableParam(t, doc, pn, p, set)
		}
	}
	if pg := t.Paginate; pg != nil {
		v.pagingVariables(t, doc, set)
	}
	for _, d := range doc.Variables {
		if _, ok := set[d.Name]; !ok {
			v.add(n, "graphql", "variable $%s is set by no parameter: declare one with in: variable and name: %s", d.Name, d.Name)
		}
	}
}

// variableParam checks one in: variable parameter against the document.
func (v *validator) variableParam(t *Tool, doc *gqldoc.Document, pn string, p *Param, set map[string]string) {
	n, f, name := t.Name, "params."+pn, p.WireName(pn)
	d := doc.Variable(name)
	if d == nil {
		v.add(n, f, "the graphql document defines no variable $%s", name)
		return
	}
	if other, dup := set[name]; dup {
		v.add(n, f, "variable $%s is already set by %s", name, other)
		return
	}
	set[name] = "parameter " + pn
	if d.NonNull() && d.Default == nil && !p.Required {
		v.add(n, f+".required", "variable $%s is %s, so the parameter must be required", name, d.Type)
	}
	typ := p.Type
	if typ == "" {
		typ = "string"
	}
	if want := jsonTypeOf(d.Type); want != "" && want != typ {
		v.add(n, f+".type", "variable $%s is %s, which takes %s values, not %s", name, d.Type, want, typ)
	}
}

// pagingVariables checks the variables the paginator sets: both defined
// by the document, and nullable, as the first page leaves the cursor out.
func (v *validator) pagingVariables(t *Tool, doc *gqldoc.Document, set map[string]string) {
	n, pg := t.Name, t.Paginate
	if pg.Style != graphqlCursorStyle {
		v.add(n, "paginate.style", "a GraphQL tool pages with style %s, got %q", graphqlCursorStyle, pg.Style)
		return
	}
	for _, pv := range []struct{ field, name string }{
		{"paginate.cursor_variable", pg.CursorVariable}, {"paginate.page_size_param", pg.PageSizeParam},
	} {
		if pv.name == "" {
			continue
		}
		d := doc.Variable(pv.name)
		switch {
		case d == nil:
			v.add(n, pv.field, "the graphql document defines no variable $%s", pv.name)
			continue
		case d.NonNull():
			v.add(n, pv.field, "variable $%s is %s, but the paginator leaves it out of the first page: make it nullable", pv.name, d.Type)
		}
		if other, dup := set[pv.name]; dup {
			v.add(n, pv.field, "variable $%s is also set by %s; the paginator sets it", pv.name, other)
		}
		set[pv.name] = "the paginator"
	}
}

// jsonTypeOf is the parameter type a GraphQL variable of type typ takes,
// or "" when any may do (an input object, an enum, a custom scalar).
func jsonTypeOf(typ string) string {
	typ = strings.TrimSuffix(typ, "!")
	if strings.HasPrefix(typ, "[") {
		return "array"
	}
	switch typ {
	case "ID", "String":
		return "string"
	case "Int":
		return "integer"
	case "Float":
		return "number"
	case "Boolean":
		return "boolean"
	}
	return ""
}

// selections lists every field doc selects, for the spec check, with the
// names of the arguments it gives each.
func selections(doc *gqldoc.Document) []specfacts.Selection {
	var out []specfacts.Selection
	var walk func(prefix string, fs []*gqldoc.Field)
	walk = func(prefix string, fs []*gqldoc.Field) {
		for _, f := range fs {
			s := specfacts.Selection{Path: prefix + f.Name}
			for _, a := range f.Args {
				s.Args = append(s.Args, a.Name)
			}
			out = append(out, s)
			walk(s.Path+".", f.Fields)
		}
	}
	walk("", doc.Fields)
	return out
}
