package defaults

import (
	"fmt"
	"strings"
)

// Lines renders the table for --help: one aligned line per setting,
// "limits.request_timeout  30s  one HTTP request to APS, ...", without
// indentation or newline.
func Lines() []string {
	keyWidth, valueWidth := 0, 0
	for _, s := range table {
		keyWidth = max(keyWidth, len(s.Key))
		valueWidth = max(valueWidth, len(s.Text()))
	}
	out := make([]string, len(table))
	for i, s := range table {
		out[i] = fmt.Sprintf("%-*s  %-*s  %s", keyWidth, s.Key, valueWidth, s.Text(), s.Meaning)
	}
	return out
}

// Markdown renders the table for the generated docs: a header row and one
// row per setting, each line ending in a newline.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| setting | default | meaning |\n| --- | --- | --- |\n")
	for _, s := range table {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", s.Key, s.Text(), strings.ReplaceAll(s.Meaning, "|", "\\|"))
	}
	return b.String()
}
