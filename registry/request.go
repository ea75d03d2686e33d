package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
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
	a, err := t.argValues(args)
	if err != nil {
		return apiRequest{}, err
	}
	req := apiRequest{Request: apshttp.Request{Method: t.Method, Query: url.Values{}, Header: http.Header{}, Idempotent: t.Idempotent(), Budget: t.budget}}
	if t.Pending != nil {
		req.PendingStatus = t.Pending.Status
	}
	for k, v := range t.Headers {
		req.Header.Set(k, v)
	}
	var body map[string]any
	for _, name := range t.argNames {
		p, v := t.Params[name], a.sent[name]
		if v == nil {
			continue
		}
		switch p.In {
		case InBody, InVariable:
			if body == nil {
				body = map[string]any{}
			}
			setPath(body, p.WireName(name), v)
		case InQuery:
			req.Query.Set(p.WireName(name), formatValue(v))
		case InHeader:
			req.Header.Set(p.WireName(name), formatValue(v))
		}
	}
	req.Path, req.PathValues = expandPath(t.pathParts, a.path), a.given
	req.Sharing = t.sharingFor(a.path)
	if t.gql != nil {
		if req.Body, err = t.graphqlBody(body); err != nil {
			return apiRequest{}, &ArgError{Message: "arguments do not form GraphQL variables: " + err.Error()}
		}
	} else if body != nil {
		if req.Body, err = json.Marshal(body); err != nil {
			return apiRequest{}, &ArgError{Message: "arguments do not form a JSON body: " + err.Error()}
		}
	}
	return req, nil
}

// checkedArgs are a call's arguments checked against their parameters, ready to
// place.
type checkedArgs struct {
	sent  map[string]any    // each given (or defaulted) argument, transformed
	path  map[string]string // path arguments as they go in the path
	given map[string]string // path arguments as given, for error hints
}

// argValues checks args against the declared parameters: no unknown
// argument, every required one, each value of its type and within its
// constraints; defaults fill what is missing, transforms rewrite the rest.
// Path values must stay one segment, header values free of control
// characters.
func (t *Tool) argValues(in map[string]any) (checkedArgs, error) {
	for name := range in {
		if _, ok := t.Params[name]; !ok {
			return checkedArgs{}, &ArgError{Arg: name, Message: "unknown argument; " + t.takes()}
		}
	}
	a := checkedArgs{sent: make(map[string]any, len(t.Params)), path: map[string]string{}, given: map[string]string{}}
	for _, name := range t.argNames {
		p := t.Params[name]
		raw, present := in[name]
		if !present || raw == nil {
			if p.Required {
				return checkedArgs{}, &ArgError{Arg: name, Message: "required but missing"}
			}
			if p.Default == nil {
				continue
			}
			raw = p.Default
		}
		v, err := checkValue(p, raw)
		if err != nil {
			return checkedArgs{}, &ArgError{Arg: name, Message: err.Error()}
		}
		sent, err := p.transformed(v)
		if err != nil {
			return checkedArgs{}, &ArgError{Arg: name, Message: err.Error()}
		}
		switch s := formatValue(sent); p.In {
		case InPath:
			if err := checkPathValue(s); err != nil {
				return checkedArgs{}, &ArgError{Arg: name, Message: err.Error()}
			}
			a.path[name], a.given[name] = s, formatValue(v)
		case InHeader:
			if strings.ContainsFunc(s, isControl) {
				return checkedArgs{}, &ArgError{Arg: name, Message: "must not contain control characters such as CR or LF"}
			}
		}
		a.sent[name] = sent
	}
	return a, nil
}

// expandPath fills a path template with the path arguments, each escaped
// as one segment.
func expandPath(parts []pathPart, values map[string]string) string {
	var b strings.Builder
	for _, part := range parts {
		if part.param == "" {
			b.WriteString(part.literal)
			continue
		}
		b.WriteString(url.PathEscape(values[part.param]))
	}
	return b.String()
}

// transformed is v after the parameter's transform (strings only).
func (p *Param) transformed(v any) (any, error) {
	s, ok := v.(string)
	if !ok || p.transform == nil {
		return v, nil
	}
	return p.transform.apply(s, p.transformArg)
}

// setPath stores v in a JSON object at a dotted path ("pagination.limit"),
// creating the objects on the way. A small number as a segment
// ("output.formats.0.type") indexes an array instead, so that a tool can
// fill the elements of a list of objects APS takes, each from declared
// parameters.
func setPath(obj map[string]any, path string, v any) {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		obj[head] = v
		return
	}
	obj[head] = setIn(obj[head], rest, v)
}

// maxBodyIndex bounds an array index in a body wire name; a larger number
// is a property name.
const maxBodyIndex = 16

// setIn stores v at path inside cur (an object, an array or nothing yet)
// and returns the container, made when cur is not one of the right kind.
func setIn(cur any, path string, v any) any {
	head, rest, nested := strings.Cut(path, ".")
	put := func(old any) any {
		if nested {
			return setIn(old, rest, v)
		}
		return v
	}
	if i, err := strconv.Atoi(head); err == nil && i >= 0 && i < maxBodyIndex && head == strconv.Itoa(i) {
		arr, _ := cur.([]any)
		for len(arr) <= i {
			arr = append(arr, nil)
		}
		arr[i] = put(arr[i])
		return arr
	}
	obj, ok := cur.(map[string]any)
	if !ok {
		obj = map[string]any{}
	}
	obj[head] = put(obj[head])
	return obj
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
