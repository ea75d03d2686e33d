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
// # Reviewed facts
//
// Where Autodesk publishes no OpenAPI document (ACC RFIs v3, Submittals v2,
// the AEC Data Model GraphQL endpoint), the facts are built by hand from
// Autodesk's doc pages and kept in reviewed/<api>.json, embedded beside
// facts.json; Load reads both, so Check and CheckReads judge a tool
// against a reviewed operation exactly as against a generated one. A
// reviewed file is facts.json's shape:
//
//	{"note": "what it covers, where from",
//	 "operations": [
//	  {"method": "POST", "path": "/construction/rfis/v3/projects/{projectId}/search:rfis",
//	   "operationId": "searchRfis",
//	   "docs": ["https://aps.autodesk.com/en/docs/acc/v1/reference/http/rfis-search-rfis-POST"],
//	   "params": [{"name": "projectId", "in": "path", "required": true},
//	              {"name": "Region", "in": "header", "enum": ["EMEA", "US"]}],
//	   "body": {"content": [{"type": "application/json", "properties": ["filter", "limit"]}]},
//	   "response": {"results": {"#": {"id": {}, "title": {}}}}}]}
//
// with two differences: every operation lists in docs the https pages on
// autodesk.com its method, path, parameters, body and response fields were
// read from (a reviewer checks them against those pages, so an operation
// without one is refused), and file is left out (Load sets it to
// "reviewed/<file name>"). Load also refuses an operation that is not
// upper-case method, /-rooted path and operationId, a path placeholder
// without a required path parameter or the reverse, a location other than
// path, query or header in params, fixes (those correct specs), and a
// method and path that a spec or another reviewed entry already declares.
//
// Use Load to read the facts, Facts.Check to compare one Tool with them and
// Facts.CheckReads to compare the fields it reads with the response
// schema. The aps-mcp validate command runs both over the catalogue
// (registry.Catalog.CheckSpecs).
package specfacts

//go:generate go run ./gen -specs ../../shared/aps-openapi -out facts.json
