package logging

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestHandlerRedacts(t *testing.T) {
	const secret = "s3cr3t-client-value"
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	tests := []struct {
		name string
		log  func(l *slog.Logger)
		gone []string
		kept []string
	}{
		{"secret-named attribute", func(l *slog.Logger) { l.Info("x", "access_token", "abc123456", "client_secret", "zzz") }, []string{"abc123456", "zzz"}, []string{"access_token=" + Redacted}},
		{"JWT in a message", func(l *slog.Logger) { l.Info("got " + jwt) }, []string{jwt}, []string{"got " + Redacted}},
		{"bearer in an error", func(l *slog.Logger) { l.Error("failed", "error", errors.New("header Bearer abcdefghijkl rejected")) }, []string{"abcdefghijkl"}, []string{"rejected"}},
		{"basic credentials", func(l *slog.Logger) { l.Debug("req", "hdr", "Basic dXNlcjpwYXNzd29yZA==") }, []string{"dXNlcjpwYXNzd29yZA=="}, nil},
		{"known secret anywhere", func(l *slog.Logger) { l.Warn("w", "detail", "the value "+secret+" leaked") }, []string{secret}, []string{"the value " + Redacted + " leaked"}},
		{"groups and WithAttrs", func(l *slog.Logger) {
			l.With("refresh_token", "rt-1234567").WithGroup("g").Info("m", slog.Group("inner", "authorization", "Basic xyzxyzxyz1"))
		}, []string{"rt-1234567", "xyzxyzxyz1"}, nil},
		{"ordinary values untouched", func(l *slog.Logger) { l.Info("tool call", "tool", "list_objects", "items", 263) }, nil, []string{"tool=list_objects", "items=263"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := slog.New(NewHandler(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), secret, "abc"))
			tc.log(l)
			out := buf.String()
			for _, g := range tc.gone {
				if strings.Contains(out, g) {
					t.Errorf("log still holds %q: %s", g, out)
				}
			}
			for _, k := range tc.kept {
				if !strings.Contains(out, k) {
					t.Errorf("log lacks %q: %s", k, out)
				}
			}
		})
	}
}
