package schematest

import "testing"

func TestValidate(t *testing.T) {
	schema := []byte(`{"type":"object","properties":{"count":{"type":"integer"},"items":{"type":"array"}},"required":["items"],"additionalProperties":false}`)
	tests := []struct {
		doc string
		ok  bool
	}{
		{`{"items":[],"count":0}`, true},
		{`{"items":[1,"a"]}`, true},
		{`{"count":1}`, false},
		{`{"items":[],"count":"one"}`, false},
		{`{"items":[],"extra":1}`, false},
		{`[]`, false},
	}
	for _, tc := range tests {
		if err := Validate(schema, []byte(tc.doc)); (err == nil) != tc.ok {
			t.Errorf("Validate(%s) = %v, want ok=%v", tc.doc, err, tc.ok)
		}
	}
	if Validate([]byte(`{"type":"object"`), []byte(`{}`)) == nil {
		t.Error("a schema that is not JSON passed")
	}
}
