package registry

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/tidwall/gjson"
)

// shape applies the tool's projection to the response (or merged listing)
// and returns the JSON object the model sees, working on the raw bytes. An
// array becomes {"items":[...],"count":N}, with the pages' "warnings" when
// APS sent any, and "truncated" and a note when a listing stopped at its
// cap; any other non-object becomes {"result":v}.
func shape(t *Tool, doc []byte, listing *listingInfo) ([]byte, error) {
	if len(bytes.TrimSpace(doc)) == 0 {
		doc = []byte("{}")
	}
	if !gjson.ValidBytes(doc) {
		return nil, fmt.Errorf("APS answered with a body that is not JSON")
	}
	var value gjson.Result
	switch {
	case t.Result != "":
		value = gjson.GetBytes(doc, t.Result)
	case listing != nil:
		value = gjson.GetBytes(doc, "items")
	default:
		value = gjson.ParseBytes(doc)
	}
	raw := value.Raw
	if raw == "" {
		raw = "null"
	}
	switch {
	case value.IsArray():
		return wrapItems(raw, value, listing), nil
	case value.IsObject() && listing == nil:
		return []byte(raw), nil
	}
	out := make([]byte, 0, len(raw)+12)
	out = append(out, `{"result":`...)
	out = append(out, raw...)
	return append(out, '}'), nil
}

func wrapItems(raw string, value gjson.Result, listing *listingInfo) []byte {
	count := 0
	value.ForEach(func(_, _ gjson.Result) bool { count++; return true })
	out := make([]byte, 0, len(raw)+128)
	out = append(out, `{"items":`...)
	out = append(out, raw...)
	out = append(out, `,"count":`...)
	out = strconv.AppendInt(out, int64(count), 10)
	if listing != nil && listing.warnings != nil {
		out = append(out, `,"warnings":`...)
		out = append(out, listing.warnings...)
		out = append(out, ']')
	}
	if listing != nil && listing.truncated {
		out = append(out, `,"truncated":true,"note":`...)
		note := fmt.Sprintf("Listing stopped at its cap of %d items; APS has more. Narrow the request to see the rest.", listing.max)
		out = strconv.AppendQuote(out, note)
	}
	return append(out, '}')
}
