package registry

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
)

// A pagination style is one way APS pages a listing. Each style lives in
// a file of its own (pagestyle_*.go) that registers it from init; the
// validator, the lister and the cursors know styles only through this
// interface, so a new style, one that pages through the request body
// included, is one new file.
type pageStyle interface {
	// check reports what a paginate block of this style lacks or gets
	// wrong, beyond the checks every style shares.
	check(pg *Paginate) []fieldMessage
	// first returns where the first page starts, given the position the
	// arguments build: with the page size set, typically.
	first(pg *Paginate, at pagePos) pagePos
	// next returns where the page after page starts, or false after the
	// last one; inPage is how many items page held.
	next(pg *Paginate, at pagePos, page []byte, inPage int) (pagePos, bool, error)
}

// bodyPacker is a style that pages through the body and can say where a
// page is in fewer bytes than its body: a cursor then carries pack's
// result, and unpack, given the body the continuing call's arguments
// build, makes the page's body again. Cursors stay short for the model.
type bodyPacker interface {
	pack(pg *Paginate, body []byte) []byte
	unpack(pg *Paginate, own, packed []byte) []byte
}

// pagePos is what changes from one page of a listing to the next: the
// query and, for a style that pages through the request body, the body.
// A cursor carries it, so a listing can continue at any page.
type pagePos struct {
	query url.Values
	body  []byte
}

type fieldMessage struct{ field, message string }

// pageStyles are the styles tools.yaml may name, filled from init.
var pageStyles = map[string]pageStyle{}

// registerPageStyle adds a style under the name tools.yaml uses for it;
// it panics on a duplicate, as registrations from init do.
func registerPageStyle(name string, s pageStyle) {
	if _, dup := pageStyles[name]; dup {
		panic(fmt.Sprintf("registry: pagination style %q registered twice", name))
	}
	pageStyles[name] = s
}

// sizeInQuery asks for pages of pg.PageSize items in the query parameter
// pg.PageSizeParam, when the tool sets one: the first step of the styles
// that page through the query.
func sizeInQuery(pg *Paginate, at pagePos) pagePos {
	if pg.PageSizeParam != "" {
		at.query.Set(pg.PageSizeParam, strconv.Itoa(pg.PageSize))
	}
	return at
}

func cloneQuery(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}
