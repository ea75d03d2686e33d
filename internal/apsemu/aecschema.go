package apsemu

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// The AEC Data Model types the emulator serves: a schema-true subset of
// the published schema (llms-graphql.txt in the shared aps-openapi
// folder), with each field's type and arguments as published, enough for
// the queries tools.yaml declares and the checks around them.

// aecSchema returns the types by name. Argument types follow the schema;
// input objects are resolved by the resolvers that read them.
func aecSchema() map[string]gqlType {
	pagination := gqlArg{"pagination", "PaginationInput"}
	return map[string]gqlType{
		"Query": queryType(pagination),
		"Project": {
			"id":   {typ: "ID!", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return aecProjectID(p.(Project)), nil }},
			"name": {typ: "String", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return p.(Project).Name, nil }},
			"alternativeIdentifiers": {typ: "ProjectAlternativeIdentifiers", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) {
				return gqlObj{"ProjectAlternativeIdentifiers", p}, nil
			}},
			"elementGroups": {typ: "ElementGroups!", args: []gqlArg{{"filter", "ElementGroupFilterInput"}, pagination},
				resolve: func(x *aecExec, p any, args map[string]any) (any, error) { return x.groupsPage(p.(Project), args) }},
		},
		"ProjectAlternativeIdentifiers": {
			"dataManagementAPIProjectId": {typ: "ID!", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return p.(Project).ID, nil }},
		},
		"ElementGroups": pageType("ElementGroup"),
		"ElementGroup":  elementGroupType(pagination),
		"ElementGroupAlternativeIdentifiers": {
			"fileUrn":        {typ: "ID", resolve: func(_ *aecExec, g any, _ map[string]any) (any, error) { return g.(*aecGroup).item.id, nil }},
			"fileVersionUrn": {typ: "ID", resolve: func(_ *aecExec, g any, _ map[string]any) (any, error) { return g.(*aecGroup).item.tip().ID, nil }},
		},
		"ElementGroupVersion": {
			"versionNumber": {typ: "Int!", resolve: func(_ *aecExec, g any, _ map[string]any) (any, error) { return g.(*aecGroup).item.tip().Number, nil }},
			"createdOn":     {typ: "DateTime", resolve: func(_ *aecExec, g any, _ map[string]any) (any, error) { return aecTime(g.(*aecGroup).tipTime()), nil }},
		},
		"Elements": withTotal(pageType("Element")),
		"Element":  elementType(pagination),
		"ElementAlternativeIdentifiers": {
			"externalElementId": {typ: "ID!", resolve: func(_ *aecExec, el any, _ map[string]any) (any, error) { return el.(*aecElement).externalID, nil }},
			"revitElementId": {typ: "ID", resolve: func(_ *aecExec, el any, _ map[string]any) (any, error) {
				return el.(*aecElement).prop("Revit Element ID").value, nil
			}},
		},
		"Properties": pageType("Property"),
		"Property": {
			"name":         {typ: "String!", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return p.(aecProperty).name, nil }},
			"displayValue": {typ: "String", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return p.(aecProperty).display(), nil }},
			"value":        {typ: "PropertyValue", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return p.(aecProperty).value, nil }},
			"definition": {typ: "PropertyDefinition!", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) {
				return gqlObj{"PropertyDefinition", p}, nil
			}},
		},
		"PropertyDefinition": {
			"id":   {typ: "ID!", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return p.(aecProperty).id, nil }},
			"name": {typ: "String!", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return p.(aecProperty).name, nil }},
			"units": {typ: "Units", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) {
				if p.(aecProperty).unit == "" {
					return nil, nil
				}
				return gqlObj{"Units", p}, nil
			}},
		},
		"Units": {
			"id":   {typ: "ID!", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return p.(aecProperty).units, nil }},
			"name": {typ: "String!", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return p.(aecProperty).unit, nil }},
		},
		"Pagination": {
			"cursor":   {typ: "String", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return p.(*aecPage).next, nil }},
			"pageSize": {typ: "Int", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return len(p.(*aecPage).results), nil }},
		},
	}
}

// queryType is the root query fields the emulator serves.
func queryType(pagination gqlArg) gqlType {
	return gqlType{
		"projectByDataManagementAPIId": {typ: "Project", args: []gqlArg{{"dataManagementAPIProjectId", "ID!"}}, resolve: resolveProjectByDMID},
		"project":                      {typ: "Project", args: []gqlArg{{"projectId", "ID!"}}, resolve: resolveProject},
		"elementGroupsByProject": {typ: "ElementGroups!", args: []gqlArg{{"projectId", "ID!"}, {"filter", "ElementGroupFilterInput"}, pagination},
			resolve: resolveGroupsByProject},
		"elementGroupAtTip": {typ: "ElementGroup", args: []gqlArg{{"elementGroupId", "ID!"}}, resolve: resolveGroupAtTip},
		"elementsByElementGroup": {typ: "Elements", args: []gqlArg{{"elementGroupId", "ID!"}, {"filter", "ElementFilterInput"}, pagination},
			resolve: resolveElementsByGroup},
	}
}

func elementGroupType(pagination gqlArg) gqlType {
	return gqlType{
		"id":   {typ: "ID!", resolve: func(_ *aecExec, g any, _ map[string]any) (any, error) { return g.(*aecGroup).id, nil }},
		"name": {typ: "String", resolve: func(_ *aecExec, g any, _ map[string]any) (any, error) { return g.(*aecGroup).name, nil }},
		"alternativeIdentifiers": {typ: "ElementGroupAlternativeIdentifiers", resolve: func(_ *aecExec, g any, _ map[string]any) (any, error) {
			return gqlObj{"ElementGroupAlternativeIdentifiers", g}, nil
		}},
		"version": {typ: "ElementGroupVersion", resolve: func(_ *aecExec, g any, _ map[string]any) (any, error) {
			return gqlObj{"ElementGroupVersion", g}, nil
		}},
		"createdOn": {typ: "DateTime", resolve: func(_ *aecExec, g any, _ map[string]any) (any, error) {
			return aecTime(g.(*aecGroup).item.versions[0].created), nil
		}},
		"lastModifiedOn": {typ: "DateTime", resolve: func(_ *aecExec, g any, _ map[string]any) (any, error) { return aecTime(g.(*aecGroup).tipTime()), nil }},
		"elements": {typ: "Elements!", args: []gqlArg{{"filter", "ElementFilterInput"}, pagination},
			resolve: func(x *aecExec, g any, args map[string]any) (any, error) { return x.elementsPage(g.(*aecGroup), args) }},
	}
}

func elementType(pagination gqlArg) gqlType {
	return gqlType{
		"id":   {typ: "ID!", resolve: func(_ *aecExec, el any, _ map[string]any) (any, error) { return el.(*aecElement).id, nil }},
		"name": {typ: "String!", resolve: func(_ *aecExec, el any, _ map[string]any) (any, error) { return el.(*aecElement).name, nil }},
		"alternativeIdentifiers": {typ: "ElementAlternativeIdentifiers", resolve: func(_ *aecExec, el any, _ map[string]any) (any, error) {
			return gqlObj{"ElementAlternativeIdentifiers", el}, nil
		}},
		"properties": {typ: "Properties!", args: []gqlArg{{"filter", "PropertyFilterInput"}, pagination, {"includeReferencesProperties", "String"}},
			resolve: resolveProperties},
	}
}

// pageType is a page of objects of type item: ElementGroups, Elements, Properties.
func pageType(item string) gqlType {
	return gqlType{
		"pagination": {typ: "Pagination", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return gqlObj{"Pagination", p}, nil }},
		"results": {typ: "[" + item + "]!", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) {
			page := p.(*aecPage)
			out := make([]gqlObj, len(page.results))
			for i, r := range page.results {
				out[i] = gqlObj{item, r}
			}
			return out, nil
		}},
	}
}

// withTotal adds Elements' totalCount: all matching elements, on every page.
func withTotal(t gqlType) gqlType {
	t["totalCount"] = gqlFieldDef{typ: "Int", resolve: func(_ *aecExec, p any, _ map[string]any) (any, error) { return p.(*aecPage).total, nil }}
	return t
}

// aecTime renders a DateTime as AEC DM does: RFC 3339, UTC, milliseconds.
func aecTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// prop returns the element's property called name, or a zero one.
func (el *aecElement) prop(name string) aecProperty {
	for _, p := range el.props {
		if strings.EqualFold(p.name, name) {
			return p
		}
	}
	return aecProperty{}
}

// decodeAECID splits an AEC id of kind into its parts, or reports false.
func decodeAECID(id, kind string, parts int) ([]string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return nil, false
	}
	rest, ok := strings.CutPrefix(string(raw), kind+"~")
	if !ok {
		return nil, false
	}
	out := strings.Split(rest, "~")
	return out, len(out) == parts
}

func notFound(what, id string) *gqlFail {
	return &gqlFail{gqlCodeNotFound, fmt.Sprintf("%s %q was not found.", what, id)}
}
