// Package apsemu is a faithful fake of the Autodesk Platform Services (APS)
// REST endpoints the MCP server calls. Tests drive it over real loopback HTTP
// and the server's --emulator mode runs it in place of APS.
//
// Wire formats follow the APS OpenAPI specs and documented examples (see
// NOTES.md in the shared aps-openapi folder): OAuth 2.0 error bodies on the
// token endpoint, Apigee-style gateway bodies for bad or under-scoped bearer
// tokens, OSS {"reason": ...} bodies from the storage service, JSON:API
// documents from Data Management and plain JSON from ACC Issues.
//
// Routing summary:
//
//	GET  /authentication/v2/authorize                       3LO sign-in and consent (browser redirects)
//	POST /authentication/v2/token                           token grant (client_credentials, jwt-bearer,
//	                                                        authorization_code, refresh_token)
//	POST /authentication/v2/revoke                          revoke an access or refresh token (RFC 7009)
//	GET  /authentication/v2/keys                            JWKS for the token and ID token signing key
//	GET  /apsemu/sign-in, /apsemu/sign-out                  the emulator's own: who the browser is signed in as
//	GET  /userinfo                                          the token's user, user context, no scope
//	GET  /oss/v2/buckets                                    bucket:read
//	POST /oss/v2/buckets                                    bucket:create
//	GET  /oss/v2/buckets/{bucketKey}/details                bucket:read (or viewables:read)
//	GET  /oss/v2/buckets/{bucketKey}/objects                data:read
//	DEL  /oss/v2/buckets/{bucketKey}/objects/{key}          data:write
//	GET  /oss/v2/buckets/{bucketKey}/objects/{key}/details  data:read
//	GET  .../objects/{key}/signeds3download                 data:read
//	GET, POST .../objects/{key}/signeds3upload              data:write or data:create: a signed upload URL (parts=1), completion
//	GET, PUT /emulated-s3/{token}                           signed download and upload URLs: no token (a PUT with one: 400), no gateway
//	GET  /project/v1/hubs                                   data:read, user context (so all of DM)
//	GET  /project/v1/hubs/{hub_id}                          data:read
//	GET  /project/v1/hubs/{hub_id}/projects                 data:read
//	GET  /project/v1/hubs/{hub_id}/projects/{project_id}    data:read
//	GET  .../projects/{project_id}/topFolders               data:read
//	GET  /data/v1/projects/{project_id}/...                 data:read:
//	     .../folders/{folder_id}                            one folder
//	     .../folders/{folder_id}/contents                   its subfolders and items, paginated
//	     .../folders/{folder_id}/search                     tip versions below it (or data:search)
//	     .../items/{item_id}                                one item, its tip version included
//	     .../items/{item_id}/tip                            its tip version
//	     .../items/{item_id}/versions                       its versions, newest first, paginated
//	     .../versions/{version_id}                          one version
//	GET  /modelderivative/v2/designdata/{urn}/...           Model Derivative, 2LO or 3LO:
//	     .../manifest                                       data:read or viewables:read
//	     .../metadata                                       model views, data:read
//	     .../metadata/{modelGuid}                           object tree, data:read
//	     .../metadata/{modelGuid}/properties                properties, data:read
//	POST .../metadata/{modelGuid}/properties:query          selected properties, data:read
//	GET  /construction/issues/v1/projects/{projectId}/...   ACC Issues reads, data:read, user context (writes, RFIs, submittals: below):
//	     .../issues                                         the project's issues, offset-paginated
//	     .../issues/{issueId}                               one issue
//	     .../issues/{issueId}/comments                      its comments, offset-paginated
//	     .../issue-types                                    issue types (include=subtypes)
//	     .../issue-root-cause-categories                    root causes (include=rootcauses)
//	GET  /construction/admin/v1/projects/{projectId}/users  ACC Account Admin project members, account:read
//	POST /aec/graphql                                       AEC Data Model GraphQL, data:read, user context
//
// Unknown paths under /oss/ answer 404 with an OSS body {"reason": ...},
// unknown paths under /project/ and /data/ a JSON:API 404, unknown paths
// under /modelderivative/ a Model Derivative 404 and unknown paths under
// /construction/ an Issues 404, all after the bearer token has been
// checked (the gateway authenticates before the service routes);
// unknown paths anywhere else answer 404 with a gateway-style body
// {"developerMessage": ..., "moreInfo": ...}. A known path with the wrong
// method answers 405 with an Allow header.
//
// # Gateway
//
// Before any service sees a request, the emulator plays the Apigee gateway
// in this order: injected faults (see Faults; the gateway rate-limits
// before it looks at the token), then the bearer token (401 AUTH-006),
// then the app's entitlement to the API product: a token of a Client whose
// NoAPIAccess lists a prefix of the escaped path answers 403 with the
// observed AUTH-001 body, verbatim (its moreInfo is the Forge-era URL),
// whatever the grant. Routing follows (the service's own 404 for an
// unknown path, 405 with Allow for a known path's wrong method), then the
// scope (403 AUTH-010) and, for Data Management, ACC Issues and
// /userinfo, a user-context token. The request log (Requests) records
// each request's arrival time on the emulator's clock and, once
// answered, its status.
//
// Faults cover every request except those under /authentication/, the
// emulated S3 of signed URLs and the sign-in pages under /apsemu/ (none
// of them behind the gateway); with IncludeAuth they also cover POST
// /authentication/v2/token and /revoke, never authorize or keys. An
// injected 429 carries the documented body {"developerMessage":"Quota
// limit exceeded."} exactly, Content-Type application/json and
// Retry-After; an injected 503 carries Retry-After and a gateway body
// whose text and errorCode ERR-003 are the emulator's own and unverified.
//
// The faults also play what APS never sends but a broken or hostile
// upstream (or something in the way) does, each on the requests the
// faults cover: RateTruncated cuts a fraction of successful answers to
// half their bytes, with a Content-Length that matches (AnswersCut counts
// them); RedirectTo answers every request 302 Found (307 for a POST) to
// that origin with the request's path and query; EchoCredentials answers
// every request 401 with a body quoting the request's Authorization
// header, its Basic credentials decoded and a POST's form, in OAuth's
// shape (invalid_client) on the token and revoke endpoints and the
// gateway's (AUTH-006) elsewhere; GzipBombBytes answers every request 200
// with a small gzip body (Content-Encoding gzip, whatever the request
// accepts) inflating to that many bytes of JSON padded with spaces. The
// first of RedirectTo, EchoCredentials and GzipBombBytes that is set wins
// over the others and over the rates.
//
// # Secure Service Accounts
//
// The jwt-bearer grant (urn:ietf:params:oauth:grant-type:jwt-bearer)
// exchanges an assertion signed by a key registered with AddServiceAccount
// for a user-context token whose payload carries "userid" (the service
// account ID). The assertion is checked as NOTES §3.2 describes: alg RS256
// only, kid a key of the account named by sub, a valid signature, iss the
// authenticated client, sub an enabled account of that client, aud exactly
// the token URL as this emulator is reached (scheme and Host header, so an
// assertion for the public APS URL is refused), exp in the future and at
// most 300 s ahead (10 s of skew allowed either way, the emulator's own
// choice), nbf if present already passed, and scope a non-empty JSON array
// of known scopes. Failures answer 400 invalid_grant with APS's documented
// "The 'assertion' is invalid" followed by the specific reason; the exact
// reasons are the emulator's own.
//
// # Three-legged OAuth
//
// GET /authentication/v2/authorize plays the browser flow of NOTES §2.2
// with a simulated user who is already signed in and consents at once: a
// valid request answers 302 to redirect_uri with code and state appended
// to any query the URI already has. Who is signed in is the browser's
// Autodesk session, modelled as the cookie SessionCookie (apsemu_user=<user
// ID>) on the emulator's host: without it the demo user, DemoUserID, signs
// in; with it the user it names (see Users). Errors about client_id or
// redirect_uri answer 400 with a plain-text page and never redirect (RFC
// 6749 §4.1.2.1), and so does a cookie naming no registered user
// (login_required); every other error redirects with error,
// error_description and state. A client registered without RedirectURIs
// accepts any http://localhost or http://127.0.0.1 redirect URI, any port;
// one with RedirectURIs accepts exactly those strings. DenyConsent makes
// the user refuse (error=access_denied). Only response_type=code and
// response_mode=query are implemented; id_token, fragment and form_post are
// refused, although APS documents them. The texts of all these errors and
// the exact shape of the error page are the emulator's own.
//
// The code lives 5 minutes on the emulator's clock and is bound to the
// client, redirect URI, scopes, user, PKCE challenge (S256 only) and nonce.
// The first exchange attempt that names a live code spends it, whatever its
// outcome (a stricter reading than APS documents, so clients cannot come to
// rely on retrying a code); presenting a spent code again answers
// invalid_grant and revokes every access and refresh token descended from
// it (RFC 6749 §4.1.2). A code exchange answers access_token, token_type,
// expires_in and refresh_token, plus an RS256 id_token (iss, sub, aud,
// exp, iat and nonce; valid 60 minutes) when the scope includes openid.
// Refresh tokens are opaque, bound to the client, live 15 days from their
// own issue (so each rotation starts a new 15 days; APS documents no
// absolute limit) and are single use: a successful refresh answers a new
// one and invalidates the one presented. A failed refresh does not use the
// token up, and presenting a rotated-out token does not revoke its
// successors; APS behaviour on either point is unverified. Refresh never
// returns an id_token (NOTES §2.1).
//
// The emulator's own browser pages set the session: GET
// /apsemu/sign-in?user=<user ID>&next=<URL> (SignInPath) sets the cookie
// (Path=/, HttpOnly, SameSite=Lax) and answers 302 to next, which must be
// a path on this host or an absolute URL with the request's own scheme and
// host (anything else answers 400, so the page is no open redirect);
// without next it answers a plain-text page. GET /apsemu/sign-out
// (SignOutPath) clears the cookie the same way. An unknown user answers
// 400; only GET is served.
//
// POST /authentication/v2/revoke (NOTES §2.3, RFC 7009) takes the form
// token and token_type_hint and authenticates the app as the token
// endpoint does: Basic credentials or client_id and client_secret in the
// body (never both, 400), none or wrong ones 401 invalid_client (with
// WWW-Authenticate for a failed Basic header). Every registered app is
// confidential, so the public-client form, client_id alone, answers 401
// too. Without token it answers 400 invalid_request; token_type_hint is
// optional, as the docs say (the spec marks it required), but if sent
// must be access_token or refresh_token (400 otherwise, the emulator's
// choice), and changes nothing: both kinds are looked up. Otherwise it
// answers 200 with no body, whether the token was live or not, and
// revokes it only if it is the app's own (another app's token: 200 and
// nothing happens, RFC 7009 §2.2). An access token is revoked alone; a
// refresh token takes every access and refresh token of its grant (the
// same authorization code) with it, which RFC 7009 §2.1 says the server
// SHOULD do and the emulator chooses to. Revoked tokens answer the
// gateway's 401 and, as refresh tokens, invalid_grant. Revocations counts
// the 200s; RevokeTokens revokes everything at once.
//
// GET /userinfo answers the profile of the token's user in the shape of
// the documented example (a subset of its members). It needs a
// user-context token but no scope; an app-only token answers the gateway
// 401. For a user who signed in it is that user's profile and email (see
// Users). For a Secure Service Account token the user is the service account
// itself: sub is its ID and email <name>@<client ID>.adskserviceaccount.autodesk.com,
// the form APS gives service account emails, with the lower-cased account
// ID as the name (the emulator does not model account names).
//
// # Data Management
//
// DM documents are JSON:API 1.0 with absolute links built from the request's
// scheme and Host; IDs inside links are percent-encoded except for RFC 3986
// unreserved characters. Hubs and projects are listed by name, then ID
// (byte order). Project lists are paginated with page[number] (0-based) and
// page[limit] (1..200, default 200), applied before filter[id] and
// filter[extension.type], so a short or empty page may still carry
// links.next; GET hubs is not paginated and also takes filter[name].
// Filters match values exactly; unsupported filters are ignored. Hubs marked
// Unreachable are left out of GET hubs, which then carries one meta.warnings
// entry per unreachable region in the observed BIM360DM_ERROR shape; asking
// for such a hub directly answers 403 with that error in a JSON:API body.
//
// Who sees what: the hubs belong to the first registered client, so only
// its user-context tokens see any, and other clients' user tokens see
// none. Its service accounts' tokens (the jwt-bearer grant) and the demo
// user's see every hub; a user who signed in through the authorization
// code flow sees the hubs the user is a member of (User.Hubs), and every
// project, folder, item and version in them, and nothing else: listings
// leave other hubs out (and their regions' meta.warnings), and asking for
// them, or anything in them, by ID answers 404 as an unknown ID does. The
// seeded users (Users lists them):
//
//	DemoUserID   Demo User     demo@example.com     every hub: "Contoso Construction", "Fabrikam Europe GmbH",
//	                                                "APS MCP Design Team", "Demo User" (personal) and any added
//	DemoUserAda  Ada Lovelace  ada@team.example     "Contoso Construction" (US, 230 projects, the Tower content
//	                                                and issues), "APS MCP Design Team" (Fusion team hub)
//	DemoUserBen  Ben Okafor    ben@team.example     "Fabrikam Europe GmbH" (EMEA, the Zürich content and issues)
//	DemoUserEve  Eve Mallory   eve@outside.example  no hub
//
// The same membership decides ACC Issues, Model Derivative for DM
// versions and signed downloads from the DM storage bucket; AddUser
// registers more users or changes a user's hubs.
//
// App-only (client_credentials) tokens are refused with 403
// and a JSON:API error whose code USER_CONTEXT_REQUIRED and wording are the
// emulator's own and unverified: the DM spec also lists 2LO access (with
// x-user-id), which the emulator does not model. Likewise unverified: the
// Content-Type application/vnd.api+json, the texts of 400/404 errors
// (modelled on the synthesized examples), and 405 bodies.
//
// # OSS writes and signed downloads
//
// POST /oss/v2/buckets takes {"bucketKey", "policyKey", "allow"?}: keys
// must match ^[-_.a-z0-9]{3,128}$ and policyKey be transient, temporary or
// persistent (400 {"reason"} otherwise); a key that exists, whichever app
// owns it, answers 409 {"reason":"Bucket already exists"}. The region is
// the "region" header, else the legacy "x-ads-region" header, else US;
// "region" wins when both are sent (NOTES §4.4, §8.5). The answer is the
// bucket's details. Apps named in allow get "read" (list, details,
// download) or "full" (also delete) access to the bucket's objects.
// DELETE .../objects/{objectKey} answers 200 with an empty body, 404
// {"reason":"Object does not exist"} for a missing object and 403 for an
// app without full access.
//
// signeds3download answers {"status":"complete","url","params","size",
// "sha1"}: minutesExpiration 1..60 (default 2, else 400); params echoes
// response-content-type (default the object's type),
// response-content-disposition (default attachment; filename="<key>")
// and response-cache-control when given; public-resource-fallback and
// useCdn must be booleans and change nothing; If-None-Match and
// If-Modified-Since are not emulated. The url points at this emulator's
// /emulated-s3/ and looks like a presigned S3 URL; a plain GET (or HEAD,
// with Range) on it answers the object's bytes until it expires on the
// emulator's clock, then S3's 403 AccessDenied "Request has expired" as
// XML; unknown URLs answer 403 AccessDenied and objects deleted since
// signing 404 NoSuchKey. The emulator stores no bytes: the content is the
// line "apsemu object <bucketKey>/<objectKey>" repeated to exactly the
// object's size, deterministic but not matching its sha1. Besides the
// bucket's owner and allowed apps, a user who sees a DM project may sign
// downloads of its versions' files in the DM storage bucket wip.dm.prod,
// as APS's download tutorial does; that bucket belongs to an internal
// app, so nobody can list it or read its details.
//
// # Data Management folders, items and versions
//
// Every project has a root folder (named "<project ID without b.>-root-folder",
// unverified); BIM 360/ACC projects also have the top folders "Plans" and
// "Project Files". "Project 001 – Tower" (the big hub's first project) and
// "Bahnhof Zürich – Umbau" (EMEA) hold seeded content: subfolders, a
// "Sheets" folder with more than 200 entries, .rvt, .dwg, .pdf and .nwd
// items with non-ASCII names and one to four versions each, a hidden
// (deleted) item and a reserved one. Each version's file is an object of
// wip.dm.prod (relationships.storage) and its derivatives.data.id is the
// version ID in unpadded URL-safe base64, which Model Derivative answers
// for. TopFolders, FolderContents and Versions expose the seeded IDs.
//
// Resources follow the spec's examples member for member, with these
// choices: every version carries storage, derivatives, thumbnails and
// downloadFormats relationships, fileType and storageSize (the examples
// differ on them); folders and items in contents have only a self link,
// elsewhere also a webView (on docs.b360.autodesk.com, as in the
// examples); folder contents entries add path and lastModifiedTimeRollup
// as the contents example does; parent links point at the parent folder;
// the root folder has no parent relationship; top folders add isRoot,
// folderType and folderParents (the root, without parentUrn).
//
// Contents list subfolders, then items, each by name (byte order; APS's
// order is unverified). Contents, search and versions are paginated with
// page[number] and page[limit] (1..200, default 200) before filtering, so
// pages may be short or empty while links.next exists. Their filters take
// the guide's form filter[<field>][-<op>]=v1,v2 with op eq (default), lt,
// le, gt, ge, starts, ends or contains (others answer 400), on id, type
// and attributes (the "attributes." prefix is optional): values OR,
// fields AND, case-sensitive, numbers compared as numbers. Hidden entries
// are left out of contents unless includeHidden=true or a filter names
// hidden. topFolders lists hidden folders unless excludeDeleted=true;
// projectFilesOnly=true keeps "Project Files". Search returns the tip
// versions of the visible items in the folder and its visible subfolders
// (each folder's items, then its subfolders depth-first) with the items
// in included; its security requirement lists data:read and data:search,
// which the emulator reads, as for bucket details and manifests, as
// either one. Boolean parameters other than true/false
// answer 400. IDs arrive percent-encoded in paths and are decoded segment
// by segment; a version ID whose "?" is not encoded does not reach the
// version (404), as the query string swallows it.
//
// # Model Derivative
//
// The {urn} is a design's URN (an OSS object ID or a DM version ID) in
// URL-safe base64, padded or not; standard base64 is accepted too. An OSS
// object ID whose key was percent-encoded before encoding finds the
// object's translation as well. Seeded translations: every DM version
// except the tip of "Clash Report Ü3.pdf" (never translated: 404) and the
// tip of "Tower – Structure.rvt" (status inprogress), plus every design of
// the demo buckets, by extension (.iam, .rvt, .dwg, .pdf, .ifc, .f3d: 34
// objects of aps-mcp-demo-models and model.rvt of aps-mcp-demo-01; .ipt
// parts and .txt notes never were); Translations lists them. Translations
// belong to the first registered client: other apps get 403, and so do
// users (not service accounts or app-only tokens) asking for a DM version in a hub they are not a member of. The optional
// region header (US by default; the path prefix
// /modelderivative/v2/regions/eu/designdata/ means EMEA) must name one of
// the eight regions (else 400) and the region the derivatives are stored
// in: the Zürich project's are in EMEA, so asking US answers 404 with a
// diagnostic naming both regions (the emulator's reading; unverified).
//
// Manifests follow the example: an SVF2 derivative whose geometry
// children are the model views (their guid is the model view GUID of GET
// metadata) plus a thumbnail derivative; status and progress are strings
// and so is hasThumbnail. An in-progress translation answers its manifest
// ("42% complete", forever) and 404 on the metadata endpoints. Model
// views: Revit "{3D}", "New Construction" (isMasterView) and a sheet;
// drawings "Model" and "Layout1"; PDFs one or two pages; other files one
// 3D view. Object trees and properties are generated from the design and
// view, identical on every request: a root, grouping nodes (Revit
// category, family, type; drawing layers) and leaf elements with
// Constraints, Dimensions, Identity Data and Phasing properties. The
// first object tree, properties or properties:query request for a
// (urn, model view) answers 202 {"result":"success"}, later ones 200
// (SetMetadataReady(true) skips the 202; x-ads-force: true forces it
// again). objectid restricts the tree (to that subtree) or the properties
// (to that object; unknown IDs give empty arrays), level=1 keeps one
// level of children (other levels answer 400), forceget has no effect.
// properties:query takes exactly one of the spec's query forms ($in on
// objectid or externalId, $eq on name or a numeric property, $prefix,
// $contains, $between, $le, $ge; numbers in metric base units) or the
// emulator's own "$like": ["name", "%pattern%"] (case-insensitive SQL
// LIKE), a fields projection ("properties.<category>.<name>" with "*"
// wildcards; everything without fields), pagination offset (default 0)
// and limit (1..1000, default 20), and payload "text" only; anything else
// answers 400. Error bodies are {"diagnostic": <text>}: the spec declares
// none, so shape and texts are the emulator's own.
//
// # ACC Issues
//
// The Issues API takes the project ID without DM's "b." prefix and serves
// the projects of kind ACC (extension.data.projectType) in reachable hubs,
// to the same users who see them in DM; anything else, BIM 360 projects
// included (they belong to the older BIM 360 Issues API), answers 404. A
// "b."-prefixed ID answers 404 too, as an unknown project would (APS's
// choice between 400 and 404 is unverified), with a detail that names the
// mistake when the ID without the prefix exists. As the docs say and the
// spec does not, a user-context token with data:read is needed: an
// app-only token answers 403 with the wording of DM's refusal. The
// optional x-ads-region header must be one of US, EMEA, AUS, CAN, DEU,
// IND, JPN, GBR (400 otherwise); naming a region other than the hub's
// answers 404, the project not being in that data centre (unverified).
//
// Lists use offset pagination: limit 1..100 (default 100), offset ≥ 0
// (default 0), {"pagination":{"limit","offset","totalResults"},"results"}
// with totalResults counting everything the filters pass and no next link;
// an offset past the end gives empty results. GET issues filters on
// filter[status] (values of the spec's enum, else 400), filter[displayId]
// (integers, else 400), filter[assignedToType] (user, company, role or
// null, else 400), filter[search] (a case-insensitive substring of the
// title, or the exact display ID), filter[deleted] (true or false; no
// demo issue is deleted) and exact matches on filter[id], issueTypeId,
// issueSubtypeId, assignedTo, rootCauseId, locationId, createdBy,
// updatedBy and closedBy; each takes comma-separated values, any of which
// matches. Other filters (dates, linked documents, custom attributes, ...)
// are ignored. sortBy takes comma-separated fields of the spec's enum,
// "-" for descending, default displayId; text compares case-insensitively,
// nulls sort after values (before them descending), ties go by displayId,
// customAttributes is accepted without effect and unknown fields are 400s;
// comments list oldest first (sortBy createdAt, updatedAt or createdBy).
// issue-types adds subtypes with include=subtypes and takes
// filter[isActive]; issue-root-cause-categories adds rootCauses with
// include=rootcauses, as the spec says. Every ACC project has the same
// three issue types and two root cause categories (IDs derived from the
// project); the demo issues live in the big hub's first project (230) and
// in "Bahnhof Zürich – Umbau" (5). Issue containerId is the project ID.
// Error bodies are {"title": <reason phrase>, "detail": <text>}: the spec
// declares none, so shape and texts are the emulator's own and unverified.

package apsemu
