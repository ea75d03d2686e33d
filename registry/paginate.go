package registry

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/tidwall/gjson"
)

// paginator is one of APS's pagination styles.
type paginator struct {
	// check reports what a paginate block of this style lacks.
	check func(*Paginate) []fieldMessage
	// next returns the query of the page after body, or nil at the end.
	next func(pg *Paginate, body []byte, query url.Values) (url.Values, error)
}

type fieldMessage struct{ field, message string }

// paginators are the styles tools.yaml may name.
var paginators = map[string]paginator{
	// next-url: the page carries the URL of the next one (OSS "next",
	// Data Management "links.next.href") and no link on the last page.
	"next-url": {check: checkNextURL, next: nextFromURL},
}

func checkNextURL(pg *Paginate) []fieldMessage {
	if pg.Next == "" {
		return []fieldMessage{{"next", "missing: the gjson path to the next page's URL"}}
	}
	if err := checkGJSONPath(pg.Next); err != nil {
		return []fieldMessage{{"next", fmt.Sprintf("invalid gjson path %q: %v", pg.Next, err)}}
	}
	return nil
}

// nextFromURL reads the next link but keeps only its query: the next
// request goes to the configured host and the tool's own path with the
// link's cursor parameters, so a link can never send the token elsewhere.
func nextFromURL(pg *Paginate, body []byte, query url.Values) (url.Values, error) {
	link := gjson.GetBytes(body, pg.Next).String()
	if link == "" {
		return nil, nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("APS sent an unreadable next-page link: %w", err)
	}
	next := make(url.Values, len(query))
	for k, v := range query {
		next[k] = v
	}
	changed := false
	for k, v := range u.Query() {
		if !slices.Equal(next[k], v) {
			changed = true
		}
		next[k] = v
	}
	if !changed {
		return nil, fmt.Errorf("APS sent a next-page link that repeats the current page")
	}
	return next, nil
}
