package logging

import (
	"strings"
	"testing"
)

func TestRedactor(t *testing.T) {
	r := NewRedactor("s3cr3t-client-value", "abc")
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	for _, tc := range []struct{ in, want string }{
		{"plain text about a basic bucket", "plain text about a basic bucket"},
		{"Authorization: Bearer " + jwt, "Authorization: " + Redacted},
		{"token " + jwt + " here", "token " + Redacted + " here"},
		{"BASIC dXNlcjpwYXNzd29yZA==", Redacted},
		{"bEaReR abcdefghijkl", Redacted},
		{"the value s3cr3t-client-value leaked", "the value " + Redacted + " leaked"},
		{"abc is too short to be a secret", "abc is too short to be a secret"},
		{`{"developerMessage":"carried Basic dXNlcjpwYXNzd29yZA==","errorCode":"X"}`, `{"developerMessage":"carried ` + Redacted + `","errorCode":"X"}`},
	} {
		if got := r.String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := string(r.Bytes([]byte(tc.in))); got != tc.want {
			t.Errorf("Bytes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	var zero Redactor
	if got := zero.String("Bearer abcdefghijkl and s3cr3t-client-value"); got != Redacted+" and s3cr3t-client-value" {
		t.Errorf("the zero Redactor: %q, want the shapes alone redacted", got)
	}
}

// TestRedactorBytesKeepsCleanText: text without secrets comes back as it
// is, not copied.
func TestRedactorBytesKeepsCleanText(t *testing.T) {
	clean := []byte(strings.Repeat(`{"bucketKey":"b","objectKey":"Basic-plan.dwg"},`, 100))
	if got := NewRedactor("s3cr3t-client-value").Bytes(clean); &got[0] != &clean[0] {
		t.Error("clean text was copied")
	}
}

// TestShapePrefilter: whatever tokenShapes matches, the prefilter lets
// through.
func TestShapePrefilter(t *testing.T) {
	for _, s := range []string{"eyJabcd.efgh.ij", "x Bearer 12345678", "BASIC\t12345678", "bAsIc  abcdefgh", "xxbearer\nabcdefgh"} {
		if !tokenShapes.MatchString(s) {
			t.Fatalf("%q is not a shape; the test is wrong", s)
		}
		if !mayHoldShape([]byte(s)) {
			t.Errorf("the prefilter turns away %q", s)
		}
	}
	if mayHoldShape([]byte("a bucket of objects")) {
		t.Error("the prefilter lets through text without a shape's start")
	}
}

// BenchmarkRedactorCleanPage: what redaction adds to a result without
// secrets, a listing page's worth of JSON with many a "b" in it.
func BenchmarkRedactorCleanPage(b *testing.B) {
	page := []byte(strings.Repeat(`{"bucketKey":"bench","objectKey":"part-00001.ipt","objectId":"urn:adsk.objects:os.object:bench/part-00001.ipt","size":7},`, 1000))
	r := NewRedactor("s3cr3t-client-value", "another-secret-value")
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		r.Bytes(page)
	}
}
