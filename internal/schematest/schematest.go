// Package schematest checks JSON documents against JSON Schemas, with a
// real validator (github.com/google/jsonschema-go), for tests: the
// server itself only writes schemas. Only test files import it.
package schematest

import (
	"encoding/json"
	"fmt"

	"github.com/google/jsonschema-go/jsonschema"
)

// Validate reports how doc fails to conform to schema, or nil.
func Validate(schema, doc []byte) error {
	var s jsonschema.Schema
	if err := json.Unmarshal(schema, &s); err != nil {
		return fmt.Errorf("schematest: reading the schema: %w", err)
	}
	resolved, err := s.Resolve(nil)
	if err != nil {
		return fmt.Errorf("schematest: resolving the schema: %w", err)
	}
	var instance any
	if err := json.Unmarshal(doc, &instance); err != nil {
		return fmt.Errorf("schematest: reading the document: %w", err)
	}
	if err := resolved.Validate(instance); err != nil {
		return fmt.Errorf("%w\ndocument: %.600s\nschema: %s", err, doc, schema)
	}
	return nil
}
