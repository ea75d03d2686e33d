package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// maxPathValue bounds a path argument; APS keys are far shorter (object keys
// at most 1,024 bytes), and an unbounded value only makes a URL APS refuses.
const maxPathValue = 2048

// apiRequest is one APS request of a tool before the token is added.
type apiRequest struct {
	apshttp.Request
	PathValues map[string]string // path arguments as given, for error hints
}

// buildRequest validates args against the declared parameters and places
// each one: path arguments as exactly one escaped segment, query arguments
// encoded, headers free of control characters. The host is never touched.
func (t *Tool) buildRequest(args map[string]any) (apiRequest, error) {
	for name := range args {
		if _, ok := t.Params[name]; !ok {
			return apiRequest{}, &ArgError{Arg: name, Message: "unknown argument; " + t.takes()}
		}
	}
	req := apiRequest{Request: apshttp.Request{Method: t.Method, Query: url.Values{}, Header: http.Header{}, Idempotent: t.Idempotent()}}
	if t.Pending != nil {
		req.PendingStatus = t.Pending.Status
	}
	for k, v := range t.Headers {
		req.Header.Set(k, v)
	}
	values := make(map[string]string, len(t.Params))
	given := make(map[string]string, len(t.pathParts)) // before transforms, for hints
	var body map[string]any
	for _, name := range t.argNames {
		p := t.Params[name]
		raw, present := args[name]
		if !present || raw == nil {
			if p.Required {
				return apiRequest{}, &ArgError{Arg: name, Message: "required but missing"}
			}
			if p.Default == nil {
				continue
			}
			raw = p.Default
		}
		v, err := checkValue(p, raw)
		if err != nil {
			return apiRequest{}, &ArgError{Arg: name, Message: err.Error()}
		}
		if p.In == InBody {
			if body == nil {
				body = map[string]any{}
			}
			setPath(body, p.WireName(name), p.transformed(v))
			continue
		}
		s := formatValue(p.transformed(v))
		switch p.In {
		case InPath:
			if err := checkPathValue(s); err != nil {
				return apiRequest{}, &ArgError{Arg: name, Message: err.Error()}
			}
			values[name], given[name] = s, formatValue(v)
		case InQuery:
			req.Query.Set(p.WireName(name), s)
		case InHeader:
			if strings.ContainsFunc(s, isControl) {
				return apiRequest{}, &ArgError{Arg: name, Message: "must not contain control characters such as CR or LF"}
			}
			req.Header.Set(p.WireName(name), s)
		}
	}
	req.Path, req.PathValues = t.expandPath(values), given
	req.Sharing = t.sharingFor(values)
	if body != nil {
		var err error
		if req.Body, err = json.Marshal(body); err != nil {
			return apiRequest{}, &ArgError{Message: "arguments do not form a JSON body: " + err.Error()}
		}
	}
	return req, nil
}

// expandPath fills the path template with the path arguments, each
// escaped as one segment.
func (t *Tool) expandPath(values map[string]string) string {
	var b strings.Builder
	for _, part := range t.pathParts {
		if part.param == "" {
			b.WriteString(part.literal)
			continue
		}
		b.WriteString(url.PathEscape(values[part.param]))
	}
	return b.String()
}

// transformed is v after the parameter's transform (strings only).
func (p *Param) transformed(v any) any {
	s, ok := v.(string)
	if !ok || p.transform == nil {
		return v
	}
	return p.transform.apply(s, p.transformArg)
}

// setPath stores v in a JSON object at a dotted path ("pagination.limit"),
// creating the objects on the way.
func setPath(obj map[string]any, path string, v any) {
	for {
		head, rest, nested := strings.Cut(path, ".")
		if !nested {
			obj[head] = v
			return
		}
		next, ok := obj[head].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[head] = next
		}
		obj, path = next, rest
	}
}

// checkPathValue refuses values that, even escaped, would not stay one
// segment: "." and ".." are resolved away by servers and proxies.
func checkPathValue(s string) error {
	switch {
	case s == "":
		return errors.New("must not be empty")
	case s == "." || s == "..":
		return errors.New(`must not be "." or ".."`)
	case len(s) > maxPathValue:
		return fmt.Errorf("is too long (at most %d bytes)", maxPathValue)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// takes lists the tool's arguments for an error message.
func (t *Tool) takes() string {
	names := t.argNames
	if t.Paginate != nil {
		names = append(slices.Clip(names), CursorArg, LimitArg)
	}
	if len(names) == 0 {
		return "this tool takes no arguments"
	}
	return "this tool takes: " + strings.Join(names, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
