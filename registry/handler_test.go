package registry

import (
	"strings"
	"testing"
)

// TestRuntimeZeroFields: a Runtime without Logger and Metrics serves
// calls (they log and record nothing), and one without what every call
// needs fails when its handler is built, not at the first call.
func TestRuntimeZeroFields(t *testing.T) {
	srv := pagedAPS(t, 3)
	rt, c := pagedRuntime(t, srv, Limits{})
	rt.Logger, rt.Metrics = nil, nil
	if l, res := callList(t, rt, c.Tools["list_next"], nil); res.IsError || l.Count != 3 {
		t.Fatalf("without a logger: %d items, error %v", l.Count, res.IsError)
	}
	for _, tc := range []struct {
		name  string
		strip func(*Runtime)
	}{
		{"no auth", func(rt *Runtime) { rt.Auth = nil }},
		{"no client", func(rt *Runtime) { rt.HTTP = nil }},
		{"no host", func(rt *Runtime) { rt.BaseURL = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt, c := pagedRuntime(t, srv, Limits{})
			tc.strip(rt)
			defer func() {
				if msg, _ := recover().(string); !strings.Contains(msg, "Runtime needs BaseURL, HTTP and Auth") {
					t.Errorf("Handler recovered %q, want a panic naming what is missing", msg)
				}
			}()
			rt.Handler(c.Tools["list_next"])
		})
	}
}
