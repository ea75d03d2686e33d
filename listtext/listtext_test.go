package listtext

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestText: the form of the package comment, exactly.
func TestText(t *testing.T) {
	got, ok := Text([]byte(`{"items":[{"id":"a","size":1,"kind":"f"},{"id":"b","kind":"f"}],"count":2}`))
	want := "items[2]{id,size}, all with kind=\"f\":\n\"a\",1\n\"b\",\ncount: 2"
	if !ok || got != want {
		t.Errorf("Text = %q, %v; want %q", got, ok, want)
	}
}

// TestTextSaysSameValuesOnce: a field every item has with one value is
// in the header, not in the rows; \u escapes of printable characters
// are the characters.
func TestTextSaysSameValuesOnce(t *testing.T) {
	got, ok := Text([]byte(`{"items":[{"id":1,"type":"hub","name":"B\u00fcro"},{"id":2,"type":"hub","name":"x"}],"count":2}`))
	want := "items[2]{id,name}, all with type=\"hub\":\n1,\"Büro\"\n2,\"x\"\ncount: 2"
	if !ok || got != want {
		t.Errorf("Text = %q, %v; want %q", got, ok, want)
	}
	lone := `{"items":[{"s":"\ud800 \u00fc"}]}`
	if got, _ := Text([]byte(lone)); got != "items[1]{s}:\n\"\\ud800 \\u00fc\"" {
		t.Errorf("a string with a lone surrogate is rewritten: %q", got)
	}
}

// TestRoundTrip: Parse(Text(doc)) is doc, as JSON values, for every
// kind of value and key an item may hold.
func TestRoundTrip(t *testing.T) {
	for name, doc := range map[string]string{
		"empty listing":    `{"items":[],"count":0}`,
		"absent and null":  `{"items":[{"a":null,"b":1},{"b":2},{"a":"x"}],"count":3}`,
		"awkward strings":  `{"items":[{"s":"a,b","t":"say \"hi\"\n","u":"caf\u00e9 ☕","v":"","w":"}:,{"}],"count":1}`,
		"nested values":    `{"items":[{"roles":["a","b"],"o":{"k":[1,{"x":true}]},"n":-1.5e3,"f":false}],"count":1}`,
		"key order varies": `{"items":[{"a":1,"b":2},{"b":3,"a":4,"c":5}],"count":2}`,
		"awkward keys":     `{"items":[{"a,b":1,"c:d":2,"{e}":3,"1x":4,"":5,"ü":6}],"count":1}`,
		"truncated": `{"items":[{"id":"b.1"}],"count":1,"truncated":true,"cursor":"eyJhIjoxfQ.sig",` +
			`"note":"Listing stopped at its cap; call again with cursor.","error":"HTTP 429"}`,
		"indented warnings": "{\"items\":[{\"id\":1}],\"count\":1,\"warnings\":[\n  {\"Id\": null,\n   \"Detail\": \"x\"}\n]}",
		"items not first":   `{"count":1,"items":[{"id":1}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			text, ok := Text([]byte(doc))
			if !ok {
				t.Fatalf("Text refused %s", doc)
			}
			back, err := Parse(text)
			if err != nil {
				t.Fatalf("Parse(%q): %v", text, err)
			}
			var want, got any
			if err := json.Unmarshal([]byte(doc), &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(back, &got); err != nil {
				t.Fatalf("Parse gave invalid JSON %s: %v", back, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip through\n%s\ngave %s, want %s", text, back, doc)
			}
			if rows := strings.Count(text, "\n"); rows < len(want.(map[string]any)["items"].([]any)) {
				t.Errorf("%d lines for the items, want one each:\n%s", rows, text)
			}
		})
	}
}

// TestTextRefuses what the form cannot hold exactly.
func TestTextRefuses(t *testing.T) {
	for _, doc := range []string{
		`[{"id":1}]`,
		`{"count":0}`,
		`{"items":{"id":1}}`,
		`{"items":[{"id":1},2]}`,
		`{"items":[{"id":1,"id":2}]}`,
		`{"items":[],"count":0,"count":1}`,
	} {
		if text, ok := Text([]byte(doc)); ok {
			t.Errorf("Text(%s) = %q, want refused", doc, text)
		}
	}
}

// TestParseRejects text that is not the form.
func TestParseRejects(t *testing.T) {
	for _, text := range []string{
		"",
		"items[2]{id}:\n\"a\"",
		"items[1]{id}:\n\"a\",\"b\"",
		"items[1]{id,}:\n\"a\"",
		"items[x]{id}:\n",
		"count 2",
		"count: nope",
		"items[1]{id}:\n\"a",
		"items[1]{id}, all with:\n1",
		"items[1]{id}, all with t=:\n1",
		"items[1]{id}, t=1:\n1",
	} {
		if doc, err := Parse(text); err == nil {
			t.Errorf("Parse(%q) = %s, want an error", text, doc)
		}
	}
}
