package specfacts

import (
	"fmt"
	"slices"
	"strings"
)

// Tool is what the checker needs to know about one declared tool. It is kept
// independent of the registry package so that registry tests can use this
// package without an import cycle.
type Tool struct {
	// Name names the tool in problems.
	Name string
	// Method is the HTTP method, e.g. GET.
	Method string
	// Path is the path template with the tool's own placeholder names, e.g.
	// /oss/v2/buckets/{bucket_key}/objects.
	Path   string
	Params []Param
	// PageSizeParam and OffsetParam are the query parameters the paginator
	// sets; empty when it sets none. They must exist in the spec too.
	PageSizeParam, OffsetParam string
	// Reads are the fields the tool takes from the answer, which
	// CheckReads compares with the response schema.
	Reads []Read
	// GraphQL are the fields a GraphQL tool's query document selects;
	// nil for other tools.
	GraphQL []Selection
}

// Param is one declared parameter of a Tool.
type Param struct {
	// Name is the wire name: the placeholder name for In "path", the query
	// or header name, or a dotted body property such as data.attributes.name.
	Name string
	// In is "path", "query", "header" or "body".
	In       string
	Required bool
	// Enum is the declared set of allowed values; empty when free.
	Enum []string
}

// Problem is one way a Tool disagrees with the specs.
type Problem struct {
	// Tool is the tool's name.
	Tool string
	// Field names the part of the declaration at fault: "method", "path",
	// "params.<wire name>" (also for a required spec parameter the tool
	// lacks), "paginate.page_size_param" or "paginate.offset_param"; for
	// CheckReads, the Read's Field.
	Field string
	// Message says what is wrong, naming the parameter or path.
	Message string
}

// String renders the problem the way test failures print it.
func (p Problem) String() string {
	return fmt.Sprintf("tool %s: %s: %s", p.Tool, p.Field, p.Message)
}

// clientHeaders are set by the HTTP client itself, so a tool need not declare
// them even when the spec marks them required. Authorization comes from the
// auth provider. x-ads-* headers are deliberately not here: they change what
// APS does, so a tool must declare them.
var clientHeaders = []string{"Authorization", "Content-Type", "Content-Length", "Accept", "Accept-Encoding"}

// Check compares t with the operation the specs declare for its method and
// path and returns every disagreement; nil means t matches. Placeholders are
// compared by position, their names ignored. When two spec files declare the
// same operation, t is judged against the one it matches best.
func (f *Facts) Check(t Tool) []Problem {
	ops := f.Lookup(t.Method, t.Path)
	if len(ops) == 0 {
		return []Problem{f.missing(t)}
	}
	var best []Problem
	for i, op := range ops {
		ps := check(t, op)
		if i == 0 || len(ps) < len(best) {
			best = ps
		}
	}
	return best
}

// missing explains why no operation matched: wrong method on a known path,
// or a path the specs do not have (with the closest one as a hint).
func (f *Facts) missing(t Tool) Problem {
	method := strings.ToUpper(t.Method)
	var others []string
	for _, op := range f.byPath[pathKey(t.Path)] {
		if !slices.Contains(others, op.Method) {
			others = append(others, op.Method)
		}
	}
	if len(others) > 0 {
		return Problem{Tool: t.Name, Field: "method", Message: fmt.Sprintf(
			"the specs declare no %s for path %s; it takes %s", method, t.Path, strings.Join(others, ", "))}
	}
	msg := fmt.Sprintf("the specs declare no operation %s %s", method, t.Path)
	if op := f.closest(t.Path); op != nil {
		msg += fmt.Sprintf(" (closest: %s %s, %s in %s)", op.Method, op.Path, op.OperationID, op.File)
	}
	return Problem{Tool: t.Name, Field: "path", Message: msg}
}

// closest returns the operation whose path shares the most segments, in
// place, with path, or nil when none shares at least half of them.
func (f *Facts) closest(path string) *Operation {
	want := strings.Split(pathKey(path), "/")
	var best *Operation
	bestScore := (len(want) + 1) / 2
	for i := range f.Operations {
		op := &f.Operations[i]
		got := strings.Split(pathKey(op.Path), "/")
		if len(got) != len(want) {
			continue
		}
		score := 0
		for j := range got {
			if got[j] == want[j] {
				score++
			}
		}
		if score > bestScore || (best == nil && score == bestScore) {
			best, bestScore = op, score
		}
	}
	return best
}

func check(t Tool, op *Operation) []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Tool: t.Name, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	where := fmt.Sprintf("%s (%s %s in %s)", op.OperationID, op.Method, op.Path, op.File)

	placeholders := placeholderRE.FindAllString(t.Path, -1)
	for _, p := range t.Params {
		field := "params." + p.Name
		switch p.In {
		case InPath:
			// Lookup matched the path by placeholder position, so a
			// placeholder in the tool's path is one in the spec's.
			if !slices.Contains(placeholders, "{"+p.Name+"}") {
				add(field, "path parameter %q has no placeholder {%s} in path %s", p.Name, p.Name, t.Path)
			}
		case InQuery, InHeader:
			sp := findParam(op, p.Name, p.In)
			if sp == nil {
				if other := findParamAnywhere(op, p.Name); other != nil {
					add(field, "%s parameter %q is a %s parameter in %s", p.In, p.Name, other.In, where)
				} else {
					add(field, "%s parameter %q is not a parameter of %s", p.In, p.Name, where)
				}
				continue
			}
			if extra := notIn(p.Enum, sp.Enum); len(extra) > 0 {
				add(field, "enum of %s parameter %q has %s, not in the spec's enum %v of %s",
					p.In, p.Name, strings.Join(extra, ", "), sp.Enum, where)
			}
		case InBody:
			top, _, _ := strings.Cut(p.Name, ".")
			switch {
			case op.Body == nil:
				add(field, "body parameter %q, but %s takes no request body", p.Name, where)
			case !bodyHas(op.Body, top):
				add(field, "body parameter %q: the request body of %s has no top-level property %q (it has %s)",
					p.Name, where, top, strings.Join(bodyProperties(op.Body), ", "))
			}
		default:
			add(field, "parameter %q has location %q; the checker knows path, query, header and body", p.Name, p.In)
		}
	}

	for _, pg := range []struct{ field, name string }{
		{"paginate.page_size_param", t.PageSizeParam},
		{"paginate.offset_param", t.OffsetParam},
	} {
		if pg.name != "" && findParam(op, pg.name, InQuery) == nil {
			add(pg.field, "paginator query parameter %q is not a query parameter of %s", pg.name, where)
		}
	}

	ps = append(ps, checkGraphQL(t, op)...)
	for _, sp := range op.Params {
		if !sp.Required || sp.In == InPath {
			continue // path parameters are covered by matching the path
		}
		if sp.In == InHeader && slices.ContainsFunc(clientHeaders, func(h string) bool { return strings.EqualFold(h, sp.Name) }) {
			continue
		}
		if declares(t, sp) {
			continue
		}
		add("params."+sp.Name, "%s requires %s parameter %q, which the tool does not declare", where, sp.In, sp.Name)
	}
	return ps
}

// sameName compares parameter names: header names are case-insensitive on
// the wire, query names (including DM's filter[...] and page[...]) are not.
func sameName(in, spec, name string) bool {
	if in == InHeader {
		return strings.EqualFold(spec, name)
	}
	if prefix, ok := strings.CutSuffix(spec, "[*]"); ok {
		// Data Management's search declares its open-ended filters as one
		// "filter[*]" parameter: filter[<field>] with an optional
		// -<operator> suffix, such as filter[displayName]-contains.
		return strings.HasPrefix(name, prefix+"[") && strings.Contains(name, "]")
	}
	return spec == name
}

func findParam(op *Operation, name, in string) *Parameter {
	for i := range op.Params {
		if sp := &op.Params[i]; sp.In == in && sameName(in, sp.Name, name) {
			return sp
		}
	}
	return nil
}

// findParamAnywhere finds name in any location, so a parameter declared in
// the wrong place is reported as such rather than as unknown.
func findParamAnywhere(op *Operation, name string) *Parameter {
	for i := range op.Params {
		if sp := &op.Params[i]; sp.Name == name || strings.EqualFold(sp.Name, name) {
			return sp
		}
	}
	return nil
}

// declares reports whether t sets the required spec parameter sp, either as
// a declared parameter or through its paginator.
func declares(t Tool, sp Parameter) bool {
	for _, p := range t.Params {
		if p.In == sp.In && sameName(sp.In, p.Name, sp.Name) {
			return true
		}
	}
	return sp.In == InQuery && (sp.Name == t.PageSizeParam || sp.Name == t.OffsetParam)
}

// notIn returns the values of declared missing from spec; nil when the spec
// has no enum, since then any value is allowed.
func notIn(declared, spec []string) []string {
	if len(spec) == 0 {
		return nil
	}
	var extra []string
	for _, v := range declared {
		if !slices.Contains(spec, v) {
			extra = append(extra, v)
		}
	}
	return extra
}

func bodyHas(b *Body, property string) bool {
	for _, m := range b.Content {
		if slices.Contains(m.Properties, property) {
			return true
		}
	}
	return false
}

// bodyProperties lists the top-level properties over all media types.
func bodyProperties(b *Body) []string {
	var all []string
	for _, m := range b.Content {
		all = append(all, m.Properties...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	if len(all) == 0 {
		return []string{"none"}
	}
	return all
}
