// # Model Derivative jobs
//
// POST /modelderivative/v2/designdata/job (data:write or data:create)
// translates an OSS object in a bucket the app may read (owner or
// granted), or a DM version that has a translation; anything else answers
// 400 "Failed to trigger translation for this file." (APS's reported
// text, unverified). The body needs input.urn (the base64 of the source's
// URN, as the {urn} of the other endpoints) and output.formats: types of
// the spec's OutputType enum, at most one of svf and svf2, which need
// views (2d and/or 3d). The region header (or the legacy EMEA path) says
// where the derivatives are stored; the manifest is then found only
// there. The answer is the spec's Job: result "success" (200) with the
// urn and acceptedJobs.output echoing the request's output. A design whose
// translation succeeded in that region with every format asked for
// answers 201, result "created" (APS's reading, unverified), and is left
// alone; x-ads-force: true deletes it and translates again (200). A new
// translation's manifest moves one stage per manifest request: pending
// "0% complete", then inprogress "50% complete", then success "complete"
// (the emulator's pace); until then the metadata endpoints answer 404,
// afterwards the model views of the roles asked for, and the manifest
// has a derivative per format (svf or svf2 with the views, a thumbnail,
// and one node per other type). Its object trees and properties answer
// 202 first again.
//
// # Webhooks
//
// Webhooks v1 (more/webhooks.yaml) serves, with app-only or user tokens,
// the hooks of systems data (the dm.* events of the spec's enum, scope
// folder) and derivative (extraction.finished and extraction.updated,
// scope workflow): POST .../systems/{system}/events/{event}/hooks
// (data:write) takes HookPayload's callbackUrl (absolute http or https)
// and a scope of exactly the system's member, and answers 201 with the
// hook's URL in Location and no body, or 409 when the caller has the same
// hook (system, event, callback, scope) in the region; GET and DELETE
// .../hooks/{hook_id} read it (HookDetails) or delete it (204). GET
// /webhooks/v1/hooks, .../systems/{system}/hooks and
// .../systems/{system}/events/{event}/hooks (data:read) list the caller's
// hooks, oldest first, 200 per page, status filtering on active or
// inactive (every hook is active): {"links":{"next"},"data":[...]} with
// links.next only before the last page, relative to /webhooks/v1
// ("/hooks?pageState=..."), as in the spec's example; no hook at all
// answers 204 without a body. A caller sees the hooks its app created
// with an app-only token, or its user created with the app. The region
// comes from the x-ads-region header, else the region query parameter,
// else US, and each hook lives in the one it was created in. Error
// bodies are {"id","status","code","detail":[<text>]} (the spec gives
// only id; the rest follows its Token answer and reports of APS, and the
// texts are the emulator's own).
package apsemu
