package apsemu

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
)

// TestIssuesPagesAsBefore: GET issues, which filters and sorts the
// stored issues in place and copies out only the page, sends byte for
// byte what copying every issue, sorting the copies and encoding the
// page into a buffer sent: the same issues in the same order, the same
// JSON, for sorts on every kind of key, filters and offsets up to and
// past the end.
func TestIssuesPagesAsBefore(t *testing.T) {
	t.Parallel()
	e, token := issuesBenchEmulator(t)
	queries := []string{
		"", "limit=7&offset=3", "offset=950", "offset=1000", "offset=2000", "limit=1&offset=999",
		"sortBy=-displayId&offset=100", "sortBy=title", "sortBy=-title&offset=500", "sortBy=createdAt,-status",
		"sortBy=-dueDate&limit=50", "sortBy=assignedTo,-assignedToType&offset=300", "sortBy=issueType,issueSubType",
		"sortBy=published,-closedAt", "sortBy=customAttributes&offset=10", "sortBy=-locationDetails,startDate",
		"filter[status]=open", "filter[status]=open,closed&sortBy=-title,status&offset=20",
		"filter[search]=lobby&sortBy=dueDate,-displayId", "filter[assignedToType]=null,user&offset=40",
		"filter[deleted]=true", "filter[displayId]=1,5,999",
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/construction/issues/v1/projects/"+benchIssuesProject+"/issues?"+q, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != contentTypeJSON {
				t.Fatalf("status %d, Content-Type %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			if want := issuesPageCopied(t, e, q); !bytes.Equal(rec.Body.Bytes(), want) {
				t.Errorf("the page differs from the copied one:\n got %.300s\nwant %.300s", rec.Body, want)
			}
		})
	}
}

// issuesPageCopied is the page of benchIssuesProject's issues that query
// asks for, made the way GET issues made it before: every issue copied,
// the copies filtered and stably sorted, the page encoded into a buffer
// and sent without the encoder's newline.
func issuesPageCopied(t *testing.T, e *Emulator, query string) []byte {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	qr := &queryReader{q: q}
	limit, offset := qr.offsetPage()
	keep, order := qr.issueFilters(), qr.issueSort(catalogueTitles(benchIssuesProject))
	if qr.detail != "" {
		t.Fatalf("query %q: %s", query, qr.detail)
	}
	e.mu.Lock()
	var matched []issueJSON
	for _, is := range e.issues[benchIssuesProject] {
		if keep(&is) {
			matched = append(matched, is)
		}
	}
	e.mu.Unlock()
	slices.SortStableFunc(matched, func(a, b issueJSON) int { return order(&a, &b) })
	page := []issueJSON{}
	if offset < len(matched) {
		page = matched[offset:min(offset+limit, len(matched))]
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(issuesPage[issueJSON]{Pagination: offsetPagination{Limit: limit, Offset: offset, TotalResults: len(matched)}, Results: page}); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
