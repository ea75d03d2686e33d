package registry

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// Budget is one entry of tools.yaml's budgets: the published pace of an APS
// endpoint, keyed by "METHOD /path/{template}". Every tool whose method and
// path are that endpoint's (placeholder names aside) keeps its requests
// within it.
type Budget struct {
	// PerMinute is how many requests a minute APS allows the endpoint.
	PerMinute int `yaml:"per_minute"`
	// Per is whom the budget is kept for: "application" (the default; APS
	// counts per client ID) or "user" (each signed-in user of it).
	Per string `yaml:"per"`
}

// Whom a budget is kept for.
const (
	budgetPerApplication = "application"
	budgetPerUser        = "user"
)

// endpointKey is a budget's key or a tool's endpoint with the placeholder
// names dropped ("GET /hubs/{}/projects"), so the two can be matched.
func endpointKey(method, path string) string {
	return strings.ToUpper(method) + " " + placeholder.ReplaceAllString(path, "{}")
}

// splitBudgetKey reads "METHOD /path".
func splitBudgetKey(key string) (method, path string, ok bool) {
	method, path, ok = strings.Cut(key, " ")
	return method, path, ok && slices.Contains(methods, method) && strings.HasPrefix(path, "/") && !strings.ContainsAny(path, " ?#")
}

// budgets checks every budget: its key an endpoint some tool calls, given
// once; a positive per_minute; per application or user.
func (v *validator) budgets(c *Catalog) {
	endpoints := map[string]bool{}
	for _, t := range c.Tools {
		if t != nil {
			endpoints[endpointKey(t.Method, t.Path)] = true
		}
	}
	seen := map[string]string{}
	for _, key := range sortedKeys(c.Budgets) {
		b := c.Budgets[key]
		if b == nil {
			continue // decoding reported it as empty
		}
		method, path, ok := splitBudgetKey(key)
		norm := endpointKey(method, path)
		switch {
		case !ok:
			v.addBudget(key, "", "the key must be an HTTP method in capitals (%s), a space and an APS path starting with /", strings.Join(methods, ", "))
		case seen[norm] != "":
			v.addBudget(key, "", "the same endpoint as budget %q (placeholder names do not tell endpoints apart)", seen[norm])
		case !endpoints[norm]:
			v.addBudget(key, "", "no tool calls %s (placeholder names aside); a budget nothing uses is probably a typo", key)
		}
		seen[norm] = key
		if b.PerMinute < 1 && !v.doc.Failed(budgetPath(key, "per_minute")) {
			v.addBudget(key, "per_minute", "must be at least 1 (APS's published requests a minute for this endpoint), got %d", b.PerMinute)
		}
		if b.Per != "" && b.Per != budgetPerApplication && b.Per != budgetPerUser {
			v.addBudget(key, "per", "must be %q or %q, got %q", budgetPerApplication, budgetPerUser, b.Per)
		}
	}
}

func budgetPath(key, field string) string {
	if field == "" {
		return "budgets." + key
	}
	return "budgets." + key + "." + field
}

func (v *validator) addBudget(key, field, format string, args ...any) {
	v.problems = append(v.problems, strictyaml.Problem{
		File: v.doc.File, Line: v.doc.Line(budgetPath(key, field)), Subject: "budget " + key, Field: field,
		Message: fmt.Sprintf(format, args...),
	})
}

// linkBudgets gives each tool the budget of its endpoint, if one is declared.
func (c *Catalog) linkBudgets() {
	byEndpoint := make(map[string]*apshttp.Budget, len(c.Budgets))
	for key, b := range c.Budgets {
		method, path, _ := splitBudgetKey(key)
		byEndpoint[endpointKey(method, path)] = &apshttp.Budget{Family: key, PerMinute: b.PerMinute, PerUser: b.Per == budgetPerUser}
	}
	for _, t := range c.Tools {
		t.budget = byEndpoint[endpointKey(t.Method, t.Path)]
	}
}
