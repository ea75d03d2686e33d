package registry

import (
	"testing"

	"github.com/tidwall/gjson"
)

func TestPagesToGo(t *testing.T) {
	tests := []struct {
		name                    string
		total                   string // the page's total, "" for none
		firstPage, offset, skip int
		maxItems, n, want       int
	}{
		{"no total", "", 100, 0, 0, 500, 1, 0},
		{"from the start", "230", 100, 0, 0, 500, 1, 3},
		{"exact pages", "200", 100, 0, 0, 500, 2, 2},
		{"after a cursor", "230", 100, 100, 0, 500, 1, 2},
		{"cursor mid-page", "230", 100, 100, 40, 50, 1, 1},
		{"a cap before the end", "230", 100, 0, 0, 150, 1, 2},
		{"a cap across a page boundary", "230", 100, 100, 60, 50, 1, 2},
		{"empty listing", "0", 0, 0, 0, 500, 1, 1},
		{"never below the pages fetched", "150", 50, 0, 0, 500, 4, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := &lister{firstPage: tc.firstPage, firstOffset: tc.offset, firstSkip: tc.skip, lim: Limits{MaxItems: tc.maxItems}}
			total := gjson.Result{}
			if tc.total != "" {
				total = gjson.Parse(tc.total)
			}
			if got := l.pagesToGo(tc.n, total); got != tc.want {
				t.Errorf("pagesToGo = %d, want %d", got, tc.want)
			}
		})
	}
}
