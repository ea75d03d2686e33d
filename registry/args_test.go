package registry

import (
	"math"
	"regexp"
	"strings"
	"testing"
)

// TestIntegerArguments: a whole number beyond what JSON carries exactly
// is out of range, and says so; a fraction is not a whole number.
func TestIntegerArguments(t *testing.T) {
	p := &Param{Type: "integer"}
	for _, tc := range []struct {
		v    any
		want string // part of the error; "" for none
	}{
		{float64(42), ""},
		{float64(1 << 52), ""},
		{float64(-(1 << 52)), ""},
		{2.5, "must be a whole number"},
		{1e20, "out of range"},
		{-1e20, "out of range"},
		{math.Inf(1), "out of range"},
		{uint64(math.MaxUint64), "out of range"},
		{"7", "must be an integer"},
	} {
		_, err := normalize(p, tc.v)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.v, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: error %v, want it to say %q", tc.v, err, tc.want)
		}
	}
}

// TestPatternFailuresSayWhatIsValid: a value that misses the pattern is
// told what a valid one looks like, and an ACC id without its "b." which
// id it would have been.
func TestPatternFailuresSayWhatIsValid(t *testing.T) {
	hub := &Param{Type: "string", Pattern: `^[ab]\.[^\s/?#]{1,200}$`, re: regexp.MustCompile(`^[ab]\.[^\s/?#]{1,200}$`),
		Description: `Id of the hub, as returned by list_hubs (starts with "b." for ACC and BIM 360, "a." for Fusion).`}
	bare := &Param{Type: "string", Pattern: `^[a-z]+$`, re: regexp.MustCompile(`^[a-z]+$`)}
	bucket := &Param{Type: "string", Pattern: `^[-_.a-z0-9]{3,128}$`, re: regexp.MustCompile(`^[-_.a-z0-9]{3,128}$`), Description: "Bucket key."}
	for _, tc := range []struct {
		p        *Param
		v        string
		want     []string
		unwanted string
	}{
		{hub, "c8b0c73d-3ae9", []string{`got "c8b0c73d-3ae9". Expected: Id of the hub, as returned by list_hubs`, `did you mean "b.c8b0c73d-3ae9"?`}, ""},
		{hub, "b.with space", []string{`Expected: Id of the hub`}, "did you mean"},
		{bucket, "x", []string{`Expected: Bucket key.`}, "did you mean"}, // "b.x" is a bucket key, but no bucket key's prefix
		{hub, "https://x/y", []string{`Expected: Id of the hub`}, "did you mean"},
		{bare, "ABC", []string{`must match the pattern ^[a-z]+$, got "ABC"`}, "Expected"},
	} {
		_, err := checkValue(tc.p, tc.v)
		if err == nil {
			t.Errorf("%q passed", tc.v)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %v, want it to say %q", tc.v, err, w)
			}
		}
		if tc.unwanted != "" && strings.Contains(err.Error(), tc.unwanted) {
			t.Errorf("%q: %v should not say %q", tc.v, err, tc.unwanted)
		}
	}
}
