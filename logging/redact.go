// Package logging keeps secrets out of logs and tool results: a Redactor
// that removes values shaped like tokens (JWTs, Bearer or Basic
// credentials) and the literal secret values the server knows (client
// secret, service-account key), and a slog.Handler that applies it at
// every level and also redacts attributes whose names say they hold a
// secret.
package logging

import (
	"context"
	"log/slog"
	"strings"
)

// Redacted replaces whatever was removed.
const Redacted = "[REDACTED]"

// secretKeys are attribute-name fragments whose values are never logged.
var secretKeys = []string{"token", "secret", "password", "authorization", "assertion", "verifier", "private_key", "privatekey", "api_key", "apikey", "cookie"}

// Handler wraps another slog.Handler and redacts before it writes.
type Handler struct {
	inner slog.Handler
	r     *Redactor
}

// NewHandler returns a Handler that redacts secrets (plus token shapes and
// secret-named attributes) from everything logged through inner.
func NewHandler(inner slog.Handler, secrets ...string) *Handler {
	return &Handler{inner: inner, r: NewRedactor(secrets...)}
}

// Redactor returns the Redactor h applies, for what else must keep the
// same secrets out (tool results).
func (h *Handler) Redactor() *Redactor { return h.r }

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
	return &Handler{inner: h.inner.WithAttrs(clean), r: h.r}
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{inner: h.inner.WithGroup(name), r: h.r}
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

func (h *Handler) redactString(s string) string { return h.r.String(s) }

func isSecretKey(key string) bool {
	k := strings.ToLower(key)
	for _, frag := range secretKeys {
		if strings.Contains(k, frag) {
			return true
		}
	}
	return false
}
