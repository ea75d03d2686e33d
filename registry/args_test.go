package registry

import (
	"math"
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
