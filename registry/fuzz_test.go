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

// FuzzBuildRequest: whatever strings the arguments hold, the request goes
// to the configured host, its path keeps the template's fixed segments,
// each path argument unescapes to exactly itself inside its own segment,
// the query value round-trips, and no header carries a line break.
func FuzzBuildRequest(f *testing.F) {
	for _, seed := range [][4]string{
		{"abc", "def", "x", "US"},
		{"a/b", "../..", "a&b=c", "US\r\nX-Evil: 1"},
		{"?x=1#frag", "%2F%2e%2e", "#", "\x00"},
		{"..", ".", "", ""},
		{"https://evil.example/", "@evil.example", "\n", "é"},
		{"Zeichnung-Übersicht.dwg", "設計図.rvt", "100% done", " "},
		{strings.Repeat("a", 3000), "b", "c", "d"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
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
