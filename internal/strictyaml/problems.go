package strictyaml

import (
	"errors"
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a configuration file.
type Problem struct {
	File    string // path of the file as given
	Line    int    // 1-based; 0 when unknown
	Subject string // what it is about, e.g. "tool list_objects" or "profile 2lo"
	Field   string // dotted field path inside the subject, e.g. "params.bucket_key.pattern"
	Message string
}

// String formats the problem as "file:line: subject: field F: message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	if p.Subject != "" {
		b.WriteString(p.Subject)
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString("field ")
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is a list of problems that is also an error. Load functions return
// it so a caller can print every problem at once.
type Problems []Problem

// Error joins every problem on its own line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Sort orders problems by file and line, so output is stable.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
}

// AsProblems returns the problems inside err, if it holds any.
func AsProblems(err error) (Problems, bool) {
	var ps Problems
	if errors.As(err, &ps) {
		return ps, true
	}
	return nil, false
}

// Lines flattens err, joined errors and Problems included, into one line
// per problem.
func Lines(err error) []string {
	var lines []string
	var walk func(error)
	walk = func(err error) {
		if ps, ok := err.(Problems); ok {
			for _, p := range ps {
				lines = append(lines, p.String())
			}
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		lines = append(lines, err.Error())
	}
	walk(err)
	return lines
}
