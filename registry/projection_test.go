package registry

import (
	"testing"

	"github.com/tidwall/gjson"
)

// TestCompiledProjectionMatchesGJSON: the fast path gives exactly what
// gjson's multipath gives, and other paths still go to gjson.
func TestCompiledProjectionMatchesGJSON(t *testing.T) {
	items := []string{
		`{"id":"x","attributes":{"name":"N","extension":{"type":"t"}},"size":3,"tags":[1,2],"nil":null}`,
		// keys in another order than the fields, a duplicate key, escapes
		`{"size":4, "attributes": {"extension":{"type":"u"},"name":"M"}, "id":"y", "id":"dup", "tags":"t\u0041g"}`,
		`{"attributes":"not an object","id":1}`,
		`{}`,
		`["array", "item"]`,
		`"a string"`,
		`{"sizes":1,"i":2}`, // keys that only start like a field
	}
	for _, item := range items {
		for _, path := range []string{
			"{id,name:attributes.name,type:attributes.extension.type,size}",
			"{type:attributes.extension.type,name:attributes.name,id}",
			"{id,missing:attributes.nope,size}",
			"{tags,nil}",
			"{only_missing:x.y}",
			"{id,first:tags.0}",
			"{zero:0,id}",
			"attributes.name",
			"{id,n:attributes.#(name==\"N\")}",
		} {
			p := compileProjection(path)
			got := string(p.appendTo(nil, item))
			want := gjson.Get(item, path).Raw
			if want == "" {
				want = "null"
			}
			if got != want {
				t.Errorf("%s on %s: compiled %s, gjson %s", path, item, got, want)
			}
		}
	}
	if compileProjection("{a,b:c.d}").fields == nil || compileProjection("items.#.{a}").fields != nil {
		t.Error("wrong choice of fast path")
	}
}

// TestProjectDropsLayout: items APS sent indented are appended without
// their layout, with or without a projection, and what dst already held
// stays as it was.
func TestProjectDropsLayout(t *testing.T) {
	item := gjson.Parse("{\n\t\"id\": \"x\",\n\t\"attrs\": {\n\t\t\"name\": \"N y\",\n\t\t\"tags\": [1,\n\t\t\t2]\n\t}\n}")
	for _, tc := range []struct{ result, want string }{
		{"", `{"id":"x","attrs":{"name":"N y","tags":[1,2]}}`},
		{"{id,attrs}", `{"id":"x","attrs":{"name":"N y","tags":[1,2]}}`},
		{"{name:attrs.name,tags:attrs.tags}", `{"name":"N y","tags":[1,2]}`},
	} {
		tool := &Tool{Result: tc.result}
		tool.projection = compileProjection(tc.result)
		got := projectItem([]byte("[\n{\"kept\": 1},"), tool, item)
		if want := "[\n{\"kept\": 1}," + tc.want; string(got) != want {
			t.Errorf("%q: %s, want %s", tc.result, got, want)
		}
	}
}
