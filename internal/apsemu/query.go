package apsemu

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// queryReader reads a handler's query parameters and keeps the first
// problem it meets, so a handler validates all of them and answers once.
type queryReader struct {
	q url.Values
	// detail is the 400 text of the first invalid parameter; empty while
	// every parameter read so far is valid.
	detail string
}

// newQueryReader reads c's query.
func newQueryReader(c *call) *queryReader { return &queryReader{q: c.query()} }

// fail records detail unless an earlier problem was recorded.
func (qr *queryReader) fail(detail string) {
	if qr.detail == "" {
		qr.detail = detail
	}
}

// valid reports whether every parameter read was valid, and otherwise
// answers 400 with the first problem through send.
func (qr *queryReader) valid(w http.ResponseWriter, send func(w http.ResponseWriter, detail string)) bool {
	if qr.detail != "" {
		send(w, qr.detail)
		return false
	}
	return true
}

// intParam reads an optional integer parameter, def when absent; a
// present value (even an empty one) must be an integer in lo..hi, else
// detail is the problem.
func (qr *queryReader) intParam(name string, def, lo, hi int, detail string) int {
	if !qr.q.Has(name) {
		return def
	}
	n, err := strconv.Atoi(qr.q.Get(name))
	if err != nil || n < lo || n > hi {
		qr.fail(detail)
	}
	return n
}

// listValues gathers a parameter's comma-separated values over all its
// occurrences; nil when the parameter is absent.
func listValues(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}
