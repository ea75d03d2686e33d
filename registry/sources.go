package registry

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// idSource is where a path argument's valid values come from, as the
// catalogue says: the tools that return them and, when it names one, the
// field they are returned in.
type idSource struct {
	tools []string
	field string
}

// linkSources finds, for each path argument of each tool, the tools that
// return its valid values, so that a failure can name them.
func (c *Catalog) linkSources() {
	for _, name := range c.Names() {
		t := c.Tools[name]
		for _, arg := range t.argNames {
			if p := t.Params[arg]; p.In == InPath {
				p.source = c.sourceOf(t, arg, p)
			}
		}
	}
}

// sourceOf is, in this order: the tools the argument's description names
// ("as returned by list_buckets"); the listing tool of the collection the
// argument picks from (list_projects for {project_id} in
// /hubs/{hub_id}/projects/{project_id}); the tools returning a field
// named as the argument, or as a field the description names
// ("derivative_urn").
func (c *Catalog) sourceOf(t *Tool, arg string, p *Param) idSource {
	words := snakeWord.FindAllString(p.Description, -1)
	var named []string
	for _, w := range words {
		if _, ok := c.Tools[w]; ok && w != t.Name && !slices.Contains(named, w) {
			named = append(named, w)
		}
	}
	if len(named) > 0 {
		return idSource{tools: named}
	}
	if lister := c.lister(arg); lister != "" {
		return idSource{tools: []string{lister}}
	}
	for _, field := range append([]string{arg}, words...) {
		var returning []string
		for _, name := range c.Names() {
			if name != t.Name && slices.Contains(resultKeys(c.Tools[name].Result), field) {
				returning = append(returning, name)
			}
		}
		if len(returning) > 0 {
			return idSource{tools: returning, field: field}
		}
	}
	return idSource{}
}

var snakeWord = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)

// lister is the tool listing the collection that {arg} picks from in some
// tool's path, or "".
func (c *Catalog) lister(arg string) string {
	for _, name := range c.Names() {
		prefix, _, found := strings.Cut(c.Tools[name].Path, "/{"+arg+"}")
		if !found {
			continue
		}
		for _, other := range c.Names() {
			v := c.Tools[other]
			shape, _ := projectionShape(v.Result)
			if v.Method == "GET" && (v.Paginate != nil || shape == shapeArray) && samePath(v.Path, prefix) {
				return other
			}
		}
	}
	return ""
}

// samePath compares path templates with their placeholders' names erased.
func samePath(a, b string) bool {
	return placeholder.ReplaceAllString(a, "{}") == placeholder.ReplaceAllString(b, "{}")
}

// describe names a path argument and its value for a hint, with where
// valid values come from: `bucket_key ("b"), which list_buckets returns`.
func (s idSource) describe(arg, value string) string {
	d := fmt.Sprintf("%s (%s)", arg, quoteShort(value))
	if len(s.tools) > 0 {
		d += ", which " + orList(s.tools) + " returns"
	}
	return d
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// lineageID matches Data Management item ids, which name an item across
// its versions (urn:adsk.wipprod:dm.lineage:…, and the same in other
// environments and regions).
var lineageID = regexp.MustCompile(`^urn:adsk\.[a-z0-9]+:dm\.lineage:`)

// misplacedItemID says, when value is an item (lineage) id given to an
// argument whose description does not take one (a Model Derivative urn
// wants a version), what to pass instead; "" otherwise. An encoded value
// (the base64url transform accepts one) is decoded first.
func (p *Param) misplacedItemID(arg, value string) string {
	id := value
	if decoded, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(value, "=")); err == nil {
		id = string(decoded)
	}
	if !lineageID.MatchString(id) || strings.Contains(p.Description, "lineage") {
		return ""
	}
	instead := "a version's id"
	if p.source.field != "" {
		instead = "the " + p.source.field + " of one of its versions"
	}
	msg := fmt.Sprintf("%s (%s) is an item (lineage) id, which names a file across its versions; %s takes a version: pass %s",
		arg, quoteShort(id), arg, instead)
	if len(p.source.tools) > 0 {
		msg += ", which " + orList(p.source.tools) + " returns"
	}
	return msg + "."
}
