package e2e_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/aps-mcp/aps-mcp/app"
)

// The coverage check: when the whole package runs, every tool of the
// shipped catalogue must have answered at least one call successfully
// over the MCP wire, against the emulator. Calls are recorded where they
// are served, so any test counts without a list kept by hand: in-process
// servers (startServer and the other harnesses) log each call through
// recordingLogger, and callToolErr records what the binary answered over
// stdio or HTTP.

// exercised holds the names of the tools that answered a call without a
// tool error.
var exercised sync.Map

// recordSuccess notes that tool answered a call successfully.
func recordSuccess(tool string) { exercised.Store(tool, true) }

// recordingLogger is a logger that hands every record to inner and notes
// each successful tool call the registry's handler logs ("tool call",
// outcome ok). A nil inner logs nothing else.
func recordingLogger(inner *slog.Logger) *slog.Logger {
	h := slog.Handler(slog.DiscardHandler)
	if inner != nil {
		h = inner.Handler()
	}
	return slog.New(callRecorder{h})
}

// callRecorder is the slog.Handler of recordingLogger.
type callRecorder struct{ inner slog.Handler }

func (h callRecorder) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelInfo || h.inner.Enabled(ctx, l)
}

func (h callRecorder) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "tool call" {
		var tool, outcome string
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "tool":
				tool = a.Value.String()
			case "outcome":
				outcome = a.Value.String()
			}
			return true
		})
		if outcome == "ok" {
			recordSuccess(tool)
		}
	}
	if !h.inner.Enabled(ctx, r.Level) {
		return nil
	}
	return h.inner.Handle(ctx, r)
}

func (h callRecorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	return callRecorder{h.inner.WithAttrs(attrs)}
}

func (h callRecorder) WithGroup(name string) slog.Handler {
	return callRecorder{h.inner.WithGroup(name)}
}

// wholePackageRan reports whether no -run or -skip filter narrowed the run
// (and -list did not replace it), so every test of the package had its
// chance to call its tools.
func wholePackageRan() bool {
	for _, name := range []string{"test.run", "test.skip", "test.list"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}

// neverExercised checks the coverage after a whole run: the tools of the
// shipped catalogue no call reached successfully, as a message, or "".
func neverExercised() string {
	catalog, err := app.LoadCatalog(filepath.Join(repoRoot, "tools.yaml"))
	if err != nil {
		return fmt.Sprintf("coverage check: loading the catalogue: %v", err)
	}
	var missing []string
	for _, name := range catalog.Names() {
		if _, ok := exercised.Load(name); !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	sort.Strings(missing)
	return fmt.Sprintf("coverage check: %d of %d catalogue tools were never called successfully over the MCP wire "+
		"against the emulator by any test of this package: %s", len(missing), len(catalog.Tools), strings.Join(missing, ", "))
}
