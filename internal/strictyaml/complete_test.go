package strictyaml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckEnd(t *testing.T) {
	const missing = "without \"...\""
	tests := []struct {
		name, src string
		line      int    // of the problem; 0 for none
		message   string // part of it
	}{
		{"closed", "a: 1\n...\n", 0, ""},
		{"comments and blank lines after the marker", "a: 1\n...\n# the end\n\n", 0, ""},
		{"a comment on the marker's line", "a: 1\n... # end\n", 0, ""},
		{"an explicit start", "%YAML 1.2\n---\na: 1\n...\n", 0, ""},
		{"CRLF", "a: 1\r\n...\r\n", 0, ""},
		{"no final newline", "a: 1\n...", 0, ""},
		{"cut short", "a: 1\nb:\n  c: 2\n", 3, missing},
		{"cut in a comment", "a: 1\n# a comm\n\n", 2, missing},
		{"cut mid-line", "a: 1\nb: {c: 2,", 2, missing},
		{"empty", "", 1, missing},
		{"indented dots are content", "a: |\n  ...\n", 2, missing},
		{"content after the marker", "a: 1\n...\n\nb: 2\n", 4, `content after the end of the document ("..." on line 2)`},
		{"a second document", "a: 1\n---\nb: 2\n...\n", 2, "a second YAML document begins here"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := checkEnd("f.yaml", []byte(tc.src))
			switch {
			case tc.line == 0 && p != nil:
				t.Errorf("checkEnd = %v, want no problem", p)
			case tc.line != 0 && p == nil:
				t.Errorf("checkEnd = nil, want a problem at line %d", tc.line)
			case tc.line != 0 && (p.Line != tc.line || p.File != "f.yaml" || !strings.Contains(p.Message, tc.message)):
				t.Errorf("checkEnd = %v, want line %d and %q", p, tc.line, tc.message)
			}
		})
	}
}

func TestReadComplete(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}
	doc, err := ReadComplete(write("closed.yaml", "a:\n  b: 1\n...\n"))
	if err != nil || doc.Root == nil || len(doc.Root.Content) != 2 {
		t.Fatalf("ReadComplete of a closed file = %v, %v", doc, err)
	}
	cut := write("cut.yaml", "a:\n  b: [1,\n")
	_, err = ReadComplete(cut)
	ps, ok := AsProblems(err)
	if !ok || len(ps) != 1 || ps[0].Line != 2 || !strings.HasPrefix(ps[0].String(), cut+":2: the file ends here without") {
		t.Errorf("ReadComplete of a cut file = %v, want only the missing end at line 2", err)
	}
	if _, err := ReadComplete(filepath.Join(dir, "absent.yaml")); err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Errorf("ReadComplete of a missing file = %v", err)
	}
}
