package apsemu

import (
	"cmp"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Filter operators of the DM filtering guide
// (https://aps.autodesk.com/en/docs/data/v2/developers_guide/filtering/):
// filter[<field>]-<op>=<values>, no suffix meaning -eq.
var dmFilterOperators = []string{"eq", "lt", "le", "gt", "ge", "starts", "ends", "contains"}

// dmCondition is one filter query parameter of the folder contents,
// search and item versions endpoints.
type dmCondition struct {
	field  string   // the field without an "attributes." or "meta." prefix
	op     string   // one of dmFilterOperators
	values []string // comma-separated in the query; any one may match
}

// conditions reads every filter[...] parameter. As the guide
// says, field names may carry the "attributes." (or "meta.") prefix or
// not, different fields combine with AND, comma-separated values with OR,
// and matching is case-sensitive. Values compare as numbers when both
// sides are numbers and as strings (lexicographically, which orders the
// ISO 8601 timestamps DM uses) otherwise. A field a resource lacks matches
// nothing. detail is the 400 text for a malformed parameter or an unknown
// operator, empty when all are valid.
func (qr *queryReader) conditions() []dmCondition {
	conds, detail := parseConditions(qr.q)
	qr.fail(detail)
	return conds
}

// parseConditions reads the filter parameters as conditions does; detail
// is the 400 text, empty when all are valid.
func parseConditions(q url.Values) (conds []dmCondition, detail string) {
	for key, vals := range q {
		rest, ok := strings.CutPrefix(key, "filter[")
		if !ok {
			continue
		}
		field, suffix, ok := strings.Cut(rest, "]")
		if !ok || field == "" {
			return nil, "The query parameter " + key + " is not a valid filter."
		}
		op := "eq"
		if suffix != "" {
			op, ok = strings.CutPrefix(suffix, "-")
			if !ok || !slices.Contains(dmFilterOperators, op) {
				return nil, "The filter operator in " + key + " is not supported; use -eq, -lt, -le, -gt, -ge, -starts, -ends or -contains."
			}
		}
		for _, prefix := range []string{"attributes.", "meta."} {
			field = strings.TrimPrefix(field, prefix)
		}
		c := dmCondition{field: field, op: op}
		for _, v := range vals {
			c.values = append(c.values, strings.Split(v, ",")...)
		}
		conds = append(conds, c)
	}
	return conds, ""
}

// matchAll reports whether a resource with the given field values passes
// every condition.
func matchAll(conds []dmCondition, fields map[string]string) bool {
	for _, c := range conds {
		if !c.match(fields) {
			return false
		}
	}
	return true
}

// constrains reports whether some condition names field.
func constrains(conds []dmCondition, field string) bool {
	return slices.ContainsFunc(conds, func(c dmCondition) bool { return c.field == field })
}

// match reports whether any of c's values matches the resource's field.
func (c dmCondition) match(fields map[string]string) bool {
	have, ok := fields[c.field]
	if !ok {
		return false
	}
	for _, want := range c.values {
		if c.test(have, want) {
			return true
		}
	}
	return false
}

// test applies c's operator to one value pair.
func (c dmCondition) test(have, want string) bool {
	switch c.op {
	case "starts":
		return strings.HasPrefix(have, want)
	case "ends":
		return strings.HasSuffix(have, want)
	case "contains":
		return strings.Contains(have, want)
	}
	order := strings.Compare(have, want)
	if h, err := strconv.ParseFloat(have, 64); err == nil {
		if w, err := strconv.ParseFloat(want, 64); err == nil {
			order = cmp.Compare(h, w)
		}
	}
	switch c.op {
	case "lt":
		return order < 0
	case "le":
		return order <= 0
	case "gt":
		return order > 0
	case "ge":
		return order >= 0
	}
	return order == 0
}

// folderFields, itemFields and versionFields are what filters see of a
// resource: its id, type and attributes by their (unprefixed) names.
func folderFields(f *dmFolder) map[string]string {
	return map[string]string{
		"id": f.ID, "type": "folders", "name": f.Name, "displayName": f.Name,
		"hidden": strconv.FormatBool(f.Hidden), "extension.type": f.extType, "extension.version": "1.0",
		"createTime": dmTime(f.created), "lastModifiedTime": dmTime(f.created), "lastModifiedTimeRollup": dmTime(f.rollup),
		"createUserId": f.user, "lastModifiedUserId": f.user, "objectCount": strconv.Itoa(len(f.folders) + len(f.items)),
	}
}

func itemFields(it *dmItem) map[string]string {
	extType := itemTypeFile
	if it.c4r {
		extType = itemTypeC4R
	}
	tip := it.tip()
	return map[string]string{
		"id": it.id, "type": "items", "displayName": it.name, "hidden": strconv.FormatBool(it.hidden),
		"reserved": strconv.FormatBool(it.reservedBy != ""), "extension.type": extType,
		"createTime": dmTime(it.versions[0].created), "lastModifiedTime": dmTime(tip.created), "lastModifiedTimeRollup": dmTime(tip.created),
		"createUserId": it.versions[0].user, "lastModifiedUserId": tip.user,
	}
}

func versionFields(it *dmItem, v *dmVersion) map[string]string {
	extType := versionTypeFile
	if it.c4r {
		extType = versionTypeC4R
	}
	ext := strings.TrimPrefix(path.Ext(v.Name), ".")
	return map[string]string{
		"id": v.ID, "type": "versions", "name": v.Name, "displayName": v.Name,
		"versionNumber": strconv.Itoa(v.Number), "fileType": ext, "mimeType": dmMimeType(ext),
		"storageSize": strconv.FormatInt(v.size, 10), "extension.type": extType,
		"createTime": dmTime(v.created), "lastModifiedTime": dmTime(v.created),
		"createUserId": v.user, "lastModifiedUserId": v.user,
	}
}
