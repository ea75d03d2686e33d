package registry

import (
	"net/url"
	"strings"
	"testing"
)

const fuzzCatalog = `version: 1
toolsets:
  s: {description: S}
tools:
  get_thing:
    title: A title
    description: Gets a thing.
    toolset: s
    auth: [2lo]
    method: GET
    path: /things/{first}/parts/{second}:details
    params:
      first: {in: path, type: string, description: First.}
      second: {in: path, type: string, description: Second.}
      q: {in: query, name: 'filter[q]', type: string, description: Query.}
      h: {in: header, name: x-ads-region, type: string, description: Header.}
`

// fuzzSeeds are FuzzBuildRequest's seeds: hostile paths and queries with
// a plain header, so they reach the path checks, and hostile headers with
// plain paths (a header refused first would hide the path's fate). refused
// says buildRequest refuses the seed.
var fuzzSeeds = []struct {
	first, second, q, h string
	refused             bool
}{
	{"abc", "def", "x", "US", false},
	{"a/b", "../..", "a&b=c", "US", false},
	{"?x=1#frag", "%2F%2e%2e", "#", "EMEA", false},
	{"..", ".", "", "", true}, // the path check refuses dot segments
	{"https://evil.example/", "@evil.example", "\n", "é", false},
	{"Zeichnung-Übersicht.dwg", "設計図.rvt", "100% done", " ", false},
	{strings.Repeat("a", 3000), "b", "c", "d", true}, // over the path length cap
	{"abc", "def", "x", "US\r\nX-Evil: 1", true},
	{"abc", "def", "x", "\x00", true},
}

// TestFuzzSeedsReachTheirChecks: the seeds with hostile paths are built,
// so FuzzBuildRequest checks where their paths went, and only the seeds
// meant to be refused are.
func TestFuzzSeedsReachTheirChecks(t *testing.T) {
	c, err := Load(writeCatalogF(t, fuzzCatalog), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range fuzzSeeds {
		_, err := c.Tools["get_thing"].buildRequest(map[string]any{"first": s.first, "second": s.second, "q": s.q, "h": s.h})
		if (err != nil) != s.refused {
			t.Errorf("seed #%d: error %v, want refused %v", i, err, s.refused)
		}
	}
}

// FuzzBuildRequest: whatever strings the arguments hold, the request goes
// to the configured host, its path keeps the template's fixed segments,
// each path argument unescapes to exactly itself inside its own segment,
// the query value round-trips, and no header carries a line break.
func FuzzBuildRequest(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.first, s.second, s.q, s.h)
	}
	c, err := Load(writeCatalogF(f, fuzzCatalog), testLoadOptions)
	if err != nil {
		f.Fatal(err)
	}
	tool := c.Tools["get_thing"]
	const base = "https://developer.api.autodesk.com"
	f.Fuzz(func(t *testing.T, first, second, q, h string) {
		req, err := tool.buildRequest(map[string]any{"first": first, "second": second, "q": q, "h": h})
		if err != nil {
			if _, ok := err.(*ArgError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		u, err := url.Parse(base + req.Path)
		if err != nil {
			t.Fatalf("built an unparsable URL %q: %v", base+req.Path, err)
		}
		if u.Scheme != "https" || u.Host != "developer.api.autodesk.com" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("URL escaped its host or path: %q", u.String())
		}
		segs := strings.Split(u.EscapedPath(), "/")
		if len(segs) != 5 || segs[0] != "" || segs[1] != "things" || segs[3] != "parts" || !strings.HasSuffix(segs[4], ":details") {
			t.Fatalf("path %q does not keep the template's segments", u.EscapedPath())
		}
		got1, err1 := url.PathUnescape(segs[2])
		got2, err2 := url.PathUnescape(strings.TrimSuffix(segs[4], ":details"))
		if err1 != nil || err2 != nil || got1 != first || got2 != second {
			t.Fatalf("path arguments did not stay in their segments: %q → %q, %q → %q", first, got1, second, got2)
		}
		if got := req.Query.Get("filter[q]"); got != q {
			t.Fatalf("query value %q came out as %q", q, got)
		}
		if strings.ContainsAny(req.Header.Get("x-ads-region"), "\r\n") {
			t.Fatalf("header carries a line break: %q", req.Header.Get("x-ads-region"))
		}
	})
}
