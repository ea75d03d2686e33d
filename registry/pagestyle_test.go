package registry

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

const bodyPagedCatalog = `version: 1
toolsets:
  s: {description: S}
tools:
  search:
    title: A title
    description: Searches, paging through the body.
    toolset: s
    auth: [2lo]
    method: POST
    path: /search
    params:
      prefix: {in: body, name: filter.prefix, type: string, required: true, description: Prefix.}
    paginate: {style: body-offset, items: results, total: pagination.totalResults, offset_param: pagination.offset, page_size_param: pagination.limit, page_size: 4}
    result: '{k:key}'
`

// TestBodyPagingStyle: a listing whose style (body-offset) pages through
// the body keeps the arguments' body fields on every page, and its
// cursors, which carry the body, walk every item exactly once.
func TestBodyPagingStyle(t *testing.T) {
	const n = 13
	var badBodies int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Filter     struct{ Prefix string }
			Pagination struct{ Offset, Limit int }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Filter.Prefix != "p" || req.Pagination.Limit != 4 || r.Method != http.MethodPost {
			badBodies++
		}
		results := []map[string]string{}
		for i := req.Pagination.Offset; i < min(req.Pagination.Offset+req.Pagination.Limit, n); i++ {
			results = append(results, map[string]string{"key": fmt.Sprintf("%s-%02d", req.Filter.Prefix, i)})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"results": results, "pagination": map[string]int{"totalResults": n}})
	}))
	defer srv.Close()
	c, err := Load(writeCatalogF(t, bodyPagedCatalog), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	rt, _ := pagedRuntimeB(t, srv.URL)
	rt.Limits = Limits{MaxItems: 5}
	seen := map[string]int{}
	args := map[string]any{"prefix": "p"}
	for calls := 1; calls <= n; calls++ {
		l, res := callList(t, rt, c.Tools["search"], args)
		if res.IsError {
			t.Fatalf("call %d: %v", calls, res.Content)
		}
		for _, it := range l.Items {
			seen[it.K]++
		}
		if !l.Truncated {
			break
		}
		args = map[string]any{"prefix": "p", CursorArg: l.Cursor}
	}
	if len(seen) != n || badBodies > 0 {
		t.Errorf("saw %d distinct items of %d; %d requests lacked the filter or page size", len(seen), n, badBodies)
	}
	for k, c := range seen {
		if c != 1 {
			t.Errorf("%s seen %d times", k, c)
		}
	}
}
