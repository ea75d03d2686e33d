package main

import (
	"fmt"
	"strings"
)

// partMarker starts each section of the Markdown report, naming its part,
// so that a run of some parts (-only) replaces their sections alone.
const partMarker = "<!-- bench part: "

// summaryPart is the part of the summary table, whose rows come from the
// startup, load and large parts together.
const summaryPart = "summary"

// markdownSection is t as a Markdown section, starting with its part's
// marker; from, when set, says which run measured it.
func markdownSection(t table, from string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s -->\n## %s\n\n", partMarker, t.part, t.title)
	if from != "" {
		b.WriteString(from + "\n\n")
	}
	b.WriteString("| " + strings.Join(t.header, " | ") + " |\n|")
	for _, right := range t.right {
		if right {
			b.WriteString(" ---: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for _, row := range t.rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	if len(t.notes) > 0 {
		b.WriteString("\n")
		for _, n := range t.notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	b.WriteString("\n")
	return b.String()
}

// mergeMarkdown is the Markdown report old with this run's sections in
// place of the sections of the same parts: where the first of those was,
// or at the end. Sections of other parts, and unmarked ones, stay; so
// does the summary unless the run has every part that fills it.
func (r *report) mergeMarkdown(old []byte) []byte {
	from := fmt.Sprintf("Measured by a run of these parts alone: `%s` (%s).", r.command, machine())
	fresh := map[string][]string{}
	var order []string
	for _, t := range r.tables() {
		if t.part == summaryPart && !(r.opts.runs("startup") && r.opts.runs("load") && r.opts.runs("large")) {
			continue // the summary gathers rows of several parts: a run of some would leave out the others'
		}
		if _, ok := fresh[t.part]; !ok {
			order = append(order, t.part)
		}
		fresh[t.part] = append(fresh[t.part], markdownSection(t, from))
	}
	var out strings.Builder
	placed := map[string]bool{}
	for _, chunk := range splitSections(string(old)) {
		part, marked := chunkPart(chunk)
		if _, replaced := fresh[part]; !marked || !replaced {
			out.WriteString(chunk)
			continue
		}
		if !placed[part] {
			out.WriteString(strings.Join(fresh[part], ""))
			placed[part] = true
		}
	}
	for _, part := range order {
		if !placed[part] {
			out.WriteString(strings.Join(fresh[part], ""))
		}
	}
	return []byte(out.String())
}

// splitSections cuts a Markdown report before each part marker and each
// "## " heading not right after one: the text before the first section,
// then one chunk per section.
func splitSections(doc string) []string {
	var chunks []string
	start := 0
	lines := strings.SplitAfter(doc, "\n")
	at := 0
	for i, line := range lines {
		begins := strings.HasPrefix(line, partMarker) ||
			strings.HasPrefix(line, "## ") && (i == 0 || !strings.HasPrefix(lines[i-1], partMarker))
		if begins && at > start {
			chunks = append(chunks, doc[start:at])
			start = at
		}
		at += len(line)
	}
	return append(chunks, doc[start:])
}

// chunkPart is the part a section's marker names.
func chunkPart(chunk string) (string, bool) {
	rest, ok := strings.CutPrefix(chunk, partMarker)
	if !ok {
		return "", false
	}
	part, _, ok := strings.Cut(rest, " -->")
	return part, ok
}
