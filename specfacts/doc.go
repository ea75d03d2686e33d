// Package specfacts checks declared tools against Autodesk's own OpenAPI
// specs for APS, so that a tool cannot call an endpoint, parameter, location
// or enum value that APS does not document.
//
// The specs live outside the repository, in ../shared/aps-openapi/*.yaml
// and more/accountadmin.yaml there (relative to the repository root; the
// other files of more/ and llmstxt/ are not read). Tests and the
// server must not depend on that folder being present, so the facts the
// checker needs are extracted once into facts.json, which is committed and
// embedded into the package. Per operation facts.json holds the method, the
// full path as APS serves it, the operationId, the source file, the
// parameters (name, location, required, enum) and the request body's media
// types with their top-level and required property names. It holds no
// descriptions. Where NOTES.md §8 in that folder lists a spec defect that
// touches these facts, the generator corrects it in
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
// Use Load to read the facts and Facts.Check to compare one Tool with them.
package specfacts

//go:generate go run ./gen -specs ../../shared/aps-openapi -out facts.json
