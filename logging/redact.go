// Package logging keeps secrets out of logs: a slog.Handler that redacts
// attributes whose names say they hold a secret, values shaped like tokens
// (JWTs, Bearer or Basic credentials), and the literal secret values the
// server knows (client secret, service-account key), at every level.
package logging

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
)

// Redacted replaces whatever was removed.
const Redacted = "[REDACTED]"

// secretKeys are attribute-name fragments whose values are never logged.
var secretKeys = []string{"token", "secret", "password", "authorization", "assertion", "verifier", "private_key", "privatekey", "api_key", "apikey", "cookie"}

// tokenShapes match credentials wherever they appear inside a value.
var tokenShapes = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*|(?i:bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}`)

// minSecret is the shortest literal secret worth matching; shorter values
// would blank out ordinary words.
const minSecret = 6

// Handler wraps another slog.Handler and redacts before it writes.
type Handler struct {
	inner   slog.Handler
	secrets []string
}

// NewHandler returns a Handler that redacts secrets (plus token shapes and
// secret-named attributes) from everything logged through inner.
func NewHandler(inner slog.Handler, secrets ...string) *Handler {
	h := &Handler{inner: inner}
	for _, s := range secrets {
		if len(s) >= minSecret {
			h.secrets = append(h.secrets, s)
		}
	}
	return h
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	clean := slog.NewRecord(r.Time, r.Level, h.redactString(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		clean.AddAttrs(h.redactAttr(a))
		return true
	})
	return h.inner.Handle(ctx, clean)
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.redactAttr(a)
	}
	return &Handler{inner: h.inner.WithAttrs(clean), secrets: h.secrets}
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{inner: h.inner.WithGroup(name), secrets: h.secrets}
}

func (h *Handler) redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	if isSecretKey(a.Key) {
		return slog.String(a.Key, Redacted)
	}
	switch v.Kind() {
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = h.redactAttr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindString:
		return slog.String(a.Key, h.redactString(v.String()))
	case slog.KindAny:
		// errors, Stringers, structs: judge them by their text.
		return slog.String(a.Key, h.redactString(v.String()))
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func (h *Handler) redactString(s string) string {
	for _, secret := range h.secrets {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, Redacted)
		}
	}
	return tokenShapes.ReplaceAllString(s, Redacted)
}

func isSecretKey(key string) bool {
	k := strings.ToLower(key)
	for _, frag := range secretKeys {
		if strings.Contains(k, frag) {
			return true
		}
	}
	return false
}
