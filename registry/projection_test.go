package registry

import (
	"testing"

	"github.com/tidwall/gjson"
)

// TestCompiledProjectionMatchesGJSON: the fast path gives exactly what
// gjson's multipath gives, and other paths still go to gjson.
func TestCompiledProjectionMatchesGJSON(t *testing.T) {
	item := `{"id":"x","attributes":{"name":"N","extension":{"type":"t"}},"size":3,"tags":[1,2],"nil":null}`
	for _, path := range []string{
		"{id,name:attributes.name,type:attributes.extension.type,size}",
		"{id,missing:attributes.nope,size}",
		"{tags,nil}",
		"{only_missing:x.y}",
		"{id,first:tags.0}",
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
			t.Errorf("%s: compiled %s, gjson %s", path, got, want)
		}
	}
	if compileProjection("{a,b:c.d}").fields == nil || compileProjection("items.#.{a}").fields != nil {
		t.Error("wrong choice of fast path")
	}
}
