package registry

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/listtext"
	"github.com/aps-mcp/aps-mcp/logging"
)

// sameDocument fails unless the result's text, read back from the
// compact form, is its structuredContent as JSON values.
func sameDocument(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	text := res.Content[0].(mcp.TextContent).Text
	back, err := listtext.Parse(text)
	if err != nil {
		t.Fatalf("the text is not the compact form: %v\n%s", err, text)
	}
	var got, want any
	if err := json.Unmarshal(back, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(res.RawStructuredContent, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the text reads back as %s, structuredContent is %s", back, res.RawStructuredContent)
	}
	return text
}

// TestListingTextIsCompact: a listing's text names its fields once and
// holds every item and the cursor of a capped listing; it reads back as
// structuredContent exactly.
func TestListingTextIsCompact(t *testing.T) {
	srv := pagedAPS(t, 20)
	for _, limits := range []Limits{{}, {MaxItems: 5}} {
		rt, c := pagedRuntime(t, srv, limits)
		l, res := callList(t, rt, c.Tools["list_next"], nil)
		text := sameDocument(t, res)
		if strings.Contains(text, `"k":`) || !strings.HasPrefix(text, "items["+strconv.Itoa(l.Count)+"]{k}:\n\"key-000\"\n") {
			t.Errorf("text is not the compact form with one header:\n%s", text)
		}
		if l.Truncated && !strings.Contains(text, "\ncursor: \""+l.Cursor+"\"\n") {
			t.Errorf("capped listing's text lacks its cursor %q:\n%s", l.Cursor, text)
		}
	}
}

// TestRedactedListingStaysCompact: a listing cleaned of a credential keeps
// the compact text, built from the clean document.
func TestRedactedListingStaysCompact(t *testing.T) {
	const secret = "s3cr3t-value-0123456789"
	doc := []byte(`{"items":[{"k":"a"},{"k":"has ` + secret + `"}],"count":2}`)
	res := redacted(logging.NewRedactor(secret), compactResult(doc))
	text := sameDocument(t, res)
	if strings.Contains(text, secret) || strings.Contains(string(res.RawStructuredContent), secret) || !strings.HasPrefix(text, "items[2]{k}:") {
		t.Errorf("redacted listing: text %q, structured %s", text, res.RawStructuredContent)
	}
}

// TestOnlyListingsAreCompact: a single answer's text stays its JSON; an
// answer projected to an array is a listing too.
func TestOnlyListingsAreCompact(t *testing.T) {
	doc := []byte(`{"items":[{"id":"a"}],"count":1}`)
	for _, tc := range []struct {
		tool    *Tool
		compact bool
	}{
		{&Tool{Paginate: &Paginate{}}, true},
		{&Tool{Result: "data.#.{id}"}, true},
		{&Tool{Result: "{id}"}, false},
		{&Tool{}, false},
	} {
		res := resultFor(tc.tool, doc)
		text := res.Content[0].(mcp.TextContent).Text
		if compactText(res) != tc.compact || (!tc.compact && text != string(doc)) {
			t.Errorf("result %q of %q: text %q, want compact %v", tc.tool.Result, doc, text, tc.compact)
		}
	}
}
