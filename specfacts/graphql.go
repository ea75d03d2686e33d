package specfacts

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// GraphQLField is what reviewed facts say of one root query field of a
// GraphQL endpoint (an Operation whose GraphQL lists it): its arguments,
// and the shape of its value as Fields, lists as Each. GraphQL tools are
// checked against these beside the endpoint's HTTP facts.
type GraphQLField struct {
	// Field is the root field's name, e.g. elementsByElementGroup.
	Field string `json:"field"`
	// Docs are the doc pages its facts come from.
	Docs []string `json:"docs"`
	// Args are the arguments of the field, under "", and of the fields
	// below it that take any, under their dotted path from it (e.g.
	// "results.properties").
	Args map[string][]GraphQLArg `json:"args,omitempty"`
	// Response is the field names of the field's value.
	Response Fields `json:"response"`
}

// GraphQLArg is one argument of a GraphQL field.
type GraphQLArg struct {
	Name string `json:"name"`
	// Required is a non-null argument without a default.
	Required bool `json:"required,omitempty"`
}

// Selection is one field a GraphQL tool's query document selects.
type Selection struct {
	// Path is the field's dotted path of schema names (not aliases), its
	// root query field first, e.g. elementsByElementGroup.results.name.
	Path string
	// Args are the names of the arguments the document gives the field.
	Args []string
}

func checkReviewedGraphQL(fields []GraphQLField) error {
	seen := map[string]bool{}
	for _, g := range fields {
		switch {
		case g.Field == "":
			return errors.New("a graphql entry without field")
		case seen[g.Field]:
			return fmt.Errorf("graphql field %s is described twice", g.Field)
		case len(g.Docs) == 0:
			return fmt.Errorf("graphql field %s: no doc URL: list in docs the Autodesk doc pages its facts come from", g.Field)
		}
		seen[g.Field] = true
		for _, d := range g.Docs {
			if err := checkDocURL(d); err != nil {
				return fmt.Errorf("graphql field %s: %w", g.Field, err)
			}
		}
	}
	return nil
}

// checkGraphQL compares the selections of a GraphQL tool with the
// endpoint's root fields: each root field known, each field below it in
// the field's value, each argument one the field takes, and every
// required argument given. GraphQL refuses a query that breaks any of
// these, so they are problems, not warnings.
func checkGraphQL(t Tool, op *Operation) []Problem {
	if len(t.GraphQL) == 0 {
		return nil
	}
	where := fmt.Sprintf("%s (%s %s in %s)", op.OperationID, op.Method, op.Path, op.File)
	if len(op.GraphQL) == 0 {
		return []Problem{{Tool: t.Name, Field: "graphql", Message: fmt.Sprintf("%s is not a GraphQL endpoint the facts describe", where)}}
	}
	var ps []Problem
	add := func(format string, args ...any) {
		ps = append(ps, Problem{Tool: t.Name, Field: "graphql", Message: fmt.Sprintf(format, args...)})
	}
	for _, s := range t.GraphQL {
		root, rest, _ := strings.Cut(s.Path, ".")
		g := op.graphqlField(root)
		if g == nil {
			if rest == "" {
				add("%s has no query field %s (it has %s)", where, root, strings.Join(op.graphqlFieldNames(), ", "))
			}
			continue
		}
		if rest != "" {
			if ok, known := g.Response.walk(rest, true); !ok {
				add("selects %s, which query field %s of %s lacks; %s", s.Path, root, where, whatIsThere(g.Response, known))
				continue
			}
		}
		takes := g.Args[rest]
		for _, a := range s.Args {
			if !slices.ContainsFunc(takes, func(ta GraphQLArg) bool { return ta.Name == a }) {
				add("gives %s the argument %s, which it does not take (it takes %s)", s.Path, a, argNames(takes))
			}
		}
		for _, ta := range takes {
			if ta.Required && !slices.Contains(s.Args, ta.Name) {
				add("selects %s without its required argument %s", s.Path, ta.Name)
			}
		}
	}
	return ps
}

func argNames(args []GraphQLArg) string {
	if len(args) == 0 {
		return "none"
	}
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

func (op *Operation) graphqlField(name string) *GraphQLField {
	for i := range op.GraphQL {
		if op.GraphQL[i].Field == name {
			return &op.GraphQL[i]
		}
	}
	return nil
}

func (op *Operation) graphqlFieldNames() []string {
	names := make([]string, len(op.GraphQL))
	for i, g := range op.GraphQL {
		names[i] = g.Field
	}
	return names
}

// graphqlAnswer is op with the response a GraphQL tool reads: the
// endpoint's, its data holding the root fields the tool selects.
func graphqlAnswer(op *Operation, sel []Selection) *Operation {
	data := Fields{}
	for _, s := range sel {
		root, _, _ := strings.Cut(s.Path, ".")
		if g := op.graphqlField(root); g != nil {
			data[root] = g.Response
		}
	}
	out := *op
	out.Response = maps.Clone(op.Response)
	if out.Response == nil {
		out.Response = Fields{}
	}
	out.Response["data"] = data
	return &out
}
