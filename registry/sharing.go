package registry

import (
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/internal/alias"
	"github.com/aps-mcp/aps-mcp/sharedreads"
)

// sharing is how a tool's answers are shared (package sharedreads):
// every read is coalesced with identical ones in flight, a read with
// cache is kept, and a write with a family invalidates it.
type sharing struct {
	fixed  *apshttp.Sharing // the same for every call, or nil
	family []pathPart       // a family with placeholders, filled per call
	proto  apshttp.Sharing  // what the calls of a family with placeholders share
}

// compileSharing prepares what buildRequest attaches to each request.
func (t *Tool) compileSharing() sharing {
	family := t.Family
	if family == "" && t.Cache > 0 {
		family = "tool:" + t.Name // belongs with no write
	}
	sh := apshttp.Sharing{Read: t.ReadOnly(), TTL: t.Cache, Keep: keepWhen(t.CacheWhen)}
	if !sh.Read && family == "" {
		return sharing{} // a write that invalidates nothing
	}
	parts := splitPath(family)
	if len(parts) == 1 && parts[0].param == "" || family == "" {
		sh.Family = family
		return sharing{fixed: &sh}
	}
	return sharing{family: parts, proto: sh}
}

// sharingFor is the Sharing of one call whose path arguments, as sent,
// are values.
func (t *Tool) sharingFor(values map[string]string) *apshttp.Sharing {
	if t.sharing.family == nil {
		return t.sharing.fixed
	}
	sh := t.sharing.proto
	var b strings.Builder
	for _, part := range t.sharing.family {
		if part.param == "" {
			b.WriteString(part.literal)
		} else {
			b.WriteString(values[part.param])
		}
	}
	sh.Family = b.String()
	return &sh
}

// keepWhen is the test an answer passes to be cached: each gjson path
// holds its value. No condition keeps every answer.
func keepWhen(when map[string]string) func([]byte) bool {
	if len(when) == 0 {
		return nil
	}
	paths := sortedKeys(when)
	return func(body []byte) bool {
		doc := alias.String(body)
		for _, p := range paths {
			if gjson.Get(doc, p).String() != when[p] {
				return false
			}
		}
		return true
	}
}

// sharing checks cache, cache_when and family.
func (v *validator) sharing(t *Tool) {
	n := t.Name
	upper := *t
	upper.Method = strings.ToUpper(t.Method) // as compile will write it
	read := upper.ReadOnly()
	switch {
	case t.Cache < 0:
		v.add(n, "cache", "must not be negative")
	case t.Cache > 0 && t.Cache < time.Second:
		v.add(n, "cache", "must be at least 1s, got %v", t.Cache)
	case t.Cache > sharedreads.MaxTTL:
		v.add(n, "cache", "must be at most %v, got %v", sharedreads.MaxTTL, t.Cache)
	case t.Cache > 0 && !read:
		v.add(n, "cache", "only a read's answers are cached; this tool changes APS (method %s)", strings.ToUpper(t.Method))
	}
	if t.Cache > 0 && len(t.AnswerHeaders) > 0 {
		v.add(n, "cache", "the cache keeps answers' bodies, not the headers answer_headers reads")
	}
	if len(t.CacheWhen) > 0 && t.Cache == 0 {
		v.add(n, "cache_when", "says which answers cache keeps, but the tool has no cache")
	}
	for _, p := range sortedKeys(t.CacheWhen) {
		if err := checkGJSONPath(p); err != nil {
			v.add(n, "cache_when."+p, "%v", err)
		}
	}
	if t.Family == "" {
		return
	}
	if read && t.Cache == 0 {
		v.add(n, "family", "groups cached reads with the writes that invalidate them, but this read has no cache")
	}
	if strings.Count(t.Family, "{") != strings.Count(t.Family, "}") || strings.Contains(t.Family, "{}") {
		v.add(n, "family", "malformed placeholder in %q", t.Family)
		return
	}
	for _, m := range placeholder.FindAllStringSubmatch(t.Family, -1) {
		if p, ok := t.Params[m[1]]; !ok || p == nil || p.In != InPath {
			v.add(n, "family", "placeholder {%s} must name a path parameter of the tool", m[1])
		}
	}
}
