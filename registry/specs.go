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
		for _, op := range specOperations(c.Tools[name]) {
			place := func(p specfacts.Problem) strictyaml.Problem {
				field, ok := op.fields[p.Field]
				if !ok {
					field = op.prefix + p.Field
					if strings.HasPrefix(p.Field, "params.") {
						field = "params" // a parameter the spec requires, which the tool lacks
					}
				}
				return strictyaml.Problem{File: c.File, Line: c.lines.Line("tools." + name + "." + field), Subject: "tool " + name,
					Field: field, Message: p.Message}
			}
			for _, p := range f.Check(op.tool) {
				problems = append(problems, place(p))
			}
			for _, p := range f.CheckReads(op.tool) {
				warnings = append(warnings, place(p))
			}
		}
	}
	return problems, warnings
}

// specOperation is one APS operation of a tool as the spec checker reads
// it, with the field of the tool's declaration each of the checker's
// fields stands for, and the prefix of the fields it does not map (a
// step's "steps.N.").
type specOperation struct {
	tool   specfacts.Tool
	fields map[string]string
	prefix string
}

// specOperations are the APS operations of t: its one request, or each
// step that goes to APS (not those sent to a URL an answer handed out).
func specOperations(t *Tool) []specOperation {
	if len(t.Steps) == 0 {
		st, fields := specTool(t)
		return []specOperation{{tool: st, fields: fields}}
	}
	return stepOperations(t)
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
