package registry

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/tidwall/gjson"
)

// graphqlCursorStyle is the name tools.yaml gives the style.
const graphqlCursorStyle = "graphql-cursor"

// graphqlCursor is the style "graphql-cursor": each page of a GraphQL
// query carries the cursor of the next one (the AEC Data Model's
// pagination.cursor, null or absent on the last page), which goes back in
// the request body as the variable cursor_variable; page_size_param names
// the variable that asks for page_size items. It pages through the
// body, so a cursor of this style carries the page's request body.
type graphqlCursor struct{}

func init() { registerPageStyle(graphqlCursorStyle, graphqlCursor{}) }

func (graphqlCursor) check(pg *Paginate) []fieldMessage {
	var out []fieldMessage
	if pg.Next == "" {
		out = append(out, fieldMessage{"next", "missing: the gjson path to the next page's cursor, e.g. data.<field>.pagination.cursor"})
	} else if err := checkGJSONPath(pg.Next); err != nil {
		out = append(out, fieldMessage{"next", err.Error()})
	}
	if pg.CursorVariable == "" {
		out = append(out, fieldMessage{"cursor_variable", "missing: the GraphQL variable the cursor is sent in"})
	}
	if pg.OffsetParam != "" || pg.Total != "" {
		out = append(out, fieldMessage{"offset_param", "style graphql-cursor takes no offset_param or total"})
	}
	return out
}

// first sets the page size variable; the first page has no cursor.
func (graphqlCursor) first(pg *Paginate, at pagePos) pagePos {
	if pg.PageSizeParam == "" {
		return at
	}
	// The body is the tool's own encoding; it always decodes.
	if body, err := setVariable(at.body, pg.PageSizeParam, pg.PageSize); err == nil {
		at.body = body
	}
	return at
}

// pack keeps of a page's body only its cursor variable: the document and
// the other variables come from the continuing call's arguments.
func (graphqlCursor) pack(pg *Paginate, body []byte) []byte {
	return variableValue(body, pg.CursorVariable)
}

// unpack is the first page's body with the cursor variable set again. A
// packed cursor is one this server signed, so it is the JSON pack made.
func (s graphqlCursor) unpack(pg *Paginate, own, packed []byte) []byte {
	body := s.first(pg, pagePos{body: own}).body
	var c any
	if json.Unmarshal(packed, &c) != nil {
		return body
	}
	if out, err := setVariable(body, pg.CursorVariable, c); err == nil {
		return out
	}
	return body
}

// next feeds the page's cursor back as the cursor variable, until a page
// comes without one or with no items.
func (graphqlCursor) next(pg *Paginate, at pagePos, page []byte, inPage int) (pagePos, bool, error) {
	c := gjson.GetBytes(page, pg.Next)
	if inPage == 0 || c.Type != gjson.String || c.String() == "" {
		return pagePos{}, false, nil
	}
	raw, _ := json.Marshal(c.String())
	if bytes.Equal(variableValue(at.body, pg.CursorVariable), raw) {
		return pagePos{}, false, fmt.Errorf("APS sent a next-page cursor that repeats the current page")
	}
	body, err := setVariable(at.body, pg.CursorVariable, c.String())
	if err != nil {
		return pagePos{}, false, err
	}
	return pagePos{query: at.query, body: body}, true, nil
}
