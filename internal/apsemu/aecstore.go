package apsemu

import (
	"encoding/base64"
	"fmt"
	"path"
	"strings"
	"time"
)

// The AEC Data Model's view of the demo content: every visible Revit
// model of a seeded project is an element group (a design), extracted at
// its tip version, with elements derived from its name. AEC ids are
// base64url of a typed key, as APS's are ("aecd~…" for element groups,
// "aece~…" for elements, "aimproj~hub~project" for projects); APS
// documents them as opaque, and so does the emulator.

// aecGroup is one element group (a Revit model extracted to AEC DM).
type aecGroup struct {
	id, name, projectID string
	item                *dmItem
	elements            []*aecElement
}

// aecElement is one element of a group, with its properties in order.
type aecElement struct {
	id, name, externalID string
	props                []aecProperty
}

// aecProperty is one property value of an element.
type aecProperty struct {
	name, id    string // the definition's name and id
	value       any    // string or float64
	units, unit string // units id and name; "" for unitless
}

// display is the property's human-readable value.
func (p aecProperty) display() string {
	switch v := p.value.(type) {
	case float64:
		s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
		if p.unit != "" {
			s += " " + aecUnitSymbol(p.unit)
		}
		return s
	case string:
		return v
	}
	return ""
}

// aecUnitSymbol is the symbol display values write after a unit's values.
func aecUnitSymbol(unit string) string {
	return map[string]string{"Meters": "m", "Square Meters": "m²"}[unit]
}

// aecCategory is how the emulator makes the elements of one category.
type aecCategory struct {
	name, family string
	count        int
	measures     []aecMeasure
}

// aecMeasure is a numeric property of a category's elements.
type aecMeasure struct {
	name, unit string
	base, step float64
}

// aecModels lists the categories of each demo Revit model by name; a model
// not listed (an older concept, say) has walls and floors only.
func aecModels() map[string][]aecCategory {
	return map[string][]aecCategory{
		"Tower – Architecture.rvt": {
			{"Walls", "Basic Wall", 60, []aecMeasure{{"Length", "Meters", 2.5, 0.25}, {"Unconnected Height", "Meters", 3.2, 0}}},
			{"Doors", "Single-Flush", 24, []aecMeasure{{"Width", "Meters", 0.9, 0.05}, {"Height", "Meters", 2.1, 0}}},
			{"Windows", "Fixed", 36, []aecMeasure{{"Width", "Meters", 1.2, 0.1}, {"Height", "Meters", 1.5, 0}}},
			{"Floors", "Floor", 8, []aecMeasure{{"Area", "Square Meters", 840, 0}}},
		},
		"Tower – Structure.rvt": {
			{"Structural Columns", "Concrete-Rectangular-Column", 40, []aecMeasure{{"Length", "Meters", 3.2, 0}}},
			{"Structural Framing", "Concrete-Rectangular Beam", 30, []aecMeasure{{"Length", "Meters", 6, 0.5}}},
			{"Floors", "Floor", 8, []aecMeasure{{"Area", "Square Meters", 840, 0}}},
		},
		"Bahnhof – Bestand.rvt": {
			{"Walls", "Basic Wall", 12, []aecMeasure{{"Length", "Meters", 8, 1}}},
			{"Roofs", "Basic Roof", 2, []aecMeasure{{"Area", "Square Meters", 1200, 150}}},
		},
	}
}

// aecUnitID is a unit's id, as AEC DM names it.
func aecUnitID(unit string) string {
	return map[string]string{"Meters": "autodesk.unit.unit:meters-1.0.1", "Square Meters": "autodesk.unit.unit:squareMeters-1.0.1"}[unit]
}

// aecLevels are the levels elements are spread over.
const aecLevels = 8

// aecID is an AEC id: base64url, unpadded, of kind~parts.
func aecID(kind string, parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + "~" + strings.Join(parts, "~")))
}

// aecProjectID is the AEC DM id of a Data Management project.
func aecProjectID(p Project) string { return aecID("aimproj", p.HubID, p.ID) }

// aecGroups returns a project's element groups: its visible .rvt items,
// in the order Data Management's search lists them. Seeded content never
// changes, so they are derived on each call.
func (e *Emulator) aecGroups(p Project) []*aecGroup {
	c := e.contentOf(p)
	var out []*aecGroup
	for _, it := range c.searchItems(c.folders[c.root], nil) {
		if strings.ToLower(path.Ext(it.name)) != ".rvt" {
			continue
		}
		lineage := strings.TrimPrefix(it.id, itemIDPrefix)
		g := &aecGroup{id: aecID("aecd", strings.TrimPrefix(p.ID, bim360AccountPrefix), lineage), name: it.name, projectID: p.ID, item: it}
		g.elements = aecElements(g, lineage)
		out = append(out, g)
	}
	return out
}

// aecElements makes a group's elements, category by category.
func aecElements(g *aecGroup, lineage string) []*aecElement {
	cats, ok := aecModels()[g.name]
	if !ok {
		cats = []aecCategory{
			{"Walls", "Basic Wall", 4, []aecMeasure{{"Length", "Meters", 5, 0}}},
			{"Floors", "Floor", 1, []aecMeasure{{"Area", "Square Meters", 100, 0}}},
		}
	}
	var out []*aecElement
	n := 0
	for _, cat := range cats {
		for i := range cat.count {
			n++
			revitID := 300000 + n*17
			el := &aecElement{
				id:         aecID("aece", lineage, fmt.Sprintf("%x", revitID)),
				name:       fmt.Sprintf("%s [%d]", cat.family, revitID),
				externalID: fmt.Sprintf("%s-%08x", lineage[:8], revitID),
			}
			el.props = []aecProperty{
				{name: "Category", id: "autodesk.revit.parameter:parameter.category-2.0.0", value: cat.name},
				{name: "Element Context", id: "autodesk.revit.parameter:parameter.elementContext-1.0.0", value: "Instance"},
				{name: "Family Name", id: "autodesk.revit.parameter:parameter.familyName-1.0.0", value: cat.family},
				{name: "Level", id: "autodesk.revit.parameter:parameter.level-1.0.0", value: fmt.Sprintf("Level %02d", 1+i%aecLevels)},
				{name: "Revit Element ID", id: "autodesk.revit.parameter:parameter.elementId-1.0.0", value: fmt.Sprint(revitID)},
			}
			for _, m := range cat.measures {
				el.props = append(el.props, aecProperty{name: m.name, id: "autodesk.revit.parameter:" + strings.ReplaceAll(strings.ToLower(m.name), " ", "") + "-1.0.0",
					value: m.base + float64(i%5)*m.step, units: aecUnitID(m.unit), unit: m.unit})
			}
			out = append(out, el)
		}
	}
	return out
}

// tipTime is when the group's tip version was created, which is when the
// emulator says it was extracted.
func (g *aecGroup) tipTime() time.Time { return g.item.tip().created }
