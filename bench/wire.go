package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// wireConn is one keep-alive HTTP/1.1 connection that sends prepared
// requests and reads answers with as little work as wrk does: Go's
// net/http client costs about as much CPU per request as the server
// under test spends on a whole MCP call's HTTP handling, and on a
// 2-core machine that CPU comes out of the server's share.
type wireConn struct {
	conn net.Conn
	r    *bufio.Reader
	req  bytes.Buffer // the request being sent
	body bytes.Buffer // the last answer's body
	host string
}

// wireAnswer is what one exchange returned; body and sessionID are only
// valid until the next exchange.
type wireAnswer struct {
	status      int
	contentType string
	sessionID   string
	body        []byte
}

func dialWire(ctx context.Context, hostPort string) (*wireConn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", hostPort)
	if err != nil {
		return nil, err
	}
	return &wireConn{conn: conn, r: bufio.NewReaderSize(conn, 64<<10), host: hostPort}, nil
}

// exchange sends one request to path with the given extra headers (name,
// value pairs) and body, and reads the whole answer.
func (w *wireConn) exchange(ctx context.Context, method, path string, headers []string, body []byte) (wireAnswer, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(callTimeout)
	}
	if err := w.conn.SetDeadline(deadline); err != nil {
		return wireAnswer{}, err
	}
	b := &w.req
	b.Reset()
	b.WriteString(method + " " + path + " HTTP/1.1\r\nHost: " + w.host + "\r\n")
	for i := 0; i+1 < len(headers); i += 2 {
		b.WriteString(headers[i] + ": " + headers[i+1] + "\r\n")
	}
	b.WriteString("Content-Length: ")
	b.WriteString(strconv.Itoa(len(body)))
	b.WriteString("\r\n\r\n")
	b.Write(body)
	if _, err := w.conn.Write(b.Bytes()); err != nil {
		return wireAnswer{}, err
	}
	return w.readAnswer()
}

var errBadAnswer = errors.New("malformed HTTP answer")

func (w *wireConn) readAnswer() (wireAnswer, error) {
	var a wireAnswer
	line, err := w.line()
	if err != nil {
		return a, err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return a, fmt.Errorf("%w: status line %q", errBadAnswer, line)
	}
	if a.status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return a, fmt.Errorf("%w: status line %q", errBadAnswer, line)
	}
	length, chunked := -1, false
	for {
		line, err := w.line()
		if err != nil {
			return a, err
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return a, fmt.Errorf("%w: header line %q", errBadAnswer, line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "Content-Length"):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return a, fmt.Errorf("%w: Content-Length %q", errBadAnswer, value)
			}
		case asciiEqualFold(name, "Transfer-Encoding"):
			chunked = string(value) == "chunked"
		case asciiEqualFold(name, "Content-Type"):
			a.contentType = string(value)
		case asciiEqualFold(name, "Mcp-Session-Id"):
			a.sessionID = string(value)
		}
	}
	w.body.Reset()
	switch {
	case chunked:
		for {
			line, err := w.line()
			if err != nil {
				return a, err
			}
			size, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
			if err != nil || size < 0 {
				return a, fmt.Errorf("%w: chunk size %q", errBadAnswer, line)
			}
			if size == 0 {
				if _, err := w.line(); err != nil { // the empty trailer
					return a, err
				}
				break
			}
			if _, err := io.CopyN(&w.body, w.r, size); err != nil {
				return a, err
			}
			if _, err := w.line(); err != nil {
				return a, err
			}
		}
	case length >= 0:
		if _, err := io.CopyN(&w.body, w.r, int64(length)); err != nil {
			return a, err
		}
	default:
		return a, fmt.Errorf("%w: answer without a length (a stream?), status %d", errBadAnswer, a.status)
	}
	a.body = w.body.Bytes()
	return a, nil
}

// line reads one CRLF-terminated line, without its ending.
func (w *wireConn) line() ([]byte, error) {
	line, err := w.r.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")), nil
}

func (w *wireConn) close() { _ = w.conn.Close() }

func asciiEqualFold(b []byte, s string) bool {
	return len(b) == len(s) && bytes.EqualFold(b, []byte(s))
}
