package apsemu

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// Content types as APS sends them: the authentication service and the
// gateway answer plain application/json, OSS adds a charset.
const (
	contentTypeJSON    = "application/json"
	contentTypeOSSJSON = "application/json; charset=utf-8"
)

// gatewayMoreInfo is the moreInfo link every documented gateway error carries.
const gatewayMoreInfo = "https://aps.autodesk.com/en/docs/oauth/v2/developers_guide/error_handling/"

// gatewayError is the Apigee gateway body sent before a request reaches a
// service: bad or missing bearer tokens, missing scopes, unknown routes.
type gatewayError struct {
	DeveloperMessage string `json:"developerMessage"`
	MoreInfo         string `json:"moreInfo"`
	ErrorCode        string `json:"errorCode,omitempty"`
}

// ossError is the body OSS itself sends for 4xx answers.
type ossError struct {
	Reason string `json:"reason"`
}

// writeJSON encodes v as the whole response body. HTML escaping is off so
// object keys such as "R&D.dwg" appear literally, as a Java service sends them.
// The encoding goes straight to w (see answerWriter): a page of a large
// listing is not copied once more on its way out.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	aw := &answerWriter{w: w, status: status, contentType: contentType}
	enc := json.NewEncoder(aw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil && !aw.started {
		// Only our own response types reach here, and they always encode.
		http.Error(w, `{"reason":"internal error"}`, http.StatusInternalServerError)
	}
}

// answerWriter sends what a json.Encoder writes as an answer of status
// and contentType, without the newline the encoder ends each value with:
// the only newline byte in its output, since JSON strings escape theirs.
// The header goes out with the first write, which the encoder makes only
// once the whole value has encoded.
type answerWriter struct {
	w           http.ResponseWriter
	status      int
	contentType string
	started     bool
}

// Write sends b, less a trailing newline, after the header if it is the first.
func (a *answerWriter) Write(b []byte) (int, error) {
	if !a.started {
		a.started = true
		a.w.Header().Set("Content-Type", a.contentType)
		a.w.WriteHeader(a.status)
	}
	if _, err := a.w.Write(bytes.TrimSuffix(b, []byte("\n"))); err != nil {
		return 0, err
	}
	return len(b), nil
}

// writeOSSError sends an OSS {"reason": ...} body.
func writeOSSError(w http.ResponseWriter, status int, reason string) {
	writeJSON(w, status, contentTypeOSSJSON, ossError{Reason: reason})
}

// writeGatewayError sends a gateway body with the given code and message.
func writeGatewayError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, contentTypeJSON, gatewayError{DeveloperMessage: message, MoreInfo: gatewayMoreInfo, ErrorCode: code})
}

// writeGatewayNotFound answers a path no emulated service owns. APS's exact
// body here is unverified; the gateway shape without an errorCode is used.
func writeGatewayNotFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, contentTypeJSON, gatewayError{
		DeveloperMessage: "The requested resource does not exist.",
		MoreInfo:         gatewayMoreInfo,
	})
}

// writePage answers a browser with a small plain-text page. Callers never
// echo the request in text, so nothing the caller sent is rendered.
func writePage(w http.ResponseWriter, status int, text string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text+"\n")
}

// answer is an answer that sends text with status through send, for the
// tables of errors each API answers before any handler runs.
func answer(send func(w http.ResponseWriter, status int, text string), status int, text string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { send(w, status, text) }
}

// setAllow sets the Allow header RFC 9110 requires on a 405 answer.
func setAllow(w http.ResponseWriter, allowed ...string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
}
