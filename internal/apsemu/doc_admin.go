// # ACC Account Admin
//
// GET /construction/admin/v1/projects/{projectId}/users lists the members
// of a BIM 360 or ACC project (ID without "b.", as for Issues; a
// "b."-prefixed ID answers 404 naming the mistake) in a hub the caller
// sees. It needs account:read and, as the emulator's other ACC APIs, a
// user-context token (app-only tokens answer 403; the spec also lists
// 2LO, which the emulator does not model). Every project has the same
// team: the people issues are created by, updated by, closed by and
// assigned to (Priya Natarajan A3RGM375QTZ7, Jonas Weber B7QH2KLM9XRT,
// Mei Tanaka C4NP8WD2FJ6S, Luis García D9LK3MZT5QWE, pending), a deleted
// former member (Olu Adeyemi), and every user of Users who is a member of
// the project's hub (the demo user, an admin, in every hub; Ada in
// Contoso's projects, Ben in Fabrikam's), each by autodeskId, the ID
// issues carry. Members represent the three companies issues are
// assigned to ("Contoso Builders", "Northwind Electrical", "Fabrikam
// Façades"), so a company assignee is a member's companyId too. Each
// member carries the spec's ProjectUser members email, id (an ACC ID
// derived from the project), name, firstName, lastName, autodeskId,
// jobTitle, accessLevels, addedOn, updatedAt, companyId, companyName,
// roleIds, roles, status and products.
//
// It pages with limit 1..200 (default 20) and offset ≥ 0, answering
// {"pagination":{"limit","offset","totalResults","nextUrl"?,"previousUrl"?},
// "results"}. Filters: filter[name], filter[email] and filter[companyName]
// match as filterTextMatch says (contains, the default, startsWith,
// endsWith, equals; case-insensitive, the emulator's choice);
// filter[status] takes active, pending and deleted (default active and
// pending), filter[accessLevels] accountAdmin, projectAdmin and executive
// (any of them); filter[companyId], filter[roleId], filter[roleIds],
// filter[autodeskId] and filter[id] match exactly, comma-separated values
// OR'd. sort takes "<field> asc|desc", comma-separated, on name, email,
// firstName, lastName, companyName, status and addedOn (the spec's other
// fields are accepted without effect); the default, name ascending, and
// ties broken by ID are the emulator's choice. fields, orFilters and
// filter[products] are accepted and ignored; bad values answer 400 in the
// Issues error shape, which, like the texts, is the emulator's own.
package apsemu
