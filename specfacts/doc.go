// Package specfacts checks declared tools against Autodesk's own OpenAPI
// specs for APS, so that a tool cannot call an endpoint, parameter, location
// or enum value that APS does not document.
//
// The specs live outside the repository, in ../shared/aps-openapi/*.yaml
// and more/accountadmin.yaml and more/webhooks.yaml there (relative to the
// repository root; the other files of more/ and llmstxt/ are not read). Tests and the
// server must not depend on that folder being present, so the facts the
// checker needs are extracted once into facts.json, which is committed and
// embedded into the package. Per operation facts.json holds the method, the
// full path as APS serves it, the operationId, the source file, the
// parameters (name, location, required, enum), the request body's media
// types with their top-level and required property names, and the field
// names of the success answer's JSON schema (Fields). It holds no
// descriptions and no types. Where NOTES.md §8 in that folder lists a spec
// defect that touches these facts, or NOTES.md shows a field APS sends that
// a response schema lacks, the generator corrects it in
// internal/extract/corrections.go and records the correction in the
// operation's "fixes". Spec mistakes go there and nowhere else; the
// apshttp package documentation lists where the other kinds of APS quirk
// go.
//
// To regenerate facts.json after the specs change, run
//
//	go generate ./specfacts
//
// from the repository root, and commit the result. TestFactsAreFresh fails
// while the committed file differs from what the specs produce.
//
// Use Load to read the facts, Facts.Check to compare one Tool with them and
// Facts.CheckReads to compare the fields it reads with the response
// schema. The aps-mcp validate command runs both over the catalogue
// (registry.Catalog.CheckSpecs).
package specfacts

//go:generate go run ./gen -specs ../../shared/aps-openapi -out facts.json
