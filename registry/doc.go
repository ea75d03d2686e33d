// Package registry turns tools.yaml into MCP tools and serves them.
//
// Loading is three steps (load.go): decode, validate (validate.go,
// validate_param.go), which only reports, and compile (compile.go), which
// prepares each tool for its calls: split path, compiled parameters, the
// JSON Schema (schema.go) and the result projection (projection.go).
//
// Every tool is served by one generic handler (handler.go). A call
// (call.go) builds the APS request from the arguments (request.go,
// args.go, transforms.go), exchanges it with APS through
// apshttp.Exchanger, follows the listing's pages when it has them
// (list.go, with one file per pagination style, pagestyle_*.go, and
// signed cursors, cursor.go), and projects APS's answer into the
// document the model sees (result.go, projection.go). Failures become
// results the model can act on (failure.go), with apshttp's hints; every
// result passes through the logs' redaction (logging.Redactor) on its way
// out.
//
// Of APS's quirks, request shaping (transforms, headers, wire names) and
// pagination styles live here; the apshttp package documentation lists
// where every kind goes.
package registry
