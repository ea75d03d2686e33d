package specfacts

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
)

//go:embed facts.json
var factsJSON []byte

// Parameter locations used in the facts and in Param.In.
const (
	InPath   = "path"
	InQuery  = "query"
	InHeader = "header"
	InBody   = "body"
)

// Facts is what the APS OpenAPI specs say about every operation they
// declare, as stored in facts.json.
type Facts struct {
	// Note tells a reader of facts.json where it comes from.
	Note string `json:"note"`
	// Operations are sorted by path, then method, then source file.
	Operations []Operation `json:"operations"`

	// byPath indexes Operations by pathKey of their path.
	byPath map[string][]*Operation
}

// Operation is one method on one path of one spec file.
type Operation struct {
	// Method is upper case, e.g. GET.
	Method string `json:"method"`
	// Path is the full path template as APS serves it, with the spec's
	// placeholder names, e.g. /oss/v2/buckets/{bucketKey}/objects.
	Path        string `json:"path"`
	OperationID string `json:"operationId"`
	// File is the spec's file name, e.g. oss.yaml.
	File string `json:"file"`
	// Params are the path, query and header parameters, path-level ones
	// included, sorted by location and name.
	Params []Parameter `json:"params,omitempty"`
	// Body is nil when the operation takes no request body.
	Body *Body `json:"body,omitempty"`
	// Response is the field names of the JSON schema of its success
	// answer (200, else the first 2xx with one); nil when it declares none.
	Response Fields `json:"response,omitempty"`
	// Fixes name the NOTES.md §8 corrections applied to this operation.
	Fixes []string `json:"fixes,omitempty"`
	// Docs are the Autodesk doc pages a reviewed operation was built from;
	// every reviewed operation has one, generated ones have none.
	Docs []string `json:"docs,omitempty"`
}

// Parameter is one path, query or header parameter of an operation.
type Parameter struct {
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required,omitempty"`
	// Enum lists the allowed values, sorted, taken from the parameter's
	// schema, a referenced schema or an array's items; nil when free.
	Enum []string `json:"enum,omitempty"`
}

// Body is an operation's request body.
type Body struct {
	Required bool `json:"required,omitempty"`
	// Content has one entry per media type, sorted by type.
	Content []Media `json:"content"`
}

// Media is the request body schema for one media type, reduced to the names
// of its top-level properties.
type Media struct {
	Type string `json:"type"`
	// Properties are the top-level property names, sorted.
	Properties []string `json:"properties,omitempty"`
	// Required are the required top-level property names, sorted.
	Required []string `json:"required,omitempty"`
}

// Load returns the facts embedded from facts.json together with the
// reviewed facts embedded from reviewed/*.json.
func Load() (*Facts, error) {
	return load(factsJSON, reviewedFS, ReviewedDir)
}

// load reads facts in the facts.json format and adds the reviewed facts
// files found in dir of reviewed.
func load(data []byte, reviewed fs.FS, dir string) (*Facts, error) {
	var f Facts
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("specfacts: reading facts: %w", err)
	}
	ops, err := readReviewed(reviewed, dir)
	if err != nil {
		return nil, err
	}
	if err := f.addReviewed(ops); err != nil {
		return nil, err
	}
	slices.SortStableFunc(f.Operations, func(a, b Operation) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method), cmp.Compare(a.File, b.File))
	})
	f.index()
	return &f, nil
}

func (f *Facts) index() {
	f.byPath = make(map[string][]*Operation, len(f.Operations))
	for i := range f.Operations {
		op := &f.Operations[i]
		k := pathKey(op.Path)
		f.byPath[k] = append(f.byPath[k], op)
	}
}

// Lookup returns the operations declared for method and path, comparing
// placeholders by position and ignoring their names. There is more than one
// when two spec files declare the same endpoint (the token endpoint is in
// both authentication.yaml and secureServiceAccount.yaml).
func (f *Facts) Lookup(method, path string) []*Operation {
	var ops []*Operation
	for _, op := range f.byPath[pathKey(path)] {
		if op.Method == strings.ToUpper(method) {
			ops = append(ops, op)
		}
	}
	return ops
}

var placeholderRE = regexp.MustCompile(`\{[^{}]*\}`)

// pathKey erases placeholder names, so /a/{x}/b and /a/{y}/b compare equal
// while literal segments such as properties:query must still match exactly.
func pathKey(path string) string {
	return placeholderRE.ReplaceAllString(path, "{}")
}
