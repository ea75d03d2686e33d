// Package needs gives tests what lives outside the repository, such as
// Autodesk's specs checked out beside it, and decides what a test does
// when that is missing: on a developer's machine it is skipped, under CI
// it fails. CI provides everything the suite needs, so a skip there would
// report a test that never ran as passed.
package needs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Missing skips t because what it needs is missing, or fails it when the
// environment variable CI is set.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (CI is set, so the test fails instead of skipping)", what)
		return // for a testing.TB whose Fatalf returns
	}
	t.Skipf("skipping: %s", what)
}

// APSSpecs returns Autodesk's OpenAPI specs and examples, the folder
// shared/aps-openapi beside the repository's root, or calls Missing.
func APSSpecs(t testing.TB) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return specsBeside(t, root)
}

// specsBeside returns shared/aps-openapi beside root, or calls Missing.
func specsBeside(t testing.TB, root string) string {
	t.Helper()
	dir := filepath.Join(filepath.Dir(root), "shared", "aps-openapi")
	if _, err := os.Stat(dir); err != nil {
		Missing(t, "the APS specs are not at "+dir+" (CI checks ../shared out beside the clone)")
	}
	return dir
}

// repoRoot is the nearest folder at or above the working directory (a
// test's package folder) that holds go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("needs: no go.mod at or above the working directory")
		}
		dir = parent
	}
}
