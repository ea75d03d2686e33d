// Package apshttp is the exchange with APS: the one pooled HTTP client
// (client.go: no redirect followed, answers capped), the retry policy
// (retry.go), the pacing of requests within their endpoint's budget
// (pace.go), the exchange itself (exchange.go: token, request, retry,
// read, classify, through Exchanger.Exchange), what makes an answer
// usable (answers.go: within the cap, complete JSON, not a redirect),
// what an exchange can end in (outcomes.go and StatusError), the reading
// of APS's many error body shapes (errors.go), the hints that say what an
// APS error means and what to do (hints.go), and the buffers answers are
// read into (buffers.go).
//
// # Where APS's quirks go
//
// APS is a family of services that each do things their own way. Each
// kind of quirk has one place:
//
//   - Request shaping, how an argument goes on the wire (Model
//     Derivative's unpadded base64url URNs, ACC project ids without Data
//     Management's "b.", comma-separated arrays, fixed headers): declared
//     per tool in tools.yaml (transform, headers, name), the transforms in
//     registry/transforms.go, value encoding in registry/args.go.
//   - Pagination styles (OSS and Data Management next links, ACC
//     offsets): one file each, registry/pagestyle_*.go.
//   - "Not ready yet" answers (Model Derivative's 202): tools.yaml
//     pending, classified here by Exchange.
//   - Retries, which answers are worth another try and when APS did
//     nothing (429): retry.go.
//   - Rate limits, APS's published requests a minute per endpoint:
//     declared in tools.yaml (budgets), kept by pace.go.
//   - Error bodies, the shapes APS's error JSON comes in: errors.go.
//   - Error hints, what an APS error code or message means for the
//     caller: hints.go.
//   - Spec mistakes, where Autodesk's OpenAPI documents are wrong:
//     specfacts/internal/extract/corrections.go.
//   - Auth rules, each grant's own demands (the SSA assertion's claims,
//     single-use codes and refresh tokens): the kind's file in
//     authproviders/, the token endpoint in authproviders/tokenendpoint.go.
//   - Emulator behaviour, APS's wire format and its quirks as the tests
//     meet them: internal/apsemu/.
package apshttp
