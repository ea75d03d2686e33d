package registry

import (
	"bytes"
	"encoding/json"

	"github.com/tidwall/gjson"
)

// bodyOffset is the style "body-offset": limit and offset travel in the
// JSON request body, as in APS's POST search endpoints (ACC RFIs'
// search:rfis), stopping at a total the page reports. OffsetParam and
// PageSizeParam are dotted paths into the body.
type bodyOffset struct{}

func init() { registerPageStyle("body-offset", bodyOffset{}) }

func (bodyOffset) check(pg *Paginate) []fieldMessage {
	return checkOffsetPaging(pg, "the body field that carries the offset")
}

func (bodyOffset) first(pg *Paginate, at pagePos) pagePos {
	if pg.PageSizeParam != "" {
		at.body = withBodyField(at.body, pg.PageSizeParam, int64(pg.PageSize))
	}
	return at
}

// next advances the body's offset by the items the page held, until the
// reported total is reached or a page comes back empty.
func (bodyOffset) next(pg *Paginate, at pagePos, page []byte, inPage int) (pagePos, bool, error) {
	total, err := reportedTotal(pg, page)
	if err != nil {
		return pagePos{}, false, err
	}
	n := gjson.GetBytes(at.body, pg.OffsetParam).Int() + int64(inPage)
	if inPage == 0 || n >= total.Int() {
		return pagePos{}, false, nil
	}
	body := withBodyField(at.body, pg.OffsetParam, n)
	if bytes.Equal(body, at.body) {
		return pagePos{}, false, nil // a body that cannot be advanced would repeat the page
	}
	return pagePos{query: at.query, body: body}, true, nil
}

// inBody marks the style's page parameters as body fields, for the spec
// check.
func (bodyOffset) inBody() bool { return true }

// withBodyField is body (a JSON object; nil for none) with the field at a
// dotted path set to v. The bodies come from buildRequest or a signed
// cursor, so they are objects; anything else is left as it is.
func withBodyField(body []byte, path string, v int64) []byte {
	obj := map[string]any{}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &obj); err != nil {
			return body
		}
	}
	setPath(obj, path, v)
	out, err := json.Marshal(obj)
	if err != nil {
		return body
	}
	return out
}
