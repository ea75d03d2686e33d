package registry

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// transform rewrites an argument before it goes on the wire. arg is the
// text after the colon in "name:arg".
type transform struct {
	needsArg bool
	apply    func(value, arg string) (string, error)
}

// transforms are the names tools.yaml may use in a parameter's transform.
var transforms = map[string]transform{
	// base64url: Model Derivative addresses a design by the URL-safe
	// base64 of its URN (an OSS object id or a DM version id), unpadded. A
	// value that already is such an encoding of a URN passes unchanged, so
	// a model may hand over either form.
	"base64url": {apply: func(v, _ string) (string, error) {
		if decoded, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "=")); err == nil && strings.HasPrefix(string(decoded), "urn:") {
			return strings.TrimRight(v, "="), nil
		}
		return base64.RawURLEncoding.EncodeToString([]byte(v)), nil
	}},
	// strip_prefix:P: ACC APIs take a project id without the "b." that
	// Data Management puts in front of it; either form is accepted.
	"strip_prefix": {needsArg: true, apply: func(v, prefix string) (string, error) { return strings.TrimPrefix(v, prefix), nil }},
	// base64_decode: binary content reaches a tool as standard base64
	// (padded, or not) and is sent as the bytes it encodes.
	"base64_decode": {apply: func(v, _ string) (string, error) {
		b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(v, "="))
		if err != nil {
			return "", errors.New("is not base64 (standard alphabet, A-Z a-z 0-9 + /)")
		}
		return string(b), nil
	}},
}

// parseTransform splits "name:arg" and checks the name.
func parseTransform(spec string) (transform, string, error) {
	name, arg, _ := strings.Cut(spec, ":")
	tr, ok := transforms[name]
	if !ok {
		return transform{}, "", fmt.Errorf("unknown transform %q (known: %s)", name, strings.Join(sortedKeys(transforms), ", "))
	}
	if tr.needsArg && arg == "" {
		return transform{}, "", fmt.Errorf("transform %s needs an argument, as in %q", name, name+":b.")
	}
	return tr, arg, nil
}
