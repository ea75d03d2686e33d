package extract

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/specfacts"
)

// The vendored APS specs all use a bare host as server URL, so the base-path
// and resolution rules are exercised here on a small document.
const sample = `
openapi: 3.0.1
servers:
  - url: 'https://developer.api.autodesk.com/oss/v2/'
paths:
  '/buckets/{bucketKey}/objects':
    parameters:
      - $ref: '#/components/parameters/bucketKey'
      - name: limit
        in: query
        schema: {type: integer}
    get:
      operationId: get_objects
      parameters:
        - name: limit
          in: query
          required: true
          schema: {type: integer}
        - name: with
          in: query
          schema:
            type: array
            items: {$ref: '#/components/schemas/with'}
        - name: x-ads-region
          in: header
          schema:
            allOf:
              - $ref: '#/components/schemas/region'
    post:
      operationId: post_objects
      servers:
        - url: 'https://developer.api.autodesk.com/other'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              allOf:
                - $ref: '#/components/schemas/base'
                - type: object
                  required: [extra]
                  properties:
                    extra: {type: string}
                    flag: {type: boolean}
          text/plain:
            schema: {type: string}
  /plain:
    servers: []
    head:
      operationId: head_plain
components:
  parameters:
    bucketKey:
      name: bucketKey
      in: path
      required: true
      schema: {type: string}
  schemas:
    with:
      type: string
      enum: [lastModifiedDate, createdDate]
    region:
      $ref: '#/components/schemas/regionEnum'
    regionEnum:
      type: string
      enum: [US, EMEA, null]
    base:
      type: object
      required: [name]
      properties:
        name: {type: string}
`

func TestFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sample.yaml")
	if err := os.WriteFile(path, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	ops, err := File(path)
	if err != nil {
		t.Fatal(err)
	}
	sortOperations(ops)
	bucketKey := specfacts.Parameter{Name: "bucketKey", In: "path", Required: true}
	want := []specfacts.Operation{
		{
			Method: "GET", Path: "/oss/v2/buckets/{bucketKey}/objects", OperationID: "get_objects", File: "sample.yaml",
			Params: []specfacts.Parameter{
				{Name: "x-ads-region", In: "header", Enum: []string{"EMEA", "US"}},
				bucketKey,
				{Name: "limit", In: "query", Required: true}, // the operation's overrides the path item's
				{Name: "with", In: "query", Enum: []string{"createdDate", "lastModifiedDate"}},
			},
		},
		{Method: "HEAD", Path: "/oss/v2/plain", OperationID: "head_plain", File: "sample.yaml"},
		{
			Method: "POST", Path: "/other/buckets/{bucketKey}/objects", OperationID: "post_objects", File: "sample.yaml",
			Params: []specfacts.Parameter{bucketKey, {Name: "limit", In: "query"}},
			Body: &specfacts.Body{Required: true, Content: []specfacts.Media{
				{Type: "application/json", Properties: []string{"extra", "flag", "name"}, Required: []string{"extra", "name"}},
				{Type: "text/plain"},
			}},
		},
	}
	if !reflect.DeepEqual(ops, want) {
		t.Errorf("got\n%+v\nwant\n%+v", ops, want)
	}
}

func TestFileErrors(t *testing.T) {
	tests := []struct{ name, doc, inError string }{
		{"dangling ref", "paths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - $ref: '#/components/parameters/nope'\n", "nope"},
		{"remote ref", "paths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - $ref: 'other.yaml#/x'\n", "only local references"},
		{"no operationId", "paths:\n  /a:\n    get: {}\n", "no operationId"},
		{"servers disagree", "servers:\n  - url: https://h/a\n  - url: https://h/b\npaths:\n  /a:\n    get: {operationId: a}\n", "disagree"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.yaml")
			if err := os.WriteFile(path, []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := File(path)
			if err == nil || !strings.Contains(err.Error(), tt.inError) {
				t.Errorf("got error %v, want one containing %q", err, tt.inError)
			}
		})
	}
}

func TestCorrectionThatNoLongerAppliesFails(t *testing.T) {
	// A spec with none of the known defects: every correction must complain.
	err := applyCorrections([]specfacts.Operation{{Method: "GET", Path: "/x", OperationID: "x", File: "x.yaml"}})
	if err == nil {
		t.Fatal("want an error for corrections that changed nothing")
	}
	for _, c := range slices.Concat(corrections, responseGaps) {
		if !strings.Contains(err.Error(), c.fix) {
			t.Errorf("error does not name correction %q: %v", c.fix, err)
		}
	}
}

// The response schema of the success answer is reduced to field names:
// properties, # for array elements, * where any key may follow (free-form
// objects, additionalProperties, a schema where it refers to itself), and
// allOf, oneOf and anyOf merged.
const withResponses = `
openapi: 3.0.1
paths:
  /tree:
    get:
      operationId: tree
      responses:
        '201':
          content:
            application/json:
              schema: {type: object, properties: {wrong: {type: string}}}
        '200':
          $ref: '#/components/responses/tree'
        '404':
          content:
            application/json:
              schema: {type: object, properties: {error: {type: string}}}
  /plain:
    post:
      operationId: plain
      responses:
        '202':
          content:
            application/vnd.api+json:
              schema:
                allOf:
                  - {properties: {a: {type: integer}}}
                  - oneOf:
                      - {properties: {b: {type: object}}}
                      - {properties: {c: {type: object, additionalProperties: {type: string}}}}
  /none:
    delete:
      operationId: none
      responses:
        '204': {description: gone}
components:
  responses:
    tree:
      content:
        application/json:
          schema:
            type: object
            properties:
              data:
                properties:
                  objects: {type: array, items: {$ref: '#/components/schemas/node'}}
  schemas:
    node:
      type: object
      properties:
        name: {type: string}
        objects: {type: array, items: {$ref: '#/components/schemas/node'}}
`

func TestResponseFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "responses.yaml")
	if err := os.WriteFile(path, []byte(withResponses), 0o644); err != nil {
		t.Fatal(err)
	}
	ops, err := File(path)
	if err != nil {
		t.Fatal(err)
	}
	type F = specfacts.Fields
	want := map[string]specfacts.Fields{
		"tree":  {"data": F{"objects": F{"#": F{"name": F{}, "objects": F{"#": F{"*": F{}}}}}}},
		"plain": {"a": F{}, "b": F{"*": F{}}, "c": F{"*": F{}}},
		"none":  nil,
	}
	for _, op := range ops {
		if !reflect.DeepEqual(op.Response, want[op.OperationID]) {
			t.Errorf("%s: response %v, want %v", op.OperationID, op.Response, want[op.OperationID])
		}
	}
}
