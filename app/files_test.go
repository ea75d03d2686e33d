package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWhichCatalogueWins: --tools is the only catalogue when given;
// otherwise the working directory's tools.yaml wins over the built-in one.
// The served files are watched, the built-in ones are not and the log
// says so.
func TestWhichCatalogueWins(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile(filepath.Join(root, "tools.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	builtin := os.DirFS(root)
	t.Chdir(t.TempDir())
	opts := Options{Builtin: builtin, Profile: "2lo", Emulator: true}

	loaded, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := loaded.Catalog.File + " " + loaded.Profile.File; got != "tools.yaml (built in) profiles/2lo.yaml (built in)" {
		t.Errorf("from an empty directory the files are %s, want the built-in ones", got)
	}
	logs := startLogged(t, opts)
	if !strings.Contains(logs, "not watching the built-in files") || !strings.Contains(logs, `files="tools.yaml (built in), profiles/2lo.yaml (built in)"`) {
		t.Errorf("the log does not say the built-in files are not watched:\n%s", logs)
	}

	local := bytes.Replace(shipped, []byte("title: List buckets"), []byte("title: Our buckets"), 1)
	if err := os.WriteFile("tools.yaml", local, 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err = Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Catalog.File != "tools.yaml" || loaded.Catalog.Tools["list_buckets"].Title != "Our buckets" {
		t.Errorf("the working directory's tools.yaml must win: read %s, title %q", loaded.Catalog.File, loaded.Catalog.Tools["list_buckets"].Title)
	}
	if logs := startLogged(t, opts); !strings.Contains(logs, `files="profiles/2lo.yaml (built in)"`) {
		t.Errorf("only the profile is built in now:\n%s", logs)
	}

	opts.ToolsFile = "absent.yaml"
	if _, err := Load(opts); err == nil || !strings.Contains(err.Error(), "absent.yaml: cannot read") {
		t.Errorf("a named catalogue that is missing must fail, not fall back: %v", err)
	}
}

// startLogged starts an app with opts and returns what it logged.
func startLogged(t *testing.T, opts Options) string {
	t.Helper()
	var buf lockedBuffer
	opts.Logger = slog.New(slog.NewTextHandler(&buf, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := New(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	return buf.String()
}

// lockedBuffer is a log's buffer the app's goroutines may write at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
