package specfacts

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"
)

// reviewedFS holds the hand-built facts for APIs Autodesk publishes no
// OpenAPI document for; see the package documentation for the format.
//
//go:embed reviewed
var reviewedFS embed.FS

// ReviewedDir is the folder, inside the package, of the reviewed facts
// files; an Operation read from one has File "reviewed/<file name>".
const ReviewedDir = "reviewed"

// reviewedFile is one reviewed facts file: facts.json's shape, with every
// operation naming the doc pages it was built from.
type reviewedFile struct {
	Note       string      `json:"note"`
	Operations []Operation `json:"operations"`
}

// methods are the HTTP methods a reviewed operation may have.
var methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}

// readReviewed reads every *.json file at the top of dir in fsys, in name
// order, and returns their operations with File set, refusing an entry
// that lacks a doc URL or is malformed.
func readReviewed(fsys fs.FS, dir string) ([]Operation, error) {
	names, err := fs.Glob(fsys, dir+"/*.json")
	if err != nil {
		return nil, fmt.Errorf("specfacts: listing reviewed facts: %w", err)
	}
	var all []Operation
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("specfacts: reading reviewed facts: %w", err)
		}
		file := ReviewedDir + "/" + path.Base(name)
		var rf reviewedFile
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rf); err != nil {
			return nil, fmt.Errorf("specfacts: %s: %w", file, err)
		}
		if strings.TrimSpace(rf.Note) == "" {
			return nil, fmt.Errorf("specfacts: %s: a reviewed facts file needs a note saying what it covers and who reviewed it", file)
		}
		for i := range rf.Operations {
			op := &rf.Operations[i]
			if err := checkReviewed(op); err != nil {
				return nil, fmt.Errorf("specfacts: %s: operation %d (%s %s): %w", file, i+1, op.Method, op.Path, err)
			}
			op.File = file
		}
		all = append(all, rf.Operations...)
	}
	return all, nil
}

// checkReviewed refuses a reviewed operation the checker could not trust:
// one without a doc page to review it against, or one whose facts do not
// hang together.
func checkReviewed(op *Operation) error {
	if len(op.Docs) == 0 {
		return errors.New("no doc URL: list in docs the Autodesk doc pages these facts come from")
	}
	for _, d := range op.Docs {
		if err := checkDocURL(d); err != nil {
			return err
		}
	}
	switch {
	case !slices.Contains(methods, op.Method):
		return fmt.Errorf("method %q is not one of %s (upper case)", op.Method, strings.Join(methods, ", "))
	case !strings.HasPrefix(op.Path, "/"):
		return fmt.Errorf("path %q does not start with /", op.Path)
	case op.OperationID == "":
		return errors.New("no operationId: name the operation as its doc page does")
	case op.File != "":
		return errors.New("file is filled in from the reviewed file's name; leave it out")
	case len(op.Fixes) > 0:
		return errors.New("fixes are for corrections to an OpenAPI spec; write reviewed facts as they should be")
	}
	placeholders := placeholderRE.FindAllString(op.Path, -1)
	for _, p := range op.Params {
		switch p.In {
		case InPath:
			if !slices.Contains(placeholders, "{"+p.Name+"}") {
				return fmt.Errorf("path parameter %q has no placeholder in the path", p.Name)
			}
			if !p.Required {
				return fmt.Errorf("path parameter %q must be required", p.Name)
			}
		case InQuery, InHeader:
		default:
			return fmt.Errorf("parameter %q has location %q; reviewed facts know path, query and header (body properties go in body)", p.Name, p.In)
		}
	}
	for _, ph := range placeholders {
		if !slices.ContainsFunc(op.Params, func(p Parameter) bool { return p.In == InPath && "{"+p.Name+"}" == ph }) {
			return fmt.Errorf("placeholder %s has no path parameter", ph)
		}
	}
	return nil
}

// checkDocURL accepts an absolute https URL of an Autodesk page, the only
// kind a reviewer can hold reviewed facts against.
func checkDocURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("doc URL %q: %w", raw, err)
	}
	host := u.Hostname()
	if u.Scheme != "https" || (host != "autodesk.com" && !strings.HasSuffix(host, ".autodesk.com")) {
		return fmt.Errorf("doc URL %q is not an https page on autodesk.com", raw)
	}
	return nil
}

// addReviewed appends the reviewed operations to f, refusing one for a
// method and path an OpenAPI spec already declares: a spec, where there is
// one, is the better source, and two sets of facts for one endpoint would
// let the checker pick the laxer.
func (f *Facts) addReviewed(ops []Operation) error {
	seen := map[string]string{}
	for _, op := range f.Operations {
		seen[op.Method+" "+pathKey(op.Path)] = op.File
	}
	for _, op := range ops {
		k := op.Method + " " + pathKey(op.Path)
		if file, dup := seen[k]; dup {
			return fmt.Errorf("specfacts: %s: %s %s is already declared in %s", op.File, op.Method, op.Path, file)
		}
		seen[k] = op.File
	}
	f.Operations = append(f.Operations, ops...)
	return nil
}
