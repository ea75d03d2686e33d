package defaults

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTableHasOneEntryPerKey(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Table() {
		if seen[s.Key] {
			t.Errorf("%s is in the table twice", s.Key)
		}
		seen[s.Key] = true
		if s.Meaning == "" || strings.Contains(s.Meaning, "\n") {
			t.Errorf("%s: the meaning must be one non-empty line, got %q", s.Key, s.Meaning)
		}
		if s.Text() == "" {
			t.Errorf("%s has an empty value", s.Key)
		}
	}
}

// TestMapReadsBack: every value in the loader's layer means the table's
// value once read as a profile value is read.
func TestMapReadsBack(t *testing.T) {
	m := Map()
	if len(m) != len(Table()) {
		t.Fatalf("Map has %d keys, the table %d", len(m), len(Table()))
	}
	for _, s := range Table() {
		got := m[s.Key]
		if d, ok := s.Value.(time.Duration); ok {
			parsed, err := time.ParseDuration(got.(string))
			if err != nil || parsed != d {
				t.Errorf("%s: Map holds %q, which reads as %v (%v), want %v", s.Key, got, parsed, err, d)
			}
			continue
		}
		if got != s.Value {
			t.Errorf("%s: Map holds %v, want %v", s.Key, got, s.Value)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		value any
		want  string
	}{
		{"http", "http"},
		{true, "true"},
		{1 << 20, "1048576"},
		{2 * time.Minute, "2m"},
		{90 * time.Second, "1m30s"},
		{500 * time.Millisecond, "500ms"},
		{3 * time.Hour, "3h"},
		{60 * time.Second, "1m"},
	}
	for _, tc := range tests {
		if got := (Setting{Key: "k", Value: tc.value}).Text(); got != tc.want {
			t.Errorf("Text(%v) = %q, want %q", tc.value, got, tc.want)
		}
	}
}

func TestRenderings(t *testing.T) {
	lines := Lines()
	md := Markdown()
	for i, s := range Table() {
		if !strings.HasPrefix(lines[i], s.Key+" ") || !strings.Contains(lines[i], " "+s.Text()+" ") || !strings.HasSuffix(lines[i], s.Meaning) {
			t.Errorf("help line %q does not hold %s = %s (%s)", lines[i], s.Key, s.Text(), s.Meaning)
		}
		if row := "| `" + s.Key + "` | `" + s.Text() + "` | " + s.Meaning + " |\n"; !strings.Contains(md, row) {
			t.Errorf("markdown lacks the row %q", row)
		}
	}
	at := 2 + len(slices.MaxFunc(Table(), func(a, b Setting) int { return len(a.Key) - len(b.Key) }).Key)
	for i, s := range Table() {
		if !strings.HasPrefix(lines[i][at:], s.Text()+" ") {
			t.Errorf("help line %q does not start its value at column %d", lines[i], at)
		}
	}
}

func TestTableIsACopy(t *testing.T) {
	Table()[0].Value = "changed"
	if Table()[0].Value == "changed" {
		t.Error("changing the returned table changed the defaults")
	}
}

func TestRequestTimeoutIsThirtySeconds(t *testing.T) {
	// The profile's and the HTTP client's fallbacks once disagreed (30s
	// and 60s); both now read this one value.
	if RequestTimeout != 30*time.Second || Map()["limits.request_timeout"] != "30s" {
		t.Errorf("request timeout %v / %v", RequestTimeout, Map()["limits.request_timeout"])
	}
}
