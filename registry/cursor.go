package registry

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
)

// CursorArg is the argument every paginated tool takes to continue a
// listing that stopped at a cap.
const CursorArg = "cursor"

// cursor is where a truncated listing continues: the position of the page
// to fetch and how many of its items were already returned.
type cursor struct {
	at   pagePos
	skip int
}

// cursorPayload is the signed content of a cursor token. Args binds the
// cursor to the other arguments of the call that produced it.
type cursorPayload struct {
	Tool  string `json:"t"`
	Args  string `json:"a"`
	Query string `json:"q"`
	// Body is the request body of the page, for a style that pages
	// through the body; nil when it is the body the arguments build.
	Body []byte `json:"b,omitempty"`
	Skip int    `json:"s"`
}

// encodeCursor renders c as an opaque token: base64url JSON plus an HMAC,
// so a model can pass it back but not forge the query it carries.
func (rt *Runtime) encodeCursor(t *Tool, args map[string]any, c *cursor) (string, error) {
	payload, err := json.Marshal(cursorPayload{Tool: t.Name, Args: argsDigest(args), Query: c.at.query.Encode(), Body: c.at.body, Skip: c.skip})
	if err != nil {
		return "", err
	}
	body := base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(rt.sign(body)), nil
}

// takeCursor removes the cursor argument from args and decodes it.
func (rt *Runtime) takeCursor(t *Tool, args map[string]any) (map[string]any, *cursor, error) {
	raw, ok := args[CursorArg]
	if !ok || raw == nil {
		return args, nil, nil
	}
	rest := make(map[string]any, len(args)-1)
	for k, v := range args {
		if k != CursorArg {
			rest[k] = v
		}
	}
	token, ok := raw.(string)
	if !ok {
		return nil, nil, &ArgError{Arg: CursorArg, Message: "must be a string"}
	}
	bad := &ArgError{Arg: CursorArg, Message: "is not a cursor this tool returned; pass the \"cursor\" value of a truncated result unchanged"}
	body, sig, found := strings.Cut(token, ".")
	gotSig, err := base64.RawURLEncoding.DecodeString(sig)
	if !found || err != nil || !hmac.Equal(gotSig, rt.sign(body)) {
		return nil, nil, bad
	}
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return nil, nil, bad
	}
	var p cursorPayload
	if err := json.Unmarshal(payload, &p); err != nil || p.Tool != t.Name || p.Skip < 0 {
		return nil, nil, bad
	}
	if p.Args != argsDigest(rest) {
		return nil, nil, &ArgError{Arg: CursorArg, Message: "belongs to a call with other arguments; repeat the arguments of the call that returned it"}
	}
	q, err := url.ParseQuery(p.Query)
	if err != nil {
		return nil, nil, bad
	}
	return rest, &cursor{at: pagePos{query: q, body: p.Body}, skip: p.Skip}, nil
}

func (rt *Runtime) sign(body string) []byte {
	mac := hmac.New(sha256.New, rt.CursorKey)
	mac.Write([]byte(body))
	return mac.Sum(nil)[:16]
}

// argsDigest fingerprints arguments; encoding/json sorts map keys, so equal
// arguments give equal digests. No arguments at all and none but the
// cursor are the same: the continuing call's rest is an empty map.
func argsDigest(args map[string]any) string {
	if args == nil {
		args = map[string]any{}
	}
	b, err := json.Marshal(args)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

// CursorKey derives the key that signs cursors from a secret the server
// already holds, so replicas with the same credentials accept each other's
// cursors and nothing new needs configuring.
func CursorKey(secret string) []byte {
	sum := sha256.Sum256([]byte("aps-mcp listing cursor v1\x00" + secret))
	return sum[:]
}
