package specfacts_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/aps-mcp/aps-mcp/internal/needs"
	"github.com/aps-mcp/aps-mcp/specfacts"
	"github.com/aps-mcp/aps-mcp/specfacts/internal/extract"
)

func TestFactsAreFresh(t *testing.T) {
	facts, err := extract.Dir(needs.APSSpecs(t))
	if err != nil {
		t.Fatal(err)
	}
	want, err := extract.Encode(facts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("facts.json")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gotLines), len(wantLines)) {
		var g, w string
		if i < len(gotLines) {
			g = gotLines[i]
		}
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if g != w {
			t.Fatalf("facts.json is stale; run `go generate ./specfacts` and commit it.\nfirst difference, line %d:\ncommitted:   %s\nregenerated: %s", i+1, g, w)
		}
	}
}

func TestLoad(t *testing.T) {
	f, err := specfacts.Load()
	if err != nil {
		t.Fatal(err)
	}
	perFile := map[string]int{}
	for _, op := range f.Operations {
		perFile[op.File]++
	}
	// Each spec file contributes operations; a missing file would mean the
	// generator silently skipped it.
	for _, file := range []string{"Issues.yaml", "authentication.yaml", "datamanagement.yaml", "modelderivative.yaml", "oss.yaml", "secureServiceAccount.yaml", "accountadmin.yaml", "webhooks.yaml"} {
		if perFile[file] == 0 {
			t.Errorf("no operations from %s", file)
		}
	}

	// The NOTES §8.6 correction moved getVersionRelationshipsLinks under
	// /data/v1 and says so in the operation's fixes.
	ops := f.Lookup("GET", "/data/v1/projects/{p}/versions/{v}/relationships/links")
	if len(ops) != 1 || ops[0].OperationID != "getVersionRelationshipsLinks" || len(ops[0].Fixes) == 0 {
		t.Errorf("corrected getVersionRelationshipsLinks: got %+v", ops)
	}
	if ops := f.Lookup("GET", "/projects/{p}/versions/{v}/relationships/links"); len(ops) != 0 {
		t.Errorf("uncorrected path still present: %+v", ops)
	}
}
