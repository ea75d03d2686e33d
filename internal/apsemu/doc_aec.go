// # AEC Data Model
//
// POST /aec/graphql answers GraphQL queries over a schema-true subset of
// the AEC Data Model (aecschema.go): projectByDataManagementAPIId,
// project, elementGroupsByProject, elementGroupAtTip and
// elementsByElementGroup, with the fields and arguments the published
// schema gives them (Project, ElementGroups, ElementGroup, Elements,
// Element, Properties, Property, PropertyDefinition, Units, Pagination).
// It needs data:read and a user-context token, and the Region header (US,
// EMEA or AUS; US when absent) must be the project's hub's region, else
// the project is not found. The element groups of a project are its
// visible Revit models (.rvt items of the seeded DM content, at their tip
// version): the tower project has "Tower – Architecture.rvt" (60 walls,
// 24 doors, 36 windows, 8 floors) and "Tower – Structure.rvt", Zürich
// "Bahnhof – Bestand.rvt". Elements carry Category, Element Context,
// Family Name, Level and Revit Element ID and their category's measures
// in meters. filter.query takes the RSQL subset aecfilter.go describes;
// pages hold 50 results unless pagination.limit (1 to 500) says otherwise,
// and pagination.cursor is null on the last page. Parse and validation
// failures and missing variables answer 400 with errors only; a failing
// field (an unknown id, a bad filter, cursor or limit) answers 200 with the
// field null and its error (extensions.code NOT_FOUND or BAD_USER_INPUT)
// beside data.

package apsemu
