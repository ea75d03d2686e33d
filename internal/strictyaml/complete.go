package strictyaml

import (
	"fmt"
	"strings"
)

// ReadComplete reads and parses file like ReadFile, for a file that must
// show it is complete: its last line that is neither blank nor a comment
// is "...", YAML's end-of-document marker. A file cut short, or caught
// while it is being written, lacks it; it is refused before it is parsed,
// with the line where it stops, since what it holds says nothing of what
// its writer meant (a mapping cut between two keys is valid YAML).
func ReadComplete(file string) (*Document, error) { return Source{Path: file}.ReadComplete() }

// checkEnd returns the problem with how data ends, or nil when it is one
// document closed by "...": nothing but comments may follow the marker,
// and no second document may begin before it (YAML would read the first
// one only, and drop the rest without a word).
func checkEnd(file string, data []byte) *Problem {
	lines := strings.Split(string(data), "\n")
	content, last := false, 0 // whether a line of content came yet; the last non-blank line
	for i, line := range lines {
		n, text := i+1, strings.TrimSpace(line)
		switch {
		case text == "":
			continue
		case isMarker(line, "..."):
			if j := nextContent(lines, i+1); j > 0 {
				return &Problem{File: file, Line: j, Message: fmt.Sprintf(
					"content after the end of the document (%q on line %d); keep %q as the last line", "...", n, "...")}
			}
			return nil
		case isMarker(line, "---") && content:
			return &Problem{File: file, Line: n, Message: "a second YAML document begins here; the file must hold one"}
		case !strings.HasPrefix(text, "#") && !strings.HasPrefix(text, "%"):
			content = true
		}
		last = n
	}
	return &Problem{File: file, Line: max(last, 1), Message: fmt.Sprintf(
		"the file ends here without %q, YAML's end-of-document marker, so it may be cut short or still being written; "+
			"if it is complete, end it with a line %q", "...", "...")}
}

// isMarker reports whether line is the document marker m ("..." or
// "---"), which YAML recognizes only at the start of a line.
func isMarker(line, m string) bool {
	rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), m)
	return ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t')
}

// nextContent returns the 1-based number of the first line from index i
// on that is neither blank nor a comment, or 0.
func nextContent(lines []string, i int) int {
	for ; i < len(lines); i++ {
		if text := strings.TrimSpace(lines[i]); text != "" && !strings.HasPrefix(text, "#") {
			return i + 1
		}
	}
	return 0
}
