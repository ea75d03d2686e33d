package registry

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/tidwall/gjson"
)

// shape applies a single-resource tool's projection to APS's answer and
// returns the JSON object the model sees, working on the raw bytes: an
// object as it is, an array as {"items":[...],"count":N}, anything else as
// {"result":v}. The result never shares doc's memory, so the caller may
// reuse doc. (Listings are shaped as they are merged, in list.)
func shape(t *Tool, doc []byte) ([]byte, error) {
	if len(bytes.TrimSpace(doc)) == 0 {
		doc = []byte("{}")
	}
	if !gjson.ValidBytes(doc) {
		return nil, fmt.Errorf("APS answered with a body that is not JSON")
	}
	if t.Result != "" {
		doc = t.projection.apply(nil, view(doc)) // the same projection listings use
	}
	value := gjson.Parse(view(doc))
	raw := value.Raw
	switch {
	case value.IsObject():
		return compact([]byte(raw)), nil
	case value.IsArray():
		count := 0
		value.ForEach(func(_, _ gjson.Result) bool { count++; return true })
		out := make([]byte, 0, len(raw)+32)
		out = append(out, `{"items":`...)
		out = append(out, compact([]byte(raw))...)
		out = append(out, `,"count":`...)
		out = strconv.AppendInt(out, int64(count), 10)
		return append(out, '}'), nil
	}
	out := make([]byte, 0, len(raw)+12)
	out = append(out, `{"result":`...)
	out = append(out, raw...)
	return append(out, '}'), nil
}
