package registry

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
)

// TestLimitCutsAListingAndTheCursorContinues: a call's limit returns at
// most that many items, the cursor continues right after them, a
// continuing call may ask for another limit, and a limit above the cap
// gets the cap; walking a listing so returns every item exactly once.
func TestLimitCutsAListingAndTheCursorContinues(t *testing.T) {
	const n = 50
	srv := pagedAPS(t, n)
	rt, c := pagedRuntime(t, srv, Limits{MaxItems: 20})
	for _, name := range []string{"list_next", "list_offset"} {
		t.Run(name, func(t *testing.T) {
			tool := c.Tools[name]
			limits := []any{3.0, 1.0, 8.0, 100.0, 5.0, nil, 2.0}
			var got []string
			args := map[string]any{}
			for calls := 0; ; calls++ {
				want := 20 // the cap
				if lim := limits[calls%len(limits)]; lim != nil {
					args[LimitArg] = lim
					want = min(int(lim.(float64)), 20)
				} else {
					delete(args, LimitArg)
				}
				l, res := callList(t, rt, tool, args)
				if res.IsError {
					t.Fatalf("call %d: %v", calls, res.Content)
				}
				for _, it := range l.Items {
					got = append(got, it.K)
				}
				if !l.Truncated {
					if len(l.Items) > want {
						t.Errorf("last call returned %d items, want at most %d", len(l.Items), want)
					}
					break
				}
				if len(l.Items) != want {
					t.Fatalf("call %d with limit %v returned %d items, want %d", calls, args[LimitArg], len(l.Items), want)
				}
				if asked, ok := args[LimitArg].(float64); ok && asked < 20 && !strings.Contains(l.Note, fmt.Sprintf("limit of %d items", int(asked))) {
					t.Errorf("note %q does not name the limit", l.Note)
				}
				if calls > n {
					t.Fatal("cursors do not converge")
				}
				args[CursorArg] = l.Cursor
			}
			if len(got) != n {
				t.Fatalf("walked %d items, want %d", len(got), n)
			}
			for i, k := range got {
				if k != fmt.Sprintf("key-%03d", i) {
					t.Fatalf("item %d is %s", i, k)
				}
			}
		})
	}
}

func TestLimitIsChecked(t *testing.T) {
	srv := pagedAPS(t, 10)
	rt, c := pagedRuntime(t, srv, Limits{})
	for _, tc := range []struct {
		limit any
		want  string
	}{
		{0.0, "argument limit: must be at least 1"},
		{-3.0, "argument limit: must be at least 1"},
		{2.5, "argument limit: must be a whole number"},
		{"ten", "argument limit: must be an integer"},
	} {
		_, res := callList(t, rt, c.Tools["list_offset"], map[string]any{LimitArg: tc.limit})
		text := res.Content[0].(mcp.TextContent).Text
		if !res.IsError || !strings.Contains(text, tc.want) {
			t.Errorf("limit %v: got %q, want an error containing %q", tc.limit, text, tc.want)
		}
	}
	_, res := callList(t, rt, c.Tools["list_offset"], map[string]any{"nope": 1.0})
	if text := res.Content[0].(mcp.TextContent).Text; !strings.Contains(text, "this tool takes: cursor, limit") {
		t.Errorf("an unknown argument gets %q, want the list argument names", text)
	}
	schema := string(c.Tools["list_offset"].schema)
	if !strings.Contains(schema, `"limit":{"description":"At most this many items`) || !strings.Contains(schema, `"minimum":1,"type":"integer"`) {
		t.Errorf("schema lacks the limit argument: %s", schema)
	}
}
