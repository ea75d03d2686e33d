// Package metrics counts what the server does, for Prometheus: tool calls
// by tool and outcome, call durations, APS requests by API and status,
// retries, reads shared and time paced, and token fetches by auth kind. Each server has its own
// registry, so two servers in one process (tests) never mix counts.
package metrics

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the server's collectors. A nil *Metrics records nothing,
// so code paths need no checks.
type Metrics struct {
	registry     *prometheus.Registry
	toolCalls    *prometheus.CounterVec
	callDuration *prometheus.HistogramVec
	apsRequests  *prometheus.CounterVec
	retries      *prometheus.CounterVec
	tokenFetches *prometheus.CounterVec
	shapedBytes  *prometheus.CounterVec
	shapingTime  *prometheus.CounterVec
	sharedReads  *prometheus.CounterVec
	pacedTime    *prometheus.CounterVec
	sessions     prometheus.Gauge
}

// New registers the collectors (and the Go runtime's) in a new registry.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		toolCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aps_mcp_tool_calls_total", Help: "Tool calls by tool and outcome (ok, tool_error, cancelled).",
		}, []string{"tool", "outcome"}),
		callDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aps_mcp_tool_call_duration_seconds", Help: "Duration of tool calls, all APS requests and retries included.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120},
		}, []string{"tool"}),
		apsRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aps_mcp_aps_requests_total", Help: "HTTP requests to APS APIs by API and status code (0: no answer).",
		}, []string{"api", "status"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aps_mcp_aps_retries_total", Help: "APS requests retried after 429, a transient 5xx or a lost connection, by API.",
		}, []string{"api"}),
		tokenFetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aps_mcp_token_fetches_total", Help: "Token requests to APS by auth kind and outcome.",
		}, []string{"kind", "outcome"}),
	}
	m.shapedBytes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aps_mcp_shaped_bytes_total", Help: "Bytes of APS JSON the result projection went through, by tool.",
	}, []string{"tool"})
	m.shapingTime = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aps_mcp_shaping_seconds_total", Help: "Time spent projecting APS JSON into results, by tool.",
	}, []string{"tool"})
	m.sharedReads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aps_mcp_shared_reads_total", Help: "APS reads a tool call took from another call's request in flight or the read cache instead of sending its own, by tool.",
	}, []string{"tool"})
	m.pacedTime = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aps_mcp_paced_seconds_total", Help: "Time tool calls' APS requests waited for a slot of their endpoint's budget (tools.yaml budgets, or a 429's Retry-After), by tool.",
	}, []string{"tool"})
	m.sessions = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "aps_mcp_sessions", Help: "MCP sessions the server keeps state for (session-based clients; bounded by server.max_sessions per endpoint).",
	})
	m.registry.MustRegister(m.toolCalls, m.callDuration, m.apsRequests, m.retries, m.tokenFetches, m.shapedBytes, m.shapingTime,
		m.sharedReads, m.pacedTime, m.sessions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// ToolCall records one finished tool call.
func (m *Metrics) ToolCall(tool, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.toolCalls.WithLabelValues(tool, outcome).Inc()
	m.callDuration.WithLabelValues(tool).Observe(d.Seconds())
}

// APSRequest records one HTTP exchange with APS at path.
func (m *Metrics) APSRequest(path string, status int) {
	if m == nil {
		return
	}
	m.apsRequests.WithLabelValues(API(path), strconv.Itoa(status)).Inc()
}

// Shaped records that a tool's projection went through n bytes of APS
// JSON in d.
func (m *Metrics) Shaped(tool string, n int, d time.Duration) {
	if m == nil {
		return
	}
	m.shapedBytes.WithLabelValues(tool).Add(float64(n))
	m.shapingTime.WithLabelValues(tool).Add(d.Seconds())
}

// Shared records what one call of tool did without APS's own answer:
// reads it took from another call or the read cache, and how long its
// requests waited for budget slots.
func (m *Metrics) Shared(tool string, reads int, paced time.Duration) {
	if m == nil {
		return
	}
	if reads > 0 {
		m.sharedReads.WithLabelValues(tool).Add(float64(reads))
	}
	if paced > 0 {
		m.pacedTime.WithLabelValues(tool).Add(paced.Seconds())
	}
}

// Retry records a retried APS request at path.
func (m *Metrics) Retry(path string, n int) {
	if m == nil || n == 0 {
		return
	}
	m.retries.WithLabelValues(API(path)).Add(float64(n))
}

// TokenFetch records a token request of an auth kind.
func (m *Metrics) TokenFetch(kind string, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.tokenFetches.WithLabelValues(kind, outcome).Inc()
}

// Session records an MCP session registered (delta 1) or ended (-1).
func (m *Metrics) Session(delta int) {
	if m == nil {
		return
	}
	m.sessions.Add(float64(delta))
}

// API names the APS API a path belongs to, with few enough values to be a
// label: "oss/v2", "project/v1", "data/v1", "modelderivative/v2",
// "construction/issues", "authentication/v2", "userinfo".
func API(path string) string {
	segs := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 3)
	if len(segs) < 2 || segs[1] == "" {
		return segs[0]
	}
	return segs[0] + "/" + segs[1]
}
