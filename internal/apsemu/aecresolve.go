package apsemu

import (
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// AEC DM page sizes: 50 unless the query asks for another limit, at most
// 500 (the emulator's reading of the pagination guide's samples, whose
// cursors encode offset and limit, curs~50~50; the maximum is its own).
const (
	aecDefaultLimit = 50
	aecMaxLimit     = 500
)

// aecPage is one page of a list field: its results, the cursor of the
// next page (nil on the last) and how many match in all.
type aecPage struct {
	results []any
	next    any
	total   int
}

func resolveProjectByDMID(x *aecExec, _ any, args map[string]any) (any, error) {
	id, _ := args["dataManagementAPIProjectId"].(string)
	p, err := x.project(id)
	if err != nil {
		return nil, err
	}
	return gqlObj{"Project", p}, nil
}

func resolveProject(x *aecExec, _ any, args map[string]any) (any, error) {
	id, _ := args["projectId"].(string)
	p, err := x.aecProject(id)
	if err != nil {
		return nil, err
	}
	return gqlObj{"Project", p}, nil
}

func resolveGroupsByProject(x *aecExec, _ any, args map[string]any) (any, error) {
	id, _ := args["projectId"].(string)
	p, err := x.aecProject(id)
	if err != nil {
		return nil, err
	}
	return x.groupsPage(p, args)
}

func resolveGroupAtTip(x *aecExec, _ any, args map[string]any) (any, error) {
	id, _ := args["elementGroupId"].(string)
	g, err := x.group(id)
	if err != nil {
		return nil, err
	}
	return gqlObj{"ElementGroup", g}, nil
}

func resolveElementsByGroup(x *aecExec, _ any, args map[string]any) (any, error) {
	id, _ := args["elementGroupId"].(string)
	g, err := x.group(id)
	if err != nil {
		return nil, err
	}
	return x.elementsPage(g, args)
}

func resolveProperties(_ *aecExec, el any, args map[string]any) (any, error) {
	filter, err := inputObject(args["filter"], "PropertyFilterInput", []string{"names"}, nil)
	if err != nil {
		return nil, err
	}
	var names []string
	if filter != nil {
		if names, err = gqlStringList(filter["names"], "names"); err != nil {
			return nil, err
		}
	}
	var props []any
	for _, p := range el.(*aecElement).props {
		if filter == nil || slices.Contains(names, p.name) {
			props = append(props, p)
		}
	}
	return aecPageOf("Properties", props, args["pagination"])
}

// project finds a project by its Data Management id, in the request's region.
func (x *aecExec) project(dmID string) (Project, error) {
	p, h, ok := x.e.findProject(dmID)
	switch {
	case !ok:
		return Project{}, notFound("Project", dmID)
	case h.Region != x.region:
		return Project{}, &gqlFail{gqlCodeNotFound, fmt.Sprintf("Project %q was not found in region %s; send the Region header of its hub's region.", dmID, x.region)}
	}
	return p, nil
}

// aecProject finds a project by its AEC DM id.
func (x *aecExec) aecProject(id string) (Project, error) {
	parts, ok := decodeAECID(id, "aimproj", 2)
	if !ok {
		return Project{}, &gqlFail{gqlCodeBadInput, fmt.Sprintf("%q is not an AEC Data Model project id.", id)}
	}
	p, err := x.project(parts[1])
	if err != nil || p.HubID != parts[0] {
		return Project{}, notFound("Project", id)
	}
	return p, nil
}

// group finds an element group by its id.
func (x *aecExec) group(id string) (*aecGroup, error) {
	parts, ok := decodeAECID(id, "aecd", 2)
	if !ok {
		return nil, &gqlFail{gqlCodeBadInput, fmt.Sprintf("%q is not an element group id.", id)}
	}
	p, err := x.project(bim360AccountPrefix + parts[0])
	if err != nil {
		return nil, notFound("ElementGroup", id)
	}
	for _, g := range x.e.aecGroups(p) {
		if g.id == id {
			return g, nil
		}
	}
	return nil, notFound("ElementGroup", id)
}

// groupsPage is a page of a project's element groups, filtered by name
// or file URN.
func (x *aecExec) groupsPage(p Project, args map[string]any) (any, error) {
	filter, err := inputObject(args["filter"], "ElementGroupFilterInput", []string{"name", "fileUrn"}, []string{"query", "createdBy", "lastModifiedBy"})
	if err != nil {
		return nil, err
	}
	names, err := gqlStringList(filter["name"], "name")
	if err != nil {
		return nil, err
	}
	urns, err := gqlStringList(filter["fileUrn"], "fileUrn")
	if err != nil {
		return nil, err
	}
	var groups []any
	for _, g := range x.e.aecGroups(p) {
		if (names == nil || slices.Contains(names, g.name)) && (urns == nil || slices.Contains(urns, g.item.id)) {
			groups = append(groups, g)
		}
	}
	return aecPageOf("ElementGroups", groups, args["pagination"])
}

// elementsPage is a page of a group's elements, filtered by an RSQL query
// and names.
func (x *aecExec) elementsPage(g *aecGroup, args map[string]any) (any, error) {
	filter, err := inputObject(args["filter"], "ElementFilterInput", []string{"query", "name"},
		[]string{"nameWithComparator", "properties", "references", "createdBy", "lastModifiedBy", "elementId", "revitElementId"})
	if err != nil {
		return nil, err
	}
	names, err := gqlStringList(filter["name"], "name")
	if err != nil {
		return nil, err
	}
	match := func(*aecElement) bool { return true }
	if q, present := filter["query"]; present && q != nil {
		s, ok := q.(string)
		if !ok {
			return nil, &gqlFail{gqlCodeBadInput, "filter.query must be a string."}
		}
		if match, err = parseRSQL(s); err != nil {
			return nil, err
		}
	}
	var els []any
	for _, el := range g.elements {
		if match(el) && (names == nil || slices.Contains(names, el.name)) {
			els = append(els, el)
		}
	}
	return aecPageOf("Elements", els, args["pagination"])
}

// aecPageOf is the page of all that input asks for, as an object of type typ.
func aecPageOf(typ string, all []any, input any) (any, error) {
	p, err := aecPaginate(all, input)
	if err != nil {
		return nil, err
	}
	return gqlObj{typ, p}, nil
}

// aecPaginate cuts a page out of all by a PaginationInput.
func aecPaginate(all []any, input any) (*aecPage, error) {
	pg, err := inputObject(input, "PaginationInput", []string{"cursor", "limit"}, nil)
	if err != nil {
		return nil, err
	}
	limit := aecDefaultLimit
	if l, present := pg["limit"]; present && l != nil {
		f, ok := l.(float64)
		if !ok || f != math.Trunc(f) || f < 1 || f > aecMaxLimit {
			return nil, &gqlFail{gqlCodeBadInput, fmt.Sprintf("pagination.limit must be a whole number from 1 to %d.", aecMaxLimit)}
		}
		limit = int(f)
	}
	offset := 0
	if c, present := pg["cursor"]; present && c != nil && c != "" {
		s, _ := c.(string)
		if offset, ok := decodeCursor(s); ok && offset <= len(all) {
			return aecPageAt(all, offset, limit), nil
		}
		return nil, &gqlFail{gqlCodeBadInput, fmt.Sprintf("pagination.cursor %q is not a cursor this query returned.", s)}
	}
	return aecPageAt(all, offset, limit), nil
}

func aecPageAt(all []any, offset, limit int) *aecPage {
	end := min(offset+limit, len(all))
	p := &aecPage{results: all[offset:end], total: len(all)}
	if end < len(all) {
		p.next = base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("curs~%d~%d", end, limit)))
	}
	return p
}

// decodeCursor reads the offset out of a cursor page made.
func decodeCursor(s string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	parts := strings.Split(string(raw), "~")
	if len(parts) != 3 || parts[0] != "curs" {
		return 0, false
	}
	n, err := strconv.Atoi(parts[1])
	return n, err == nil && n >= 0
}

// inputObject reads an input object argument: nil when absent, an error
// for a field its type does not define (as GraphQL validation words it)
// or one the emulator does not implement.
func inputObject(v any, typ string, supported, unsupported []string) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &gqlFail{gqlCodeBadInput, fmt.Sprintf("Expected type %q to be an object.", typ)}
	}
	for k := range m {
		switch {
		case slices.Contains(supported, k):
		case slices.Contains(unsupported, k):
			return nil, &gqlFail{gqlCodeBadInput, fmt.Sprintf("The emulator does not implement %s.%s.", typ, k)}
		default:
			return nil, &gqlFail{gqlCodeBadInput, fmt.Sprintf("Field %q is not defined by type %q.", k, typ)}
		}
	}
	return m, nil
}

// gqlStringList reads a [String!] input: a list, or one string, which
// GraphQL coerces to a list of one; nil when absent.
func gqlStringList(v any, name string) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, &gqlFail{gqlCodeBadInput, fmt.Sprintf("%s must be a list of strings.", name)}
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, &gqlFail{gqlCodeBadInput, fmt.Sprintf("%s must be a list of strings.", name)}
}
