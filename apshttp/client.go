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
	Logger  *slog.Logger
}

// NewClient returns the resty client all APS calls (token and API) share.
// Its debug output stays off: resty's debug log prints request headers, and
// those carry tokens and client secrets.
func NewClient(o ClientOptions) *resty.Client {
	if o.Timeout == 0 {
		o.Timeout = defaults.RequestTimeout
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
		SetDebug(false)
	// resty warns on Basic auth over plain HTTP; that only happens against
	// a loopback emulator, and the warning would be noise on stderr.
	c.SetDisableWarn(true)
	return c
}

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
