package extract

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/aps-mcp/aps-mcp/specfacts"
)

// Encode renders facts in the facts.json layout: one operation per line, so
// a spec change shows up as a small diff while the file stays compact.
func Encode(f *specfacts.Facts) ([]byte, error) {
	var b bytes.Buffer
	note, err := marshal(f.Note)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "{\n\"note\": %s,\n\"operations\": [\n", note)
	for i, op := range f.Operations {
		line, err := marshal(op)
		if err != nil {
			return nil, err
		}
		b.Write(line)
		if i < len(f.Operations)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n}\n")
	return b.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping, so paths and names stay
// readable in the file.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("extract: encoding facts: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
