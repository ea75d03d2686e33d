package registry

import (
	"fmt"
	"strings"

	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
	"github.com/aps-mcp/aps-mcp/specfacts"
)

// CheckSpecs compares every tool with what APS's OpenAPI specs say of its
// operation (specfacts). What the operation does not have (method, path,
// parameter, location, enum value) is a problem; a field the tool reads
// from the answer that the operation's response schema lacks is a
// warning, since the specs leave out fields APS sends. Each names the
// tool, the field of its declaration and its line.
func (c *Catalog) CheckSpecs(f *specfacts.Facts) (problems, warnings strictyaml.Problems) {
	for _, name := range c.Names() {
		t := c.Tools[name]
		st, fields := specTool(t)
		place := func(p specfacts.Problem) strictyaml.Problem {
			field, ok := fields[p.Field]
			if !ok {
				field = p.Field
				if strings.HasPrefix(field, "params.") {
					field = "params" // a parameter the spec requires, which the tool lacks
				}
			}
			return strictyaml.Problem{File: c.File, Line: c.lines.Line("tools." + name + "." + field), Subject: "tool " + name,
				Field: field, Message: p.Message}
		}
		for _, p := range f.Check(st) {
			problems = append(problems, place(p))
		}
		for _, p := range f.CheckReads(st) {
			warnings = append(warnings, place(p))
		}
	}
	return problems, warnings
}

// specTool describes t the way the spec checker reads it, with the field
// of t's declaration each of the checker's fields stands for.
func specTool(t *Tool) (specfacts.Tool, map[string]string) {
	st := specfacts.Tool{Name: t.Name, Method: t.Method, Path: t.Path}
	fields := map[string]string{}
	for _, arg := range t.argNames {
		p := t.Params[arg]
		if p.In == InVariable {
			continue // checked against the document at load; the document is checked below
		}
		sp := specfacts.Param{Name: p.WireName(arg), In: p.In, Required: p.Required}
		for _, e := range p.Enum {
			sp.Enum = append(sp.Enum, fmt.Sprint(e))
		}
		st.Params = append(st.Params, sp)
		fields["params."+sp.Name] = "params." + arg
	}
	for _, h := range sortedKeys(t.Headers) {
		st.Params = append(st.Params, specfacts.Param{Name: h, In: specfacts.InHeader})
		fields["params."+h] = "headers." + h
	}
	if t.gql != nil {
		st.Params = append(st.Params, specfacts.Param{Name: "query", In: specfacts.InBody, Required: true},
			specfacts.Param{Name: "variables", In: specfacts.InBody})
		fields["params.query"], fields["params.variables"] = "graphql", "graphql"
		st.GraphQL = selections(t.gql)
	}
	var item []string // where the result projection starts: the answer, or each listed item
	if pg := t.Paginate; pg != nil {
		if b, ok := pageStyles[pg.Style].(interface{ inBody() bool }); ok && b.inBody() {
			// The paginator's fields are body properties the spec must have.
			for _, name := range []string{pg.PageSizeParam, pg.OffsetParam} {
				if name != "" {
					st.Params = append(st.Params, specfacts.Param{Name: name, In: specfacts.InBody})
				}
			}
			fields["params."+pg.PageSizeParam], fields["params."+pg.OffsetParam] = "paginate.page_size_param", "paginate.offset_param"
		} else if t.gql == nil { // a GraphQL tool's paginator sets variables, not query parameters
			st.PageSizeParam, st.OffsetParam = pg.PageSizeParam, pg.OffsetParam
		}
		for _, r := range []struct{ field, path string }{
			{"paginate.items", pg.Items}, {"paginate.next", pg.Next}, {"paginate.total", pg.Total}, {"paginate.warnings", pg.Warnings},
		} {
			for _, path := range reads(r.path, nil) {
				st.Reads = append(st.Reads, specfacts.Read{Field: r.field, Path: path})
			}
		}
		item = append(strings.Split(pg.Items, "."), specfacts.Each)
	}
	if t.Result != "" {
		for _, path := range reads(t.Result, item) {
			st.Reads = append(st.Reads, specfacts.Read{Field: "result", Path: path})
		}
	}
	return st, fields
}
