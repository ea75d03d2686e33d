package redistest

import (
	"strings"
	"testing"
)

func TestStartStopRestart(t *testing.T) {
	s := StartServer(t)
	if !strings.HasPrefix(s.URL(), "redis://127.0.0.1:") || !strings.HasSuffix(s.URL(), "/0") {
		t.Fatalf("URL = %q, want redis://127.0.0.1:PORT/0", s.URL())
	}
	if err := ping(s.Addr()); err != nil {
		t.Fatalf("started server does not answer: %v", err)
	}
	addr := s.Addr()
	s.Stop()
	if err := ping(addr); err == nil {
		t.Fatal("stopped server still answers PING")
	}
	s.Stop() // a second Stop must be harmless
	s.Restart()
	if s.Addr() != addr {
		t.Fatalf("restarted on %s, want the same address %s", s.Addr(), addr)
	}
	if err := ping(s.Addr()); err != nil {
		t.Fatalf("restarted server does not answer: %v", err)
	}
}

func TestTwoServersGetTwoPorts(t *testing.T) {
	a, b := Start(t), Start(t)
	if a == b {
		t.Fatalf("two servers share the URL %s", a)
	}
}
