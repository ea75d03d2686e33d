// # ACC writes, RFIs and submittals
//
//	POST  /construction/issues/v1/projects/{projectId}/issues                       create an issue, data:write
//	PATCH .../issues/{issueId}                                                      change an issue, data:write
//	POST  .../issues/{issueId}/comments                                             comment on it, data:write
//	POST  /construction/rfis/v3/projects/{projectId}/search:rfis                    search RFIs, data:read
//	POST  /construction/rfis/v3/projects/{projectId}/rfis                           create an RFI, data:write or data:create
//	GET   /construction/rfis/v3/projects/{projectId}/rfis/{rfiId}                   one RFI with its responses, data:read
//	POST  /construction/rfis/v3/projects/{projectId}/rfis/{rfiId}/responses         respond to it, data:write or data:create
//	GET   /construction/submittals/v2/projects/{projectId}/items                    submittal items, data:read
//	GET   /construction/submittals/v2/projects/{projectId}/items/{itemId}           one item, data:read
//
// All take the project as Issues does (no "b.", a project of kind ACC the
// user sees, x-ads-region checked) and a user-context token; every error
// body, and every text, is the Issues shape {"title", "detail"}, the
// emulator's own. Write bodies are JSON objects of the documented members
// (Issues.yaml IssuePayload and commentsPayload; the RFI reference pages);
// any other member, or anything that is not one object, answers 400.
//
// A created issue takes the project's next displayId, the caller as
// creator and owner, its subtype's type, and answers 200 as the spec
// says; title, status and issueSubtypeId (an active subtype of the
// project) are required, assignedTo comes with assignedToType, dates are
// YYYY-MM-DD and texts at most 10,000 characters (location 8,300). PATCH
// replaces the members sent; a status must be among the issue's
// permittedStatuses (else 400), and moving to closed records closedBy
// and closedAt. A comment answers 201, lists last and counts in
// commentCount. Reads see every write at once.
//
// search:rfis takes limit (1..200, default 10) and offset in the body,
// search (title, question, official response), sort rules ({field, order}
// on createdAt, updatedAt, dueDate, title, status or priority; default
// createdAt ascending) and filters status (of either workflow, else 400),
// officialResponseStatus, assignedTo, createdBy, priority, id, costImpact
// and scheduleImpact; each filter is an array or, as the docs' example
// sends it, a lone string. Other documented filters are accepted and
// ignored. Pages are Issues-style lists without responses. A new RFI
// (201) is draft or submitted, numbered 001, 002, ... in the project,
// US-workflow and unanswered. POST responses (201; body text, and the
// emulator's reading of state draft|submitted and status
// answered|rejected, unverified) adds to responses or draftResponses and
// replaces the same user's draft, as the docs say; a draft RFI takes
// none (400). The big demo project has seven RFIs in every stage, the
// answered and closed ones with a response.
//
// Submittal items page with limit 1..50 (default 20) and offset, in the
// Account Admin list shape with nextUrl and previousUrl; they filter on
// filter[statusId] (1..6, else 400), filter[packageId], filter[specId],
// filter[reviewResponseId] and search (title, number, spec section). The
// big demo project has twelve items in two spec sections and two
// packages, across every workflow state; submittals are read-only here.
package apsemu
