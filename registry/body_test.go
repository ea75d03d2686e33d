package registry

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"
)

const writesCatalog = `version: 1
toolsets:
  s: {description: S}
tools:
  create_thing:
    title: Create a thing
    description: Creates a thing.
    toolset: s
    auth: [ssa]
    scopes: [data:read]
    method: POST
    path: /things
    params:
      title: {in: body, type: string, required: true, description: Title.}
      kind: {in: body, name: details.kind, type: string, enum: [a, b], default: a, description: Kind.}
      tags: {in: body, name: details.tags, type: array, items: string, description: Tags.}
  update_thing:
    title: Update a thing
    description: Updates a thing.
    toolset: s
    auth: [ssa]
    scopes: [data:read]
    method: PATCH
    path: /things/{id}
    annotations: {idempotent: true}
    params:
      id: {in: path, type: string, required: true, description: Id.}
      title: {in: body, type: string, description: Title.}
`

// TestBodyOnlyFromDeclaredParams: a write's body holds the declared wire
// fields and nothing else, whatever the arguments carry: an undeclared
// argument is refused, JSON inside a string stays a string, and an object
// is no string.
func TestBodyOnlyFromDeclaredParams(t *testing.T) {
	c, err := Load(writeCatalogF(t, writesCatalog), testLoadOptions)
	if err != nil {
		t.Fatal(err)
	}
	create := c.Tools["create_thing"]
	sneaky := `x","admin":true,"y":"`
	req, err := create.buildRequest(map[string]any{"title": sneaky, "tags": []any{"p", `q"}`}})
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatal(err)
	}
	details, _ := body["details"].(map[string]any)
	if keys := slices.Sorted(maps.Keys(body)); !slices.Equal(keys, []string{"details", "title"}) || body["title"] != sneaky ||
		details["kind"] != "a" || len(details) != 2 {
		t.Errorf("body = %s", req.Body)
	}
	for name, args := range map[string]map[string]any{
		"undeclared argument":       {"title": "t", "admin": true},
		"wire name as argument":     {"title": "t", "details.kind": "b"},
		"object for a string":       {"title": map[string]any{"admin": true}},
		"value outside the enum":    {"title": "t", "kind": "c"},
		"object inside a list":      {"title": "t", "tags": []any{map[string]any{"admin": true}}},
		"required field left out":   {"kind": "a"},
		"path argument not in body": {"title": "t", "id": "x"},
	} {
		if _, err := create.buildRequest(args); !errors.As(err, new(*ArgError)) {
			t.Errorf("%s: %v, want an argument error", name, err)
		}
	}
	if req.Idempotent {
		t.Error("a POST that creates is marked idempotent, so it would be retried")
	}
	update, err := c.Tools["update_thing"].buildRequest(map[string]any{"id": "x", "title": "t"})
	if err != nil || !update.Idempotent || string(update.Body) != `{"title":"t"}` {
		t.Errorf("PATCH declared idempotent: %+v, %v", update.Request, err)
	}
}
