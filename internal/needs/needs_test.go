package needs

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records how a test would have ended.
type recorder struct {
	testing.TB
	failed, skipped string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Fatalf(format string, a ...any) { r.failed = fmt.Sprintf(format, a...) }
func (r *recorder) Skipf(format string, a ...any)  { r.skipped = fmt.Sprintf(format, a...) }

func TestMissingFailsUnderCI(t *testing.T) {
	for _, ci := range []string{"", "true", "1"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			r := &recorder{TB: t}
			Missing(r, "the thing is not there")
			if ci == "" && (r.skipped == "" || r.failed != "") {
				t.Errorf("without CI: skipped %q, failed %q; want a skip", r.skipped, r.failed)
			}
			if ci != "" && (r.failed == "" || r.skipped != "") {
				t.Errorf("with CI=%s: skipped %q, failed %q; want a failure", ci, r.skipped, r.failed)
			}
		})
	}
}

func TestSpecsBeside(t *testing.T) {
	t.Setenv("CI", "true")
	parent := t.TempDir()
	root := filepath.Join(parent, "repo")

	r := &recorder{TB: t}
	specsBeside(r, root)
	if r.failed == "" {
		t.Errorf("without %s/shared/aps-openapi, under CI: no failure", parent)
	}

	want := filepath.Join(parent, "shared", "aps-openapi")
	if err := os.MkdirAll(want, 0o700); err != nil {
		t.Fatal(err)
	}
	r = &recorder{TB: t}
	if got := specsBeside(r, root); got != want || r.failed != "" || r.skipped != "" {
		t.Errorf("specsBeside = %q (failed %q, skipped %q), want %q", got, r.failed, r.skipped, want)
	}
}

func TestRepoRoot(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	// Tests run in their package's folder, here internal/needs.
	if want := filepath.Dir(filepath.Dir(wd)); root != want {
		t.Errorf("repoRoot = %s, want %s", root, want)
	}
}
