package strictyaml

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestSourceNamesBuiltInFiles: problems in a built-in file say so, so a
// user does not hunt for a file of theirs.
func TestSourceNamesBuiltInFiles(t *testing.T) {
	builtin := fstest.MapFS{"tools.yaml": {Data: []byte("a: 1\n")}, "ok.yaml": {Data: []byte("a: 1\n...\n")}}
	for _, tc := range []struct {
		name string
		read func() (*Document, error)
		want string // the problem, or "" for none
	}{
		{"cut short", Source{FS: builtin, Path: "tools.yaml"}.ReadComplete, "tools.yaml (built in):1: the file ends here without"},
		{"complete", Source{FS: builtin, Path: "ok.yaml"}.ReadComplete, ""},
		{"missing", Source{FS: builtin, Path: "absent.yaml"}.Read, "absent.yaml (built in): cannot read: no such file"},
		{"missing on disk", Source{Path: t.TempDir() + "/absent.yaml"}.Read, "absent.yaml: cannot read: no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := tc.read()
			switch {
			case tc.want == "" && (err != nil || doc == nil):
				t.Errorf("got %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	if s := (Source{FS: builtin, Path: "ok.yaml"}); !s.Exists() || (Source{FS: builtin, Path: "no.yaml"}).Exists() {
		t.Error("Exists is wrong for built-in files")
	}
}
