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
			got := string(p.apply(nil, item))
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
