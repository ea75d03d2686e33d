package registry

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/tidwall/gjson"
)

// nextURL is the style "next-url": the page carries the URL of the next
// one and none on the last page (OSS "next" with limit/startAt; Data
// Management "links.next.href" with page[number]/page[limit]).
type nextURL struct{}

func init() { registerPageStyle("next-url", nextURL{}) }

func (nextURL) check(pg *Paginate) []fieldMessage {
	if pg.Next == "" {
		return []fieldMessage{{"next", "missing: the gjson path to the next page's URL"}}
	}
	if err := checkGJSONPath(pg.Next); err != nil {
		return []fieldMessage{{"next", err.Error()}}
	}
	return nil
}

func (nextURL) first(pg *Paginate, at pagePos) pagePos { return sizeInQuery(pg, at) }

// next reads the next link but keeps only its query: the next request
// goes to the configured host and the tool's own path with the link's
// cursor parameters, so a link can never send the token elsewhere.
func (nextURL) next(pg *Paginate, at pagePos, page []byte, _ int) (pagePos, bool, error) {
	link := gjson.GetBytes(page, pg.Next).String()
	if link == "" {
		return pagePos{}, false, nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return pagePos{}, false, fmt.Errorf("APS sent an unreadable next-page link: %w", err)
	}
	next := cloneQuery(at.query)
	changed := false
	for k, v := range u.Query() {
		if !slices.Equal(next[k], v) {
			changed = true
		}
		next[k] = v
	}
	if !changed {
		return pagePos{}, false, fmt.Errorf("APS sent a next-page link that repeats the current page")
	}
	return pagePos{query: next, body: at.body}, true, nil
}
