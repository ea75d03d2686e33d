package registry

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

var (
	toolNameRE  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	paramNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	placeholder = regexp.MustCompile(`\{([^{}]*)\}`)
	methods     = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}
	locations   = []string{InPath, InQuery, InHeader, InBody, InVariable, InSteps}
	types       = []string{"string", "integer", "number", "boolean", "array", "object"}
	scalarTypes = []string{"string", "integer", "number", "boolean"}
	headerName  = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+.^_|~-]+$`)
)

// validator reports what is wrong with a decoded catalogue, and changes
// nothing in it: what a call needs is derived afterwards, by compile.
type validator struct {
	doc      *strictyaml.Document
	opts     LoadOptions
	problems strictyaml.Problems
	patterns patternCache // shared with the compile step that follows
}

func (v *validator) add(tool, field, format string, args ...any) {
	path := "tools." + tool
	if tool == "" {
		path = ""
	}
	if field != "" {
		if path != "" {
			path += "."
		}
		path += field
	}
	if field != "" && v.doc.Failed(path) {
		return // it would repeat the problem decoding reported
	}
	subject := ""
	if tool != "" {
		subject = "tool " + tool
	}
	v.problems = append(v.problems, strictyaml.Problem{
		File: v.doc.File, Line: v.doc.Line(path), Subject: subject, Field: field,
		Message: fmt.Sprintf(format, args...),
	})
}

func (v *validator) catalog(c *Catalog) {
	if c.Version != 1 {
		v.add("", "version", "must be 1, got %d", c.Version)
	}
	if len(c.Tools) == 0 {
		v.add("", "tools", "no tools declared")
	}
	// A null toolset, tool or parameter is not checked further: decoding
	// reported it as empty.
	for name, ts := range c.Toolsets {
		if ts != nil && strings.TrimSpace(ts.Description) == "" {
			v.problems = append(v.problems, strictyaml.Problem{File: v.doc.File, Line: v.doc.Line("toolsets." + name),
				Subject: "toolset " + name, Field: "description", Message: "missing"})
		}
	}
	for _, name := range c.Names() {
		t := c.Tools[name]
		if t == nil {
			continue
		}
		v.tool(c, t)
	}
}

func (v *validator) tool(c *Catalog, t *Tool) {
	n := t.Name
	if !toolNameRE.MatchString(n) {
		v.add(n, "", "tool name must be snake_case: lower-case letters, digits and _, starting with a letter, at most 64 characters")
	}
	if n == FindTools || n == CallTool {
		v.add(n, "", "tool name is the server's own: it serves %s and %s for the tools a profile keeps on demand", FindTools, CallTool)
	}
	if strings.TrimSpace(t.Title) == "" {
		v.add(n, "title", "missing: a short human-readable name")
	}
	if strings.TrimSpace(t.Description) == "" {
		v.add(n, "description", "missing")
	}
	v.headers(t)
	if t.Pending != nil && (t.Pending.Status < 201 || t.Pending.Status > 299 || strings.TrimSpace(t.Pending.Message) == "") {
		v.add(n, "pending", "needs a 2xx status other than 200 and a message")
	}
	switch _, declared := c.Toolsets[t.Toolset]; { // a null one was reported as empty
	case t.Toolset == "":
		v.add(n, "toolset", "missing")
	case !declared:
		v.add(n, "toolset", "unknown toolset %q (declare it under toolsets)", t.Toolset)
	}
	v.access(t)
	method := strings.ToUpper(t.Method) // as compile will write it
	if len(t.Steps) > 0 {
		method = "POST" // a step's body is checked with the step
		v.steps(t)
	} else {
		if !slices.Contains(methods, method) {
			v.add(n, "method", "must be one of %s, got %q", strings.Join(methods, ", "), method)
		}
		v.path(t)
	}
	for _, pn := range sortedKeys(t.Params) {
		if p := t.Params[pn]; p != nil && p.In == InSteps && len(t.Steps) == 0 {
			v.add(n, "params."+pn+".in", "in: steps is for tools with steps; this tool has none")
		}
		v.param(t, method, pn, t.Params[pn])
	}
	if t.Paginate != nil {
		v.paginate(t)
	}
	v.graphql(t, method)
	if t.Result != "" {
		if err := checkGJSONPath(t.Result); err != nil {
			v.add(n, "result", "%v", err)
		}
	}
	v.sharing(t)
	if t.MaxItems < 0 {
		v.add(n, "max_items", "must not be negative")
	}
	if t.MaxBytes < 0 {
		v.add(n, "max_bytes", "must not be negative")
	}
}

// headers checks the headers a tool sends and the answer headers it
// adds to its result.
func (v *validator) headers(t *Tool) {
	n := t.Name
	for h, val := range t.Headers {
		if !headerName.MatchString(h) || strings.ContainsFunc(val, isControl) {
			v.add(n, "headers."+h, "not a valid header name and value")
		}
	}
	for key, h := range t.AnswerHeaders {
		switch {
		case !headerName.MatchString(h) || !paramNameRE.MatchString(key):
			v.add(n, "answer_headers."+key, "needs a snake_case result key and a valid header name")
		case t.Paginate != nil:
			v.add(n, "answer_headers", "a listing's pages have headers of their own; only single answers take answer_headers")
		}
	}
}

// access checks the auth kinds that serve a tool and the scopes it needs.
func (v *validator) access(t *Tool) {
	n := t.Name
	if len(t.Auth) == 0 {
		v.add(n, "auth", "missing: list the auth kinds that can serve this tool (known: %s)", strings.Join(v.opts.AuthKinds, ", "))
	}
	for i, k := range t.Auth {
		if !slices.Contains(v.opts.AuthKinds, k) {
			v.add(n, fmt.Sprintf("auth.%d", i), "unknown auth kind %q (known: %s)", k, strings.Join(v.opts.AuthKinds, ", "))
		}
	}
	for i, s := range t.Scopes {
		if v.opts.ValidScope != nil && !v.opts.ValidScope(s) {
			v.add(n, fmt.Sprintf("scopes.%d", i), "unknown APS scope %q", s)
		}
	}
}

// path checks the template and that its placeholders and the path
// parameters match one to one.
func (v *validator) path(t *Tool) {
	seen := map[string]bool{}
	if !v.template(t, "path", t.Path, seen) {
		return
	}
	for pn, p := range t.Params {
		if p != nil && p.In == InPath && !seen[pn] {
			v.add(t.Name, "params."+pn, "path parameter %s has no {%s} placeholder in path %q", pn, pn, t.Path)
		}
	}
}

// template checks the path template at field (the tool's path, or a
// step's): each placeholder once, each filled by a path parameter, each
// well formed. It adds the placeholders to seen and reports false when
// the path does not even start with /.
func (v *validator) template(t *Tool, field, path string, seen map[string]bool) bool {
	n := t.Name
	if !strings.HasPrefix(path, "/") {
		v.add(n, field, "must start with /, got %q", path)
		return false
	}
	if strings.ContainsAny(path, "?#") {
		v.add(n, field, "must not contain a query or fragment; declare query parameters under params")
	}
	here := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(path, -1) {
		ph := m[1]
		if here[ph] {
			v.add(n, field, "placeholder {%s} appears twice", ph)
		}
		here[ph], seen[ph] = true, true
		p, ok := t.Params[ph]
		switch {
		case v.doc.Failed("tools." + n + ".params." + ph): // reported; nothing to match it with
		case !ok || p == nil:
			v.add(n, field, "placeholder {%s} has no matching parameter (add params.%s with in: path)", ph, ph)
		case p.In != InPath:
			v.add(n, "params."+ph+".in", "parameter %s fills placeholder {%s} so it must be in: path, got %q", ph, ph, p.In)
		}
	}
	for _, seg := range strings.Split(path, "/") {
		if strings.Contains(seg, "{") && !placeholder.MatchString(seg) || strings.Count(seg, "{") != strings.Count(seg, "}") {
			v.add(n, field, "malformed placeholder in segment %q", seg)
		}
	}
	return true
}

func (v *validator) paginate(t *Tool) {
	n, pg := t.Name, t.Paginate
	style, ok := pageStyles[pg.Style]
	if !ok {
		v.add(n, "paginate.style", "unknown pagination style %q (known: %s)", pg.Style, strings.Join(sortedKeys(pageStyles), ", "))
		return
	}
	if pg.Items == "" {
		v.add(n, "paginate.items", "missing: the gjson path to each page's array of items")
	} else if err := checkGJSONPath(pg.Items); err != nil {
		v.add(n, "paginate.items", "%v", err)
	}
	if pg.Warnings != "" {
		if err := checkGJSONPath(pg.Warnings); err != nil {
			v.add(n, "paginate.warnings", "%v", err)
		}
	}
	for _, arg := range []string{CursorArg, LimitArg} {
		if _, clash := t.Params[arg]; clash {
			v.add(n, "params."+arg, "paginated tools get a %q argument of their own; rename this parameter", arg)
		}
	}
	for _, msg := range style.check(pg) {
		v.add(n, "paginate."+msg.field, "%s", msg.message)
	}
	if (pg.PageSizeParam == "") != (pg.PageSize == 0) {
		v.add(n, "paginate.page_size", "page_size and page_size_param go together")
	}
	if pg.PageSize < 0 {
		v.add(n, "paginate.page_size", "must be positive")
	}
	for pn, p := range t.Params {
		if p != nil && pg.PageSizeParam != "" && p.In == InQuery && p.WireName(pn) == pg.PageSizeParam {
			v.add(n, "paginate.page_size_param", "%q is also declared as parameter %s; the paginator sets it", pg.PageSizeParam, pn)
		}
	}
}
