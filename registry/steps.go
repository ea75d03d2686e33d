package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/specfacts"
)

// A tool with steps makes several requests in order, each declared in
// tools.yaml, where one request cannot do the job (an OSS upload: ask for a
// signed URL, PUT the bytes there, tell OSS the upload is complete). The
// tool's parameters stay its one argument list: path parameters fill the
// placeholders of any step's path, parameters "in: steps" are read by the
// steps' references. A reference is "params.NAME", an argument, or
// "STEP.PATH", the value at a gjson path in the answer of an earlier step
// with that name. The tool's result projects the last step's answer.

// Step is one request of a tool with steps.
type Step struct {
	// Name lets later steps refer to this step's answer.
	Name   string `yaml:"name"`
	Method string `yaml:"method"`
	// Path is an APS path template, as a tool's; the request carries the
	// APS token.
	Path string `yaml:"path"`
	// URL, instead of Path, is a reference to an absolute URL an earlier
	// answer handed out (a signed S3 URL). The request goes there without
	// the APS token.
	URL string `yaml:"url"`
	// Query, Headers and Body map wire names (for Body a dotted path into
	// the JSON body) to references; an absent argument sends nothing.
	Query   map[string]string `yaml:"query"`
	Headers map[string]string `yaml:"headers"`
	Body    map[string]string `yaml:"body"`
	// Content is the raw body instead: references to arguments, of which
	// the call must give exactly one (text or base64, say).
	Content []string `yaml:"content"`
	// MaxContentBytes caps Content's bytes, as sent; 0 is no cap.
	MaxContentBytes int `yaml:"max_content_bytes"`

	pathParts []pathPart
	refs      map[string]ref // every reference of the step, by its text
}

// ref is a parsed reference: an argument, or a path into an earlier
// step's answer.
type ref struct {
	param string // the argument's name, for "params.NAME"
	step  int    // else the index of the step whose answer it reads
	path  string // and the gjson path into that answer
}

// refPrefix starts a reference to an argument.
const refPrefix = "params."

// references lists every reference of the step with the field that holds it.
func (s *Step) references() map[string]string {
	out := map[string]string{}
	if s.URL != "" {
		out["url"] = s.URL
	}
	for _, m := range []struct {
		field string
		refs  map[string]string
	}{{"query", s.Query}, {"headers", s.Headers}, {"body", s.Body}} {
		for k, r := range m.refs {
			out[m.field+"."+k] = r
		}
	}
	for i, r := range s.Content {
		out[fmt.Sprintf("content.%d", i)] = r
	}
	return out
}

// parseRef reads a reference of step i of t; the validator has checked it.
func parseRef(t *Tool, i int, text string) (ref, error) {
	if name, ok := strings.CutPrefix(text, refPrefix); ok {
		if _, declared := t.Params[name]; !declared {
			return ref{}, fmt.Errorf("%q names no parameter of the tool", text)
		}
		return ref{param: name}, nil
	}
	name, path, ok := strings.Cut(text, ".")
	for j := range i {
		if ok && t.Steps[j].Name == name && name != "" {
			if err := checkGJSONPath(path); err != nil {
				return ref{}, err
			}
			return ref{step: j, path: path}, nil
		}
	}
	return ref{}, fmt.Errorf("%q is neither params.NAME nor STEP.PATH with STEP the name of an earlier step", text)
}

// compileSteps prepares the steps of a validated tool.
func (t *Tool) compileSteps() {
	for i := range t.Steps {
		s := &t.Steps[i]
		s.Method = strings.ToUpper(s.Method)
		s.pathParts = splitPath(s.Path)
		s.refs = map[string]ref{}
		for _, text := range s.references() {
			s.refs[text], _ = parseRef(t, i, text)
		}
	}
}

// stepCall is one run through a tool's steps.
type stepCall struct {
	tool    *Tool
	args    checkedArgs
	answers [][]byte // each step's answer, as it is needed later
}

// value is what a reference stands for: an argument's value or the
// answer's JSON value, and whether there is one.
func (sc *stepCall) value(r ref) (any, bool) {
	if r.param != "" {
		v, ok := sc.args.sent[r.param]
		return v, ok && v != nil
	}
	res := gjson.GetBytes(sc.answers[r.step], r.path)
	if !res.Exists() {
		return nil, false
	}
	return json.RawMessage(res.Raw), true
}

// text is a reference's value as a query or header value or a URL.
func (sc *stepCall) text(r ref) (string, bool) {
	v, ok := sc.value(r)
	if raw, isJSON := v.(json.RawMessage); isJSON {
		return gjson.ParseBytes(raw).String(), ok
	}
	return formatValue(v), ok
}

// request builds step i's request from the arguments and the answers so far.
func (sc *stepCall) request(i int) (apiRequest, error) {
	s := &sc.tool.Steps[i]
	req := apiRequest{Request: apshttp.Request{Method: s.Method, Query: url.Values{}, Header: http.Header{},
		Idempotent: idempotentMethod(s.Method)}, PathValues: sc.args.given}
	if s.URL != "" {
		target, _ := sc.text(s.refs[s.URL])
		if u, err := url.Parse(target); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return apiRequest{}, fmt.Errorf("APS answered no usable URL at %s for step %d of %s", s.URL, i+1, sc.tool.Name)
		}
		req.URL = target
	} else {
		req.Path = expandPath(s.pathParts, sc.args.path)
		req.Check = apshttp.CompleteJSON
	}
	for name, r := range s.Query {
		if v, ok := sc.text(s.refs[r]); ok {
			req.Query.Set(name, v)
		}
	}
	for name, r := range s.Headers {
		if v, ok := sc.text(s.refs[r]); ok {
			req.Header.Set(name, v)
		}
	}
	if len(s.Body) > 0 {
		body := map[string]any{}
		for name, r := range s.Body {
			if v, ok := sc.value(s.refs[r]); ok {
				setPath(body, name, v)
			}
		}
		var err error
		if req.Body, err = json.Marshal(body); err != nil {
			return apiRequest{}, &ArgError{Message: "arguments do not form a JSON body: " + err.Error()}
		}
	}
	if len(s.Content) > 0 {
		content, err := sc.content(s)
		if err != nil {
			return apiRequest{}, err
		}
		req.Content = []byte(content)
	}
	return req, nil
}

// content is the raw body of s: the one argument of its Content given.
func (sc *stepCall) content(s *Step) (string, error) {
	var given, names []string
	for _, r := range s.Content {
		name := s.refs[r].param
		names = append(names, name)
		if v, ok := sc.value(s.refs[r]); ok {
			given = append(given, name)
			if str, _ := v.(string); s.MaxContentBytes > 0 && len(str) > s.MaxContentBytes {
				return "", &ArgError{Arg: name, Message: fmt.Sprintf("is %d bytes; %s takes at most %d (%d KiB)",
					len(str), sc.tool.Name, s.MaxContentBytes, s.MaxContentBytes/1024)}
			}
		}
	}
	switch len(given) {
	case 0:
		return "", &ArgError{Message: "give one of " + strings.Join(names, ", ")}
	case 1:
		str, _ := sc.args.sent[given[0]].(string)
		return str, nil
	}
	return "", &ArgError{Message: "give only one of " + strings.Join(given, ", ")}
}

// checkSteps builds what the steps take from the arguments alone, so bad
// arguments fail before the first request: the first step's request, and
// every step's content.
func (t *Tool) checkSteps(a checkedArgs) (apiRequest, error) {
	sc := &stepCall{tool: t, args: a}
	for i := range t.Steps {
		if len(t.Steps[i].Content) > 0 {
			if _, err := sc.content(&t.Steps[i]); err != nil {
				return apiRequest{}, err
			}
		}
	}
	return sc.request(0)
}

// runSteps exchanges every step in order, the first being req, and
// returns the last step's answer, read into into. req ends as the request
// that failed, for the failure's hints. A step's failure ends the call:
// what came before stays done (an upload session left uncompleted lapses
// by itself).
func (c *toolCall) runSteps(ctx context.Context, req *apiRequest, into *bytes.Buffer) ([]byte, error) {
	t := c.tool
	sc := &stepCall{tool: t, args: c.checked, answers: make([][]byte, len(t.Steps))}
	last := len(t.Steps) - 1
	for i := range t.Steps {
		if i > 0 {
			next, err := sc.request(i)
			if err != nil {
				return nil, err
			}
			*req = next
		}
		buf := into
		if i < last {
			buf = c.rt.bodies.Get()
		}
		body, err := c.aps.Exchange(ctx, &req.Request, buf, &c.tally)
		if i < last {
			sc.answers[i] = append([]byte(nil), body...)
			c.rt.bodies.Put(buf)
		}
		if err != nil || i == last {
			return body, err
		}
	}
	return nil, nil // a validated tool has steps
}

func idempotentMethod(m string) bool {
	switch m {
	case "GET", "HEAD", "PUT", "DELETE":
		return true
	}
	return false
}

// stepOperations are the APS steps of t as the spec checker reads them:
// each one's path parameters, query, headers and body fields, and what
// the steps after it read of its answer (the last one's also the result).
func stepOperations(t *Tool) []specOperation {
	ops := make([]specOperation, len(t.Steps))
	for i := range t.Steps {
		s, prefix := &t.Steps[i], fmt.Sprintf("steps.%d.", i)
		op := specOperation{tool: specfacts.Tool{Name: t.Name, Method: s.Method, Path: s.Path}, fields: map[string]string{}, prefix: prefix}
		op.fields["method"], op.fields["path"] = prefix+"method", prefix+"path"
		for _, part := range s.pathParts {
			if part.param != "" {
				op.tool.Params = append(op.tool.Params, specfacts.Param{Name: part.param, In: specfacts.InPath, Required: true})
			}
		}
		for _, m := range []struct {
			in, field string
			refs      map[string]string
		}{{specfacts.InQuery, "query", s.Query}, {specfacts.InHeader, "headers", s.Headers}, {specfacts.InBody, "body", s.Body}} {
			for _, name := range sortedKeys(m.refs) {
				op.tool.Params = append(op.tool.Params, specfacts.Param{Name: name, In: m.in})
				op.fields["params."+name] = prefix + m.field + "." + name
			}
		}
		for field, text := range s.references() {
			if r := s.refs[text]; r.param == "" {
				for _, path := range reads(r.path, nil) {
					ops[r.step].tool.Reads = append(ops[r.step].tool.Reads, specfacts.Read{Field: prefix + field, Path: path})
				}
				ops[r.step].fields[prefix+field] = prefix + field
			}
		}
		ops[i] = op
	}
	if last := &ops[len(ops)-1]; t.Result != "" {
		for _, path := range reads(t.Result, nil) {
			last.tool.Reads = append(last.tool.Reads, specfacts.Read{Field: "result", Path: path})
		}
		last.fields["result"] = "result"
	}
	var aps []specOperation
	for i, op := range ops {
		if t.Steps[i].URL == "" {
			aps = append(aps, op)
		}
	}
	return aps
}

// Operations lists the requests a call of t makes, in order: "METHOD PATH"
// for the tool's one request or each step's, and for a step sent to a URL
// an answer handed out, where that URL comes from.
func (t *Tool) Operations() []string {
	if len(t.Steps) == 0 {
		return []string{t.Method + " " + t.Path}
	}
	ops := make([]string, len(t.Steps))
	for i, s := range t.Steps {
		ops[i] = s.Method + " " + s.Path
		if s.URL != "" {
			ops[i] = s.Method + " the URL at " + s.URL + " (without the APS token)"
		}
	}
	return ops
}
