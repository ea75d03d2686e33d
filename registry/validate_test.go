package registry

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

const enumsAndTransforms = `version: 1
toolsets:
  s: {description: S}
tools:
  get_thing:
    title: A title
    description: Gets a thing.
    toolset: s
    auth: [2lo]
    method: post
    path: /things/{urn}
    params:
      urn: {in: path, transform: base64url, description: URN.}
      kinds: {in: query, type: array, items: integer, enum: [1, 2], description: Kinds.}
      name: {in: body, pattern: '^[a-z]+$', default: abc, description: Name.}
`

// decodeAndValidate decodes a catalogue as Load does and, when validate
// is set, validates it, returning the catalogue and the problems found.
func decodeAndValidate(t *testing.T, file string, validate bool) (*Catalog, strictyaml.Problems) {
	t.Helper()
	doc, err := strictyaml.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var c Catalog
	ps := doc.Decode(&c, "", toolSubject)
	c.nameTools()
	if validate {
		v := validator{doc: doc, opts: LoadOptions{AuthKinds: authproviders.Kinds(), ValidScope: authproviders.ValidScope}}
		v.catalog(&c)
		ps = append(ps, v.problems...)
	}
	return &c, ps
}

// TestValidationChangesNothing: validating a decoded catalogue, good or
// bad, leaves it exactly as decoded; compile alone prepares it.
func TestValidationChangesNothing(t *testing.T) {
	bad := enumsAndTransforms + "      broken: {in: query, type: integer, transform: nope, pattern: '(', enum: [x], default: 1.5, description: B.}\n"
	for _, tc := range []struct {
		name     string
		file     string
		problems bool
	}{
		{"good", writeCatalog(t, enumsAndTransforms), false},
		{"bad", writeCatalog(t, bad), true},
		{"shipped", filepath.Join("..", "tools.yaml"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			validated, ps := decodeAndValidate(t, tc.file, true)
			if (len(ps) > 0) != tc.problems {
				t.Fatalf("problems: %v", ps)
			}
			decoded, _ := decodeAndValidate(t, tc.file, false)
			if !reflect.DeepEqual(validated, decoded) {
				t.Error("validation changed the catalogue")
			}
		})
	}
}

// TestCompilePrepares: what validation used to write into the
// declarations, compile writes, and only after validation passed.
func TestCompilePrepares(t *testing.T) {
	c, err := Load(writeCatalog(t, enumsAndTransforms), LoadOptions{AuthKinds: authproviders.Kinds()})
	if err != nil {
		t.Fatal(err)
	}
	tool := c.Tools["get_thing"]
	urn, kinds, name := tool.Params["urn"], tool.Params["kinds"], tool.Params["name"]
	switch {
	case tool.Method != "POST":
		t.Errorf("method %q, want POST", tool.Method)
	case urn.Type != "string" || !urn.Required || urn.transform == nil:
		t.Errorf("urn: type %q, required %v, transform %v", urn.Type, urn.Required, urn.transform)
	case !reflect.DeepEqual(kinds.Enum, []any{int64(1), int64(2)}):
		t.Errorf("kinds enum %#v, want int64s", kinds.Enum)
	case name.re == nil || name.Default != "abc":
		t.Errorf("name: pattern compiled %v, default %#v", name.re != nil, name.Default)
	}
}
