// Package cancelled keeps the answer to a cancelled request from reaching
// the client. The MCP spec says a receiver of notifications/cancelled
// should not answer the request it names; mcp-go cancels the request's
// context but still writes whatever the handler returned (an error, or a
// result), so this package sits between mcp-go and the transport and
// drops that answer: on stdio it drops the response line, on streamable
// HTTP it ends the request's stream without a response.
package cancelled

import (
	"bytes"
	"encoding/json"
)

// methodCancelled is the notification that cancels a request.
const methodCancelled = "notifications/cancelled"

// message is what this package reads of a JSON-RPC message.
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
	Params struct {
		RequestID json.RawMessage `json:"requestId"`
	} `json:"params"`
}

// parse reads one message; ok is false for anything else (a batch, a
// fragment, not JSON).
func parse(data []byte) (m message, ok bool) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return m, false
	}
	return m, json.Unmarshal(data, &m) == nil
}

// isRequest: a method and an id.
func (m message) isRequest() bool { return m.Method != "" && hasID(m.ID) }

// isResponse: an id and a result or an error, no method.
func (m message) isResponse() bool {
	return m.Method == "" && hasID(m.ID) && (len(m.Result) > 0 || len(m.Error) > 0)
}

// cancels is the id of the request m cancels, or "" if m cancels none.
func (m message) cancels() string {
	if m.Method != methodCancelled || !hasID(m.Params.RequestID) {
		return ""
	}
	return idKey(m.Params.RequestID)
}

func hasID(id json.RawMessage) bool { return len(id) > 0 && string(id) != "null" }

// idKey is a request id as a map key: its JSON, compacted, so 7 and "7"
// stay apart as JSON-RPC keeps them.
func idKey(id json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, id) != nil {
		return string(id)
	}
	return b.String()
}
