package apshttp

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aps-mcp/aps-mcp/defaults"
)

// UserAgent identifies the server to APS.
const UserAgent = "aps-mcp"

// ClientOptions tune the shared HTTP client.
type ClientOptions struct {
	// Timeout bounds one HTTP request, connection to last byte; 0 takes
	// defaults.RequestTimeout, the profile's limits.request_timeout default.
	Timeout time.Duration
	// MaxAnswerBytes caps what one answer may hold once decompressed (the
	// transport inflates gzip transparently, so a small body can grow
	// without bound); 0 takes defaults.MaxAnswerBytes. It is the client's
	// ResponseBodyLimit, which Exchange applies to its own reads too.
	MaxAnswerBytes int
	Logger         *slog.Logger
}

// NewClient returns the resty client all APS calls (token, API,
// revocation, userinfo) share. It follows no redirect: APS sends none, and
// following one would carry the bearer token or the client's credentials
// wherever the answer points (resty copies every header to the same host
// on another port, and a 307 sends the form again), so a redirect comes
// back as the answer it is. Answers are capped at MaxAnswerBytes. Its
// debug output stays off: resty's debug log prints request headers, and
// those carry tokens and client secrets.
func NewClient(o ClientOptions) *resty.Client {
	if o.Timeout == 0 {
		o.Timeout = defaults.RequestTimeout
	}
	if o.MaxAnswerBytes <= 0 {
		o.MaxAnswerBytes = defaults.MaxAnswerBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   128, // every call goes to one host; keep connections warm under load
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	c := resty.New().
		SetTransport(transport).
		SetTimeout(o.Timeout).
		SetHeader("User-Agent", UserAgent).
		SetLogger(restyLogger{o.Logger}).
		SetRedirectPolicy(resty.RedirectPolicyFunc(keepRedirects)).
		SetResponseBodyLimit(o.MaxAnswerBytes).
		SetDebug(false)
	// resty warns on Basic auth over plain HTTP; that only happens against
	// a loopback emulator, and the warning would be noise on stderr.
	c.SetDisableWarn(true)
	return c
}

// keepRedirects stops at a redirect and hands it back as the answer.
func keepRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// restyLogger routes resty's own messages to slog at debug level.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) {
	r.l.Debug("resty", "msg", fmt.Sprintf(format, v...))
}
func (r restyLogger) Warnf(format string, v ...any) {
	r.l.Debug("resty", "msg", fmt.Sprintf(format, v...))
}
func (r restyLogger) Debugf(format string, v ...any) {
	r.l.Debug("resty", "msg", fmt.Sprintf(format, v...))
}
