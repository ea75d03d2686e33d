package sharedreads

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"slices"
	"strconv"

	"github.com/aps-mcp/aps-mcp/apshttp"
)

// requestKey names one identity's request: a hash of the subject and
// everything of the request that shapes the answer (method, path, query,
// headers, body, the status meaning "not ready", whether it is retried
// as idempotent). Query values, header values and bodies may carry
// secrets; only their hash is ever kept.
func requestKey(subject string, req *apshttp.Request) string {
	h := sha256.New()
	field(h, subject)
	field(h, req.Method)
	field(h, req.Path)
	field(h, req.Query.Encode()) // sorted by key
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		field(h, name)
		field(h, strconv.Itoa(len(req.Header[name])))
		for _, v := range req.Header[name] {
			field(h, v)
		}
	}
	field(h, string(req.Body))
	var flags [9]byte
	binary.BigEndian.PutUint64(flags[:8], uint64(req.PendingStatus))
	if req.Idempotent {
		flags[8] = 1
	}
	h.Write(flags[:])
	return hex.EncodeToString(h.Sum(nil))
}

// familyKey names a family in the store without the ids it holds.
func familyKey(family string) string {
	h := sha256.Sum256([]byte(family))
	return hex.EncodeToString(h[:])
}

// field writes s length-prefixed, so that no two requests hash the same
// fields alike ("a"+"bc" and "ab"+"c").
func field(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}
