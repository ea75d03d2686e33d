package registry

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// param checks one parameter declaration. Some checks need the parameter
// as compile will prepare it (its type defaulted, a path parameter
// required, its pattern compiled); they look at a compiled copy, so the
// declaration itself stays as it was decoded.
func (v *validator) param(t *Tool, method, name string, p *Param) {
	n, f := t.Name, "params."+name
	if p == nil {
		return // decoding reported it as empty
	}
	if !paramNameRE.MatchString(name) {
		v.add(n, f, "parameter name must be snake_case")
	}
	if !slices.Contains(locations, p.In) {
		v.add(n, f+".in", "must be one of %s, got %q", strings.Join(locations, ", "), p.In)
	}
	c := p.compiled(v.patterns)
	if !slices.Contains(types, c.Type) {
		v.add(n, f+".type", "must be one of %s, got %q", strings.Join(types, ", "), c.Type)
		return
	}
	v.paramPlacement(n, f, method, name, &c)
	if p.Transform != "" && c.transform == nil {
		_, _, err := parseTransform(p.Transform)
		v.add(n, f+".transform", "%v", err)
	}
	if strings.TrimSpace(p.Description) == "" {
		v.add(n, f+".description", "missing: the model only knows what the description says")
	}
	v.paramConstraints(n, f, &c)
}

// paramPlacement checks that the parameter's type suits where it goes.
func (v *validator) paramPlacement(n, f, method, name string, p *Param) {
	if p.In == InPath && (p.Type == "array" || p.Type == "object") {
		v.add(n, f+".type", "a path parameter must be a scalar, got %s", p.Type)
	}
	if p.Type == "object" && p.In != InBody && p.In != InVariable && p.In != InSteps {
		v.add(n, f+".type", "object parameters can only go in the body or a GraphQL variable")
	}
	if p.Items != "" && p.Type != "array" {
		v.add(n, f+".items", "only array parameters take items")
	}
	if p.Type == "array" && !slices.Contains(scalarTypes, p.itemType()) {
		v.add(n, f+".items", "must be one of %s, got %q", strings.Join(scalarTypes, ", "), p.Items)
	}
	if p.In == InBody && method != "POST" && method != "PUT" && method != "PATCH" {
		v.add(n, f+".in", "a %s request has no body", method)
	}
	if p.In == InHeader && !headerName.MatchString(p.WireName(name)) {
		v.add(n, f+".name", "%q is not a valid header name", p.WireName(name))
	}
}

// paramConstraints checks pattern, bounds, enum and default of the
// compiled parameter p.
func (v *validator) paramConstraints(n, f string, p *Param) {
	if p.Pattern != "" {
		if p.Type != "string" {
			v.add(n, f+".pattern", "only string parameters take a pattern")
		} else if p.re == nil {
			_, err := regexp.Compile(p.Pattern)
			v.add(n, f+".pattern", "invalid regular expression %q: %v", p.Pattern, err)
		}
	}
	if (p.Minimum != nil || p.Maximum != nil) && p.Type != "integer" && p.Type != "number" {
		v.add(n, f, "minimum and maximum apply only to integer and number parameters")
	}
	if p.Minimum != nil && p.Maximum != nil && *p.Minimum > *p.Maximum {
		v.add(n, f+".minimum", "minimum %v is above maximum %v", *p.Minimum, *p.Maximum)
	}
	elem := p.element()
	for i, e := range p.Enum {
		if _, err := normalize(elem, e); err != nil {
			v.add(n, fmt.Sprintf("%s.enum.%d", f, i), "enum value %v: %v", e, err)
		}
	}
	if p.Default != nil {
		if p.Required {
			v.add(n, f+".default", "a required parameter cannot have a default")
		}
		if _, err := checkValue(p, p.Default); err != nil {
			v.add(n, f+".default", "default %v: %v", p.Default, err)
		}
	}
}
