package registry

import (
	"errors"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// steppedTool is a good tool with steps; the tests below break one line.
const steppedTool = `version: 1
toolsets:
  s: {description: S}
tools:
  put_thing:
    title: Put a thing
    description: Puts a thing.
    toolset: s
    auth: [2lo]
    params:
      id: {in: path, description: The thing.}
      text: {in: steps, description: Text.}
      kind: {in: steps, description: Kind.}
    steps:
      - name: ask
        method: GET
        path: /things/{id}/slot
      - method: PUT
        url: ask.url
        content: [params.text]
        max_content_bytes: 10
      - method: POST
        path: /things/{id}/done
        headers: {x-kind: params.kind}
        body: {slot.key: ask.key}
`

// TestStepsAreValidatedAtLoad: each mistake in a tool's steps is a
// problem naming the file's line, the tool and the field.
func TestStepsAreValidatedAtLoad(t *testing.T) {
	if _, err := Load(writeCatalog(t, steppedTool), testLoadOptions); err != nil {
		t.Fatalf("the good tool with steps: %v", err)
	}
	for _, tc := range []struct {
		name, old, new string
		line           int
		field, says    string
	}{
		{"tool method too", "    auth: [2lo]\n", "    auth: [2lo]\n    method: GET\n", 10, "method", "declares its requests under steps"},
		{"unknown step", "body: {slot.key: ask.key}", "body: {slot.key: later.key}", 25, "steps.2.body.slot.key", "name of an earlier step"},
		{"a step refers forward", "url: ask.url", "url: done.url", 19, "steps.1.url", "name of an earlier step"},
		{"url from an argument", "url: ask.url", "url: params.text", 19, "steps.1.url", "a caller never chooses where a request goes"},
		{"path and url", "        url: ask.url\n", "        url: ask.url\n        path: /x\n", 18, "steps.1", "exactly one of path"},
		{"unknown parameter", "headers: {x-kind: params.kind}", "headers: {x-kind: params.sort}", 24, "steps.2.headers.x-kind", `"params.sort" names no parameter`},
		{"unused parameter", "      kind: {in: steps, description: Kind.}\n", "      kind: {in: steps, description: Kind.}\n      spare: {in: steps, description: Spare.}\n", 14, "params.spare", "no step uses parameter spare"},
		{"query location", "text: {in: steps,", "text: {in: query,", 12, "params.text.in", "in: path (it fills a step's path) or in: steps"},
		{"placeholder", "path: /things/{id}/done", "path: /things/{ident}/done", 23, "steps.2.path", "placeholder {ident} has no matching parameter"},
		{"bad method", "method: PUT", "method: SEND", 18, "steps.1.method", "must be one of"},
		{"body on GET", "        path: /things/{id}/slot\n", "        path: /things/{id}/slot\n        body: {a: params.kind}\n", 15, "steps.0", "a GET request has no body"},
		{"content from a step", "content: [params.text]", "content: [ask.text]", 20, "steps.1.content.0", "content is read from string parameters"},
		{"bad gjson", "url: ask.url", "url: ask.url(", 19, "steps.1.url", "invalid gjson path"},
		{"one step", "      - method: PUT\n        url: ask.url\n        content: [params.text]\n        max_content_bytes: 10\n      - method: POST\n        path: /things/{id}/done\n        headers: {x-kind: params.kind}\n        body: {slot.key: ask.key}\n",
			"", 14, "steps", "takes at least two"},
		{"steps param elsewhere", "  put_thing:\n", "  plain:\n    title: P\n    description: P.\n    toolset: s\n    auth: [2lo]\n    method: GET\n    path: /p\n    params:\n      q: {in: steps, description: Q.}\n  put_thing:\n", 13, "params.q.in", "in: steps is for tools with steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(steppedTool, tc.old) {
				t.Fatalf("the test's old text %q is not in the tool", tc.old)
			}
			file := writeCatalog(t, strings.Replace(steppedTool, tc.old, tc.new, 1))
			_, err := Load(file, testLoadOptions)
			var ps strictyaml.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Load = %v, want problems", err)
			}
			for _, p := range ps {
				if p.Field == tc.field && p.Line == tc.line && strings.Contains(p.Message, tc.says) && p.File == file {
					return
				}
			}
			t.Errorf("no problem at line %d, field %s, saying %q; got:\n%v", tc.line, tc.field, tc.says, err)
		})
	}
}
