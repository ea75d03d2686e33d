// Package defaults is the one table of built-in settings: every profile
// key that has a default, its value and what it means. An auth kind's own
// keys (auth.redirect_uri of 3lo, say) are the kind's, with its defaults,
// in package authproviders. The profile loader
// takes its lowest layer from Map, the registry and the HTTP client fall
// back to the typed constants, and --help and the generated docs render
// the table with Lines and Markdown, so the value is written once.
//
// The package imports nothing of the project, so anything may use it.
package defaults

import (
	"strconv"
	"strings"
	"time"
)

// The built-in values, typed for code that needs them at compile time.
// Table lists each with its profile key.
const (
	Transport    = "http"
	Addr         = "127.0.0.1:5000"
	BaseURL      = "https://developer.api.autodesk.com"
	ReadOnly     = true
	MaxBodyBytes = 1 << 20
	WriteTimeout = 30 * time.Second
	SessionIdle  = 30 * time.Minute
	MaxSessions  = 1000 // mcp-go keeps about 12 KiB per session: 12 MiB at most
	Metrics      = true
	Store        = "memory"
	CacheBytes   = 32 << 20
	ShareReads   = true
	Drain        = time.Duration(0)
	MaxItems     = 500
	// MaxResultTokens is what one result may take of a model's context.
	// MaxBytes holds it at BytesPerToken (as measured on listings,
	// whose ids and dates tokenize densely: 230 issues, 62.7 kB, 24k
	// tokens).
	MaxResultTokens  = 25000
	BytesPerToken    = 2.6
	MaxBytes         = int(MaxResultTokens * BytesPerToken) // of projected JSON
	CallTimeout      = 2 * time.Minute
	RequestTimeout   = 30 * time.Second
	Pace             = true
	RetryMaxAttempts = 5
	RetryBaseDelay   = 500 * time.Millisecond
	RetryMaxDelay    = 20 * time.Second
	RetryMaxWait     = 60 * time.Second
	// MaxAnswerBytes caps one APS answer once decompressed: far above any
	// page or resource APS sends, far below what a hostile compressed
	// answer inflates to. It is not a profile key.
	MaxAnswerBytes = 32 << 20
)

// AllowUnconfirmedDestructive is off: a destructive call needs the person's
// confirmation, and a client that cannot ask for it is refused.
const AllowUnconfirmedDestructive = false

// Setting is one built-in default.
type Setting struct {
	Key     string // the profile key, e.g. "limits.request_timeout"
	Value   any    // a string, bool, int or time.Duration
	Meaning string // one line, for --help and the docs
}

// table is in the order a profile file lists its sections.
var table = [...]Setting{
	{"server.transport", Transport, "how MCP clients reach the server: http (streamable HTTP at /mcp) or stdio"},
	{"server.addr", Addr, "host:port the HTTP transport listens on"},
	{"server.max_body_bytes", MaxBodyBytes, "bytes one HTTP request body to the server may hold"},
	{"server.write_timeout", WriteTimeout, "how long one write to a client may wait on it: a client that stops reading is cut off, a stream being read is not"},
	{"server.session_idle_timeout", SessionIdle, "an MCP session no request used for this long ends (the client gets 404 and starts a new one)"},
	{"server.max_sessions", MaxSessions, "MCP sessions kept at most; past it the longest idle ends"},
	{"server.metrics", Metrics, "serve Prometheus metrics at /metrics"},
	{"server.store", Store, "a team server's shared state: memory (one process) or redis://host:port/db"},
	{"server.share_reads", ShareReads, "identical reads in flight at once go to APS once (the same identity and request), and tools.yaml cache is kept; false sends every call's own requests"},
	{"server.cache_bytes", CacheBytes, "bytes of APS answers the read cache keeps (tools.yaml cache), least recently used first out; 0 turns it off. With a Redis store the cache is there, and this bounds what each replica writes"},
	{"server.drain", Drain, "how long a stopping server goes on serving with /readyz answering 503 (behind a balancer)"},
	{"tools.read_only", ReadOnly, "expose only tools that change nothing in APS"},
	{"tools.allow_unconfirmed_destructive", AllowUnconfirmedDestructive, "let destructive tools run for clients that cannot ask the person to confirm (no elicitation); otherwise they are refused"},
	{"aps.base_url", BaseURL, "the APS host for token and API calls alike"},
	{"limits.max_items", MaxItems, "items in one listing result (a call's limit argument asks for fewer)"},
	{"limits.max_bytes", MaxBytes, "bytes of projected JSON in one result, a listing's items or a single answer: about 25k tokens of a model's context"},
	{"limits.call_timeout", CallTimeout, "one tool call, retries and all pages included"},
	{"limits.request_timeout", RequestTimeout, "one HTTP request to APS, connection to last byte"},
	{"limits.pace", Pace, "keep requests within tools.yaml's budgets, APS's published requests a minute, waiting for a slot rather than drawing 429s (false: an app whose limits Autodesk raised)"},
	{"retry.max_attempts", RetryMaxAttempts, "attempts of one APS request, the first included"},
	{"retry.base_delay", RetryBaseDelay, "first backoff, doubled per retry, with jitter"},
	{"retry.max_delay", RetryMaxDelay, "cap on one backoff"},
	{"retry.max_wait", RetryMaxWait, "cap on all the waits of one request"},
}

// Table returns every built-in setting, in the order a profile lists its
// sections. The slice is a copy; changing it changes no default.
func Table() []Setting { return append([]Setting(nil), table[:]...) }

// Map is the table as the profile loader's lowest layer: key to value,
// durations written as a profile writes them ("30s").
func Map() map[string]any {
	m := make(map[string]any, len(table))
	for _, s := range table {
		if d, ok := s.Value.(time.Duration); ok {
			m[s.Key] = formatDuration(d)
			continue
		}
		m[s.Key] = s.Value
	}
	return m
}

// Text is the value as a profile file would write it.
func (s Setting) Text() string {
	switch v := s.Value.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case time.Duration:
		return formatDuration(v)
	}
	panic("defaults: setting " + s.Key + " has a value of a kind the table does not hold")
}

// formatDuration writes d without zero trailing units: "2m", not "2m0s".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
