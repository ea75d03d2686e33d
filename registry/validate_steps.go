package registry

import (
	"fmt"
	"slices"
	"strings"
)

// steps checks a tool with steps: no request of its own, at least two
// steps, each one a request that can be built, every reference resolvable,
// and every parameter read by some step.
func (v *validator) steps(t *Tool) {
	n := t.Name
	for field, set := range map[string]bool{
		"method": t.Method != "", "path": t.Path != "", "paginate": t.Paginate != nil,
		"pending": t.Pending != nil, "headers": len(t.Headers) > 0,
	} {
		if set {
			v.add(n, field, "a tool with steps declares its requests under steps; move %s into the step it belongs to (pagination and pending answers are for single requests)", field)
		}
	}
	// What a single request's answer or sharing is made of has no meaning
	// for a sequence of them: refused rather than silently ignored.
	for field, set := range map[string]bool{
		"cache": t.Cache != 0, "cache_when": len(t.CacheWhen) > 0, "family": t.Family != "", "answer_headers": len(t.AnswerHeaders) > 0, "graphql": t.GraphQL != "",
	} {
		if set {
			v.add(n, field, "a tool with steps cannot declare %s: it is for a tool of one request", field)
		}
	}
	if len(t.Steps) < 2 {
		v.add(n, "steps", "a tool with steps takes at least two; declare a single request as the tool's method and path")
	}
	used := map[string]bool{}
	names := map[string]int{}
	for i := range t.Steps {
		v.step(t, i, used, names)
	}
	for _, pn := range sortedKeys(t.Params) {
		p := t.Params[pn]
		switch {
		case p == nil:
		case p.In != InPath && p.In != InSteps:
			v.add(n, "params."+pn+".in", "in a tool with steps a parameter is in: path (it fills a step's path) or in: steps (a step's query, headers, body or content reads it as params.%s), got %q", pn, p.In)
		case !used[pn]:
			v.add(n, "params."+pn, "no step uses parameter %s", pn)
		}
	}
}

// step checks step i of t, noting the parameters it uses in used and its
// name in names.
func (v *validator) step(t *Tool, i int, used map[string]bool, names map[string]int) {
	n, s, f := t.Name, &t.Steps[i], fmt.Sprintf("steps.%d", i)
	method := strings.ToUpper(s.Method)
	if !slices.Contains(methods, method) {
		v.add(n, f+".method", "must be one of %s, got %q", strings.Join(methods, ", "), s.Method)
	}
	if s.Name != "" {
		if j, dup := names[s.Name]; dup {
			v.add(n, f+".name", "step %d is also named %s", j, s.Name)
		}
		if !paramNameRE.MatchString(s.Name) || s.Name+"." == refPrefix {
			v.add(n, f+".name", "must be snake_case and not %q", strings.TrimSuffix(refPrefix, "."))
		}
		names[s.Name] = i
	}
	switch {
	case (s.Path == "") == (s.URL == ""):
		v.add(n, f, "needs exactly one of path (an APS path template) and url (where an earlier step's answer says to send it)")
	case s.Path != "":
		seen := map[string]bool{}
		v.template(t, f+".path", s.Path, seen)
		for ph := range seen {
			used[ph] = true
		}
	case strings.HasPrefix(s.URL, refPrefix):
		v.add(n, f+".url", "must read an earlier step's answer (STEP.PATH), not an argument: a caller never chooses where a request goes")
	}
	for field, text := range s.references() {
		r, err := parseRef(t, i, text)
		if err != nil {
			v.add(n, f+"."+field, "%v", err)
			continue
		}
		if r.param == "" {
			continue
		}
		used[r.param] = true
		if p := t.Params[r.param]; p != nil && p.In != InSteps {
			v.add(n, f+"."+field, "reads parameter %s, which is in: %s; a step's references read parameters in: steps", r.param, p.In)
		}
	}
	if slices.Contains(methods, method) {
		v.stepBody(t, i, method)
	}
	for h := range s.Headers {
		if !headerName.MatchString(h) {
			v.add(n, f+".headers."+h, "not a valid header name")
		}
	}
}

// stepBody checks what step i sends as its body: a JSON body or raw
// content from string arguments, and only with a method that has a body.
func (v *validator) stepBody(t *Tool, i int, method string) {
	n, s, f := t.Name, &t.Steps[i], fmt.Sprintf("steps.%d", i)
	if len(s.Body) > 0 && len(s.Content) > 0 {
		v.add(n, f+".content", "a step sends a JSON body or raw content, not both")
	}
	if (len(s.Body) > 0 || len(s.Content) > 0) && method != "POST" && method != "PUT" && method != "PATCH" {
		v.add(n, f, "a %s request has no body", method)
	}
	for j, text := range s.Content {
		name, ok := strings.CutPrefix(text, refPrefix)
		if p := t.Params[name]; !ok || p == nil || (p.Type != "" && p.Type != "string") {
			v.add(n, fmt.Sprintf("%s.content.%d", f, j), "content is read from string parameters (params.NAME), got %q", text)
		}
	}
	if s.MaxContentBytes < 0 || (s.MaxContentBytes > 0 && len(s.Content) == 0) {
		v.add(n, f+".max_content_bytes", "caps a step's content: positive, and only with content")
	}
}
