package apsemu

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
)

// The hostile answers of Faults: what a broken or malicious upstream (or
// something in the way) sends, which APS itself does not. The emulator
// plays them so tests can prove the client refuses each one.

// answerHostile sends the hostile answer f asks for, if any, and reports
// whether it did.
func (e *Emulator) answerHostile(w http.ResponseWriter, r *http.Request, f Faults) bool {
	switch {
	case f.RedirectTo != "":
		status := http.StatusFound
		if r.Method == http.MethodPost {
			status = http.StatusTemporaryRedirect
		}
		w.Header().Set("Location", f.RedirectTo+r.URL.RequestURI())
		w.WriteHeader(status)
	case f.EchoCredentials:
		writeEcho(w, r)
	case f.GzipBombBytes > 0:
		body := e.gzipBomb(f.GzipBombBytes)
		w.Header().Set("Content-Type", contentTypeJSON)
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	default:
		return false
	}
	return true
}

// maxEchoedForm bounds how much of a form writeEcho reads and quotes.
const maxEchoedForm = 64 << 10

// writeEcho answers 401 quoting the request's credentials: what an error
// page that prints the request it refused would send.
func writeEcho(w http.ResponseWriter, r *http.Request) {
	var carried []string
	if a := r.Header.Get("Authorization"); a != "" {
		carried = append(carried, "Authorization: "+a)
	}
	if id, secret, ok := r.BasicAuth(); ok {
		carried = append(carried, "client "+id+":"+secret)
	}
	if r.Method == http.MethodPost {
		if form, _ := io.ReadAll(io.LimitReader(r.Body, maxEchoedForm)); len(form) > 0 {
			carried = append(carried, "form "+string(form))
		}
	}
	msg := "Refused the request that carried " + strings.Join(carried, "; ")
	if len(carried) == 0 {
		msg = "Refused a request that carried no credentials"
	}
	if strings.HasPrefix(r.URL.Path, authPathPrefix) {
		writeOAuthError(w, &oauthError{status: http.StatusUnauthorized, Code: "invalid_client", Description: msg})
		return
	}
	writeGatewayError(w, http.StatusUnauthorized, codeInvalidToken, msg)
}

// gzipBomb is a compressed body and the size it inflates to.
type gzipBomb struct {
	size int64
	body []byte
}

// gzipBomb returns a gzip body that inflates to size bytes of JSON,
// building it once per size. The body is a series of gzip members (RFC
// 1952 §2.2; readers inflate them as one stream): the head, the same
// compressed megabyte of spaces over and over, the rest, the tail. So
// building it compresses a megabyte, not hundreds.
func (e *Emulator) gzipBomb(size int64) []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.bomb.size == size {
		return e.bomb.body
	}
	const head, tail, chunk = `{"items":[],"results":[],"data":[]`, `}`, 1 << 20
	pad := max(size-int64(len(head)+len(tail)), 0)
	body := gzipMember([]byte(head))
	spaces := bytes.Repeat([]byte{' '}, chunk)
	whole := gzipMember(spaces)
	for ; pad >= chunk; pad -= chunk {
		body = append(body, whole...)
	}
	body = append(body, gzipMember(spaces[:pad])...)
	body = append(body, gzipMember([]byte(tail))...)
	e.bomb = gzipBomb{size: size, body: body}
	return body
}

// gzipMember is b compressed as one gzip member.
func gzipMember(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(b)
	_ = zw.Close() // writes to a bytes.Buffer do not fail
	return buf.Bytes()
}

// cuttingWriter holds a request's answer and sends it once served, a
// successful one cut to half its bytes with a Content-Length to match.
type cuttingWriter struct {
	w      http.ResponseWriter
	cuts   *atomic.Int64 // counts the answers cut
	status int
	body   bytes.Buffer
}

// Header is the answer's header, sent when finish does.
func (c *cuttingWriter) Header() http.Header { return c.w.Header() }

// WriteHeader records the first status written.
func (c *cuttingWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

// Write holds b back until finish.
func (c *cuttingWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// finish sends the answer, cut short if it succeeded.
func (c *cuttingWriter) finish() {
	status, body := c.status, c.body.Bytes()
	if status == 0 {
		status = http.StatusOK
	}
	if status/100 == 2 && len(body) > 1 {
		body = body[:len(body)/2]
		c.cuts.Add(1)
	}
	c.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(status)
	_, _ = c.w.Write(body)
}
