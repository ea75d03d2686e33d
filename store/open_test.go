package store_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/store"
)

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestOpenMemory(t *testing.T) {
	for _, url := range []string{"", "memory"} {
		s, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatalf("Open(%q): %v", url, err)
		}
		if _, ok := s.(*store.Memory); !ok || s.Durable() {
			t.Errorf("Open(%q) = %T durable=%v, want a memory store", url, s, s.Durable())
		}
		s.Close()
	}
}

func TestOpenErrors(t *testing.T) {
	const secret = "s3cr3tPa55"
	down := closedPort(t)
	tests := []struct {
		name, url string
		want      []string // all must appear in the error
	}{
		{"no scheme", "localhost:6379", []string{"no scheme", "redis://"}},
		{"password without scheme", secret, []string{"no scheme"}},
		{"bad scheme", "http://localhost:6379", []string{`"http"`, "redis://"}},
		{"unix scheme", "unix:///run/redis.sock", []string{`"unix"`}},
		{"db not a number", "redis://localhost:6379/zero", []string{"database number"}},
		{"db negative", "redis://localhost:6379/-1", []string{"database number"}},
		{"db two segments", "redis://localhost:6379/1/2", []string{"database number"}},
		{"no host", "redis:///0", []string{"no host"}},
		{"unknown option", "redis://localhost:6379/0?colour=red", []string{"colour"}},
		{"password in a bad db", "redis://user:" + secret + "@localhost:6379/x" + secret, []string{"database number"}},
		{"password in an unparsable URL", "redis://user:" + secret + "/x@localhost:6379/0", []string{"does not parse", "percent-encoded"}},
		{"password echoed by go-redis", "redis://user:" + secret + "@localhost:6379/0?dial_timeout=" + secret, []string{"dial_timeout", "REDACTED"}},
		{"password in query", "redis://localhost:6379/0?password=" + secret, []string{"password"}},
		{"unreachable", "redis://user:" + secret + "@" + down + "/0", []string{down + "/0", "PING"}},
		{"unreachable tls", "rediss://:" + secret + "@" + down + "/3", []string{down + "/3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := store.Open(context.Background(), tt.url)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded", tt.url)
			}
			msg := err.Error()
			if strings.Contains(msg, secret) {
				t.Fatalf("error echoes the password: %s", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
		})
	}
}
