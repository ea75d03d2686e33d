package registry

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/aps-mcp/aps-mcp/internal/gqldoc"
)

// compile prepares a validated tool for its calls: the method in upper
// case, each parameter compiled, the path template split at its
// placeholders, the sorted argument names, the input and output schemas,
// the result projection and the answer headers to keep. It is the one step
// after validation that changes the tool.
func (t *Tool) compile(patterns patternCache) {
	t.Method = strings.ToUpper(t.Method)
	for _, p := range t.Params {
		*p = p.compiled(patterns)
	}
	t.pathParts = splitPath(t.Path)
	if t.GraphQL != "" {
		t.gql, _ = gqldoc.Parse(t.GraphQL) // validated
	}
	t.compileSteps()
	t.argNames = sortedKeys(t.Params)
	t.schema = buildInputSchema(t)
	t.output = buildOutputSchema(t)
	t.projection = compileProjection(t.Result)
	t.sharing = t.compileSharing()
	t.keep = slices.Sorted(maps.Values(t.AnswerHeaders))
}

// compiled returns the parameter as calls use it: its type defaulted to
// string, a path parameter required (a path cannot be built without it),
// its transform resolved and its pattern compiled, its enum values and
// default normalized to the parameter's Go type. It leaves p as it is;
// what cannot be prepared stays unprepared (a nil pattern, a raw enum
// value), for the validator to report.
func (p Param) compiled(patterns patternCache) Param {
	if p.Type == "" {
		p.Type = "string"
	}
	if p.In == InPath {
		p.Required = true
	}
	if p.Transform != "" {
		if tr, arg, err := parseTransform(p.Transform); err == nil {
			p.transform, p.transformArg = &tr, arg
		}
	}
	if p.Pattern != "" && p.Type == "string" {
		p.re = patterns.compile(p.Pattern)
	}
	if len(p.Enum) > 0 {
		elem, enum := p.element(), make([]any, len(p.Enum))
		for i, e := range p.Enum {
			enum[i] = e
			if norm, err := normalize(elem, e); err == nil {
				enum[i] = norm
			}
		}
		p.Enum = enum
	}
	if p.Default != nil {
		if norm, err := checkValue(&p, p.Default); err == nil {
			p.Default = norm
		}
	}
	return p
}

// patternCache compiles each distinct pattern of a catalogue once: the
// same pattern (a bucket key's, say) serves many tools, a compiled regexp
// is safe for concurrent use, and compiling one with a bounded repeat such
// as {3,128} costs hundreds of kilobytes.
type patternCache map[string]*regexp.Regexp

// compile returns the pattern compiled, or nil when it does not compile;
// a nil cache compiles every time.
func (c patternCache) compile(pattern string) *regexp.Regexp {
	re, ok := c[pattern]
	if !ok {
		re, _ = regexp.Compile(pattern)
		if c != nil {
			c[pattern] = re
		}
	}
	return re
}

// element is the parameter that enum values and patterns apply to: p
// itself, or for an array a parameter of its item type.
func (p *Param) element() *Param {
	if p.Type == "array" {
		return &Param{Type: p.itemType()}
	}
	return p
}

// pathPart is a literal piece of a path template or a parameter's name.
type pathPart struct {
	literal string
	param   string
}

// splitPath splits a path template at its placeholders.
func splitPath(path string) []pathPart {
	var parts []pathPart
	rest := path
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			parts = append(parts, pathPart{literal: rest})
			break
		}
		close := strings.IndexByte(rest[open:], '}') + open
		if open > 0 {
			parts = append(parts, pathPart{literal: rest[:open]})
		}
		parts = append(parts, pathPart{param: rest[open+1 : close]})
		rest = rest[close+1:]
	}
	return parts
}
