package e2e_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/aps-mcp/aps-mcp/listtext"
)

// TestListingTextOverTheWire: over both protocol generations a listing
// comes back twice: structuredContent as its JSON, and text in the
// compact form (field names once, one line per item) that reads back as
// that JSON exactly; a single answer's text stays its JSON.
func TestListingTextOverTheWire(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	url := startServer(t, base, serverOptions{})
	checkCompact := func(who, text string, structured any) {
		t.Helper()
		m, _ := structured.(map[string]any)
		list, _ := m["items"].([]any)
		if len(list) < 3 {
			t.Fatalf("%s: list_buckets structuredContent has %d items: %v", who, len(list), structured)
		}
		header := "items[" + strconv.Itoa(len(list)) + "]{bucket_key,policy_key,created_date}:\n"
		if !strings.HasPrefix(text, header) || strings.Contains(text, `"bucket_key":`) || strings.Count(text, "\n") != len(list)+1 {
			t.Errorf("%s: text is not the compact form under %q:\n%s", who, header, text)
		}
		for _, it := range list {
			if key := it.(map[string]any)["bucket_key"].(string); !strings.Contains(text, "\n\""+key+"\",") {
				t.Errorf("%s: text lacks bucket %s", who, key)
			}
		}
		back, err := listtext.Parse(text)
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		var got any
		if err := json.Unmarshal(back, &got); err != nil || !reflect.DeepEqual(got, structured) {
			t.Errorf("%s: the text reads back as %s, want %v (%v)", who, back, structured, err)
		}
	}

	c := httpClient(t, url) // mcp-go, stateless 2026-07-28
	r := callTool(t, c, "list_buckets", nil)
	checkCompact("mcp-go", r.text, any(r.structured))
	if d := callTool(t, c, "get_bucket_details", map[string]any{"bucket_key": demoBucket}); !strings.HasPrefix(d.text, `{"bucket_key":`) {
		t.Errorf("get_bucket_details text is not its JSON: %s", d.text)
	}

	session := sdkSession(t, url) // go-sdk, 2025-11-25 with a session
	res, err := session.CallTool(context.Background(), &sdk.CallToolParams{Name: "list_buckets"})
	if err != nil || res.IsError || len(res.Content) != 1 {
		t.Fatalf("go-sdk list_buckets: %v %+v", err, res)
	}
	checkCompact("go-sdk", res.Content[0].(*sdk.TextContent).Text, res.StructuredContent)
}
