package registry

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/internal/gqldoc"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// Catalog is a decoded and validated tools.yaml.
type Catalog struct {
	Version  int                 `yaml:"version"`
	Toolsets map[string]*Toolset `yaml:"toolsets"`
	Tools    map[string]*Tool    `yaml:"tools"`
	// Budgets are APS's published per-minute limits, per endpoint
	// ("GET /project/v1/hubs"), that the tools calling it keep within.
	Budgets map[string]*Budget `yaml:"budgets"`

	// File names the file the catalogue was read from, as problems do.
	File string `yaml:"-"`

	lines strictyaml.LineIndex // where each key is in File, for later checks (CheckSpecs)
}

// Toolset groups tools so profiles can include or exclude them together.
type Toolset struct {
	Description string `yaml:"description"`
}

// Tool is one declared APS operation.
type Tool struct {
	Title       string            `yaml:"title"`
	Description string            `yaml:"description"`
	Toolset     string            `yaml:"toolset"`
	Auth        []string          `yaml:"auth"`   // auth kinds that can serve it
	Scopes      []string          `yaml:"scopes"` // scopes the token must hold
	Method      string            `yaml:"method"`
	Path        string            `yaml:"path"` // APS path template with {placeholders}
	Params      map[string]*Param `yaml:"params"`
	Paginate    *Paginate         `yaml:"paginate"`
	Result      string            `yaml:"result"`    // gjson projection of the (merged) response
	MaxItems    int               `yaml:"max_items"` // cap on listed items; 0 = profile default
	MaxBytes    int               `yaml:"max_bytes"` // cap on a listing's projected bytes; 0 = profile default
	Annotations *Annotations      `yaml:"annotations"`
	// Headers are sent with every request of the tool, as they are.
	Headers map[string]string `yaml:"headers"`
	// AnswerHeaders add answer headers to a single answer's result: result
	// key → header name (create_webhook's hook_url: Location, as APS
	// answers it with no body).
	AnswerHeaders map[string]string `yaml:"answer_headers"`
	// Steps, instead of Method and Path, are the requests of a tool that
	// needs several (see steps.go).
	Steps []Step `yaml:"steps"`
	// Pending turns an APS status that means "not ready yet" (Model
	// Derivative's 202) into a result telling the model to try again.
	Pending *Pending `yaml:"pending"`
	// GraphQL is the query document a GraphQL tool sends; its body is
	// {"query": GraphQL, "variables": {...}} with the variables taken
	// from the in: variable parameters (graphql.go).
	GraphQL string `yaml:"graphql"`
	// Cache keeps a read's answers this long for the same identity and
	// request (sharedreads); 0 keeps none.
	Cache time.Duration `yaml:"cache"`
	// CacheWhen, when set, keeps only answers in which each gjson path
	// holds its value (a finished manifest: status success).
	CacheWhen map[string]string `yaml:"cache_when"`
	// Family names what the tool touches, with {param} placeholders
	// filled from its path arguments: a cached read belongs to it, and a
	// write's success invalidates it. A cached read without one is a
	// family of its own.
	Family string `yaml:"family"`

	// Name is the tool's key in tools.yaml.
	Name string `yaml:"-"`

	pathParts  []pathPart       // Path split at its placeholders
	projection projection       // Result, prepared
	argNames   []string         // parameter names, sorted
	schema     []byte           // JSON Schema of the arguments
	output     []byte           // JSON Schema of the successful results
	gql        *gqldoc.Document // GraphQL, parsed
	keep       []string         // the AnswerHeaders' header names, sorted

	// budget is its endpoint's pace, from the catalogue's budgets; nil: none.
	budget  *apshttp.Budget
	sharing sharing // how its answers are shared, compiled
}

// Pending is an answer that means "not ready yet".
type Pending struct {
	Status  int    `yaml:"status"`  // e.g. 202
	Message string `yaml:"message"` // what the model is told
}

// Param is one tool argument and where it goes on the wire.
type Param struct {
	In   string `yaml:"in"`   // path, query, header, body or variable
	Name string `yaml:"name"` // wire name (for body, a dotted path into the JSON body); defaults to the argument name
	Type string `yaml:"type"` // string, integer, number, boolean, array or object
	// Items is the element type of an array: string, integer, number or
	// boolean. In a query or header an array is sent comma-separated.
	Items string `yaml:"items"`
	// Transform rewrites the value before it is sent (see transforms).
	Transform   string   `yaml:"transform"`
	Required    bool     `yaml:"required"`
	Description string   `yaml:"description"`
	Enum        []any    `yaml:"enum"`
	Pattern     string   `yaml:"pattern"`
	Minimum     *float64 `yaml:"minimum"`
	Maximum     *float64 `yaml:"maximum"`
	Default     any      `yaml:"default"`

	re           *regexp.Regexp // Pattern, compiled at load
	transform    *transform     // Transform, resolved at load
	transformArg string
	source       idSource // for a path argument, the tools that return its values
}

// Paginate says how a tool's listing is paged.
type Paginate struct {
	// Style is one of the styles in paginators (for example "next-url").
	Style string `yaml:"style"`
	// Items is the gjson path to the array of items in one page.
	Items string `yaml:"items"`
	// Next is the gjson path to what leads to the next page: its URL
	// (style next-url) or its cursor (style graphql-cursor).
	Next string `yaml:"next"`
	// CursorVariable is the GraphQL variable the next page's cursor is
	// sent in (style graphql-cursor).
	CursorVariable string `yaml:"cursor_variable"`
	// OffsetParam is the query parameter carrying the offset, and Total
	// the gjson path to the total item count (style offset).
	OffsetParam string `yaml:"offset_param"`
	Total       string `yaml:"total"`
	// Warnings is the gjson path to an array of warnings a page may carry
	// (Data Management's meta.warnings); they are returned with the items.
	Warnings string `yaml:"warnings"`
	// PageSizeParam and PageSize ask APS for pages of that many items:
	// the query parameter, or for style graphql-cursor the variable, that
	// carries the size.
	PageSizeParam string `yaml:"page_size_param"`
	PageSize      int    `yaml:"page_size"`
	// EmptyIsNone reads an answer without a body as a page of no items
	// (Webhooks answers 204 when none exist); otherwise such an answer is
	// cut short, and retried.
	EmptyIsNone bool `yaml:"empty_is_none"`
}

// Annotations override the hints derived from the HTTP method.
type Annotations struct {
	ReadOnly    *bool `yaml:"read_only"`
	Destructive *bool `yaml:"destructive"`
	Idempotent  *bool `yaml:"idempotent"`
	OpenWorld   *bool `yaml:"open_world"`
}

// Parameter locations.
const (
	InPath   = "path"
	InQuery  = "query"
	InHeader = "header"
	InBody   = "body"
	// InVariable is a GraphQL variable of the tool's query document.
	InVariable = "variable"
	// InSteps is an argument of a tool with steps that only the steps'
	// references read.
	InSteps = "steps"
)

// WireName is the name APS knows the parameter by.
func (p *Param) WireName(arg string) string {
	if p.Name != "" {
		return p.Name
	}
	return arg
}

// Names returns the catalogue's tool names, sorted.
func (c *Catalog) Names() []string {
	names := make([]string, 0, len(c.Tools))
	for n := range c.Tools {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ReadOnly reports whether the tool does not change anything in APS: a
// GET, a HEAD or a GraphQL query (the only operation tools.yaml takes).
func (t *Tool) ReadOnly() bool {
	if t.Annotations != nil && t.Annotations.ReadOnly != nil {
		return *t.Annotations.ReadOnly
	}
	return t.GraphQL != "" || t.everyMethod(func(m string) bool { return m == "GET" || m == "HEAD" })
}

// everyMethod reports whether ok holds for the tool's method, or for the
// method of each of its steps.
func (t *Tool) everyMethod(ok func(string) bool) bool {
	if len(t.Steps) == 0 {
		return ok(t.Method)
	}
	for _, s := range t.Steps {
		if !ok(strings.ToUpper(s.Method)) {
			return false
		}
	}
	return true
}

// Destructive reports whether the tool may destroy data in APS: a DELETE
// unless the tool says otherwise, and never a read-only tool (the MCP spec
// gives destructiveHint meaning only when readOnlyHint is false). It is the
// tool's destructiveHint, and what asks the person to confirm a call.
func (t *Tool) Destructive() bool {
	if t.ReadOnly() {
		return false
	}
	if t.Annotations != nil && t.Annotations.Destructive != nil {
		return *t.Annotations.Destructive
	}
	return !t.everyMethod(func(m string) bool { return m != "DELETE" })
}

// Idempotent reports whether sending the tool's request twice does no more
// than sending it once, which is when a failed attempt may be retried.
func (t *Tool) Idempotent() bool {
	if t.Annotations != nil && t.Annotations.Idempotent != nil {
		return *t.Annotations.Idempotent
	}
	if t.GraphQL != "" {
		return true // a query, asked twice, is answered twice
	}
	return t.everyMethod(idempotentMethod)
}

// ServedBy reports whether auth kind can serve the tool.
func (t *Tool) ServedBy(kind string) bool {
	for _, k := range t.Auth {
		if k == kind {
			return true
		}
	}
	return false
}
