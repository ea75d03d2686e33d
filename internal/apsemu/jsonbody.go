package apsemu

import (
	"encoding/json"
	"net/http"
)

// maxJSONBody caps the JSON request bodies the write handlers read; none
// of the bodies they model comes near it.
const maxJSONBody = 1 << 16

// decodeJSON reads a JSON body of at most maxJSONBody bytes into v and
// reports whether it could; members v does not name are ignored.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	return json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody)).Decode(v) == nil
}

// decodeStrict reads a JSON object body into v, refusing members v does
// not name and anything after the object.
func decodeStrict(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil || dec.More() {
		return false
	}
	return true
}
