package extract

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aps-mcp/aps-mcp/specfacts"
)

// The corrections below are the spec defects listed in
// ../shared/aps-openapi/NOTES.md §8 that change a fact kept in facts.json
// (method, path, parameters, enums, request body property names, response
// field names), and the gaps in response schemas that NOTES.md documents
// elsewhere: fields APS sends that a schema leaves out, which would make
// the checker warn about a tool that reads them. Each one is recorded in
// the corrected operation's Fixes, so facts.json shows it. A gap goes here
// only when NOTES.md (or the spec's own example) shows the field; other
// warnings are for the catalogue to fix.
//
// The other §8 items touch nothing kept here and so need no correction:
//   - §8.1 authentication.yaml's Authorization description says Bearer for
//     what is Basic: descriptions are not kept.
//   - §8.2 the token response schema is an empty object, which the facts
//     keep as open (any field may be read); the sha1 format in §8.5:
//     formats are not kept.
//   - §8.4 secureServiceAccount.yaml types the token form field scope as an
//     array: the name is right, and types are not kept.
//   - §8.7 the manifest scope typo viewable:read and the missing error
//     responses in modelderivative.yaml: scopes and error responses are
//     not kept.
//   - §8.8 Issues.yaml allowing 2LO without scopes: auth is not kept.

// correction fixes one defect in the extracted operations of one file.
type correction struct {
	// file is the spec file the defect is in.
	file string
	// operationID picks the operation; empty means every operation in file
	// that apply changes.
	operationID string
	// fix is recorded in Operation.Fixes.
	fix string
	// apply corrects op and reports whether it changed anything.
	apply func(op *specfacts.Operation) bool
}

var corrections = []correction{
	{
		// §8.6: the path key is /projects/{project_id}/versions/{version_id}/relationships/links;
		// every other version endpoint, and APS itself, use /data/v1/projects/....
		file:        "datamanagement.yaml",
		operationID: "getVersionRelationshipsLinks",
		fix:         "NOTES §8.6: spec path lacks the /data/v1 prefix",
		apply: func(op *specfacts.Operation) bool {
			if !strings.HasPrefix(op.Path, "/projects/") {
				return false
			}
			op.Path = "/data/v1" + op.Path
			return true
		},
	},
	{
		// §8.5 (and §1.2): APAC is a legacy region the spec enum still
		// lists; APS's current region list does not have it, so a tool must
		// not offer it.
		file: "oss.yaml",
		fix:  "NOTES §8.5: legacy region APAC dropped from the region enum",
		apply: func(op *specfacts.Operation) bool {
			changed := false
			for i := range op.Params {
				p := &op.Params[i]
				if n := strings.ToLower(p.Name); n != "region" && n != "x-ads-region" {
					continue
				}
				if j := slices.Index(p.Enum, "APAC"); j >= 0 {
					p.Enum = slices.Delete(p.Enum, j, j+1)
					changed = true
				}
			}
			return changed
		},
	},
	{
		// §8.5 (and §1.2): create bucket takes the region in header region
		// (current spec and docs) or x-ads-region (older spec, still what
		// aps-sdk-node sends); APS accepts both and region wins when both
		// are sent. Facts cannot say "one of the two", and APS defaults to
		// US without either, so neither is required.
		file:        "oss.yaml",
		operationID: "create_bucket",
		fix:         "NOTES §8.5: region header also accepted as x-ads-region; neither required",
		apply: func(op *specfacts.Operation) bool {
			i := slices.IndexFunc(op.Params, func(p specfacts.Parameter) bool {
				return p.In == specfacts.InHeader && strings.EqualFold(p.Name, "region")
			})
			has := slices.ContainsFunc(op.Params, func(p specfacts.Parameter) bool {
				return p.In == specfacts.InHeader && strings.EqualFold(p.Name, "x-ads-region")
			})
			if i < 0 || has {
				return false
			}
			op.Params[i].Required = false
			op.Params = append(op.Params, specfacts.Parameter{
				Name: "x-ads-region",
				In:   specfacts.InHeader,
				Enum: slices.Clone(op.Params[i].Enum),
			})
			sortParams(op.Params)
			return true
		},
	},
}

// responseGaps are the corrections that add to response schemas what
// NOTES.md shows APS sends.
var responseGaps = []correction{
	{
		// §8.3: the discovery document's schema names revoke_endpoint; the
		// example, and APS, say revocation_endpoint.
		file:        "authentication.yaml",
		operationID: "get-oidc-spec",
		fix:         "NOTES §8.3: revoke_endpoint is revocation_endpoint",
		apply: func(op *specfacts.Operation) bool {
			f, ok := op.Response["revoke_endpoint"]
			if !ok {
				return false
			}
			delete(op.Response, "revoke_endpoint")
			op.Response["revocation_endpoint"] = f
			return true
		},
	},
	{
		// §5.1, §5.2: a collection endpoint's links may hold first, prev
		// and next ({href} each), and any answer an optional meta, with
		// meta.warnings on partial hub failures; most list schemas have
		// links.self alone and no meta.
		file: "datamanagement.yaml",
		fix:  "NOTES §5.1, §5.2: a collection's links.first, prev and next, and meta.warnings",
		apply: func(op *specfacts.Operation) bool {
			if _, collection := op.Response["data"][specfacts.Each]; !collection {
				return false
			}
			changed := add(op.Response, "meta.warnings.#.*")
			for _, l := range []string{"first", "prev", "next"} {
				changed = add(op.Response, "links."+l+".href") || changed
			}
			return changed
		},
	},
	{
		// §6, and the spec's own example: properties:query answers
		// {pagination, data: {type, collection}}, the data of
		// get-all-properties; the schema nests that whole answer in data.
		file:        "modelderivative.yaml",
		operationID: "fetch-specific-properties",
		fix:         "NOTES §6: data is get-all-properties' data, not its whole answer",
		apply: func(op *specfacts.Operation) bool {
			inner, ok := op.Response["data"]["data"]
			if !ok {
				return false
			}
			op.Response["data"] = inner
			return true
		},
	},
}

// add puts the dotted path into f and reports whether it was new.
func add(f specfacts.Fields, path string) bool {
	added := false
	for _, seg := range strings.Split(path, ".") {
		next, ok := f[seg]
		if !ok {
			next, added = specfacts.Fields{}, true
			f[seg] = next
		}
		f = next
	}
	return added
}

// applyCorrections applies every correction. A correction that changes
// nothing means Autodesk fixed the spec (or it moved): that is an error, so
// the correction gets reviewed and removed rather than lingering unnoticed.
func applyCorrections(ops []specfacts.Operation) error {
	var errs []error
	for _, c := range slices.Concat(corrections, responseGaps) {
		changed := false
		for i := range ops {
			op := &ops[i]
			if op.File != c.file || (c.operationID != "" && op.OperationID != c.operationID) {
				continue
			}
			if c.apply(op) {
				op.Fixes = append(op.Fixes, c.fix)
				changed = true
			}
		}
		if !changed {
			errs = append(errs, fmt.Errorf("extract: correction %q (%s %s) no longer applies; check NOTES.md §8 and remove it", c.fix, c.file, c.operationID))
		}
	}
	return errors.Join(errs...)
}
