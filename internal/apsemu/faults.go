package apsemu

import (
	mathrand "math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Faults are failures the emulator injects into resource API requests
// (everything but the authentication endpoints unless IncludeAuth), so tests
// can prove a client copes.
//
// Each request the faults cover draws one number u, uniform in [0, 1), from
// a random source seeded with Seed: u < Rate429 answers 429, else
// u < Rate429+Rate503 answers 503, else u < Rate429+Rate503+RateTruncated
// cuts the answer short, else the request is served as usual. So the
// rates are the fractions of requests that meet each fault as long as
// they add up to at most 1 (beyond that the later ones get what is left),
// and a given sequence of requests meets the same faults every time. With
// every rate 0 no number is drawn.
//
// The hostile answers (RedirectTo, EchoCredentials, GzipBombBytes) meet
// every covered request, before any number is drawn, the first one set
// winning in that order.
type Faults struct {
	Rate429 float64 // fraction of requests answered 429 with Retry-After
	Rate503 float64 // fraction answered 503
	// RateTruncated is the fraction of requests served as usual whose
	// successful (2xx) answer is then cut to half its bytes, with a
	// Content-Length that matches what is sent: JSON cut short that the
	// transport cannot tell from a whole answer. Answers of other statuses,
	// and empty ones, go out whole.
	RateTruncated float64
	// RedirectTo, when set, answers every covered request with a redirect
	// to RedirectTo followed by the request's path and query: 307
	// Temporary Redirect for a POST (which a client that follows sends
	// again, body and all), 302 Found otherwise. APS does not redirect API
	// calls; a client that follows takes its credentials there.
	RedirectTo string
	// EchoCredentials answers every covered request 401 with a body that
	// quotes the credentials it carried: its Authorization header, the
	// Basic credentials decoded, and a POST's form as sent. The token and
	// revoke endpoints answer in OAuth's shape (invalid_client), the others
	// in the gateway's (AUTH-006).
	EchoCredentials bool
	// GzipBombBytes, when positive, answers every covered request 200 with
	// Content-Encoding gzip, whatever the request accepts: a small body
	// that inflates to GzipBombBytes bytes (at least 36) of JSON, an object of
	// empty "items", "results" and "data" arrays padded with spaces.
	GzipBombBytes int64
	// RetryAfter is the Retry-After of 429 and 503 answers, sent in whole
	// seconds rounded up (so a client that honours it never comes back
	// early); 0 or less sends "0".
	RetryAfter time.Duration
	// Latency is added before answering every covered request, faulty or
	// not. A request whose client gives up meanwhile is abandoned
	// unanswered.
	Latency time.Duration
	// IncludeAuth also covers POST /authentication/v2/token and
	// /authentication/v2/revoke. The other authentication endpoints
	// (authorize, keys) are never covered: one is a browser page, the
	// other a static document clients cache; nor are the emulator's own
	// sign-in pages (SignInPath, SignOutPath).
	IncludeAuth bool
	Seed        int64 // seeds the random source; 0 = a fixed default
}

// defaultFaultSeed seeds the fault source when Faults.Seed is 0; an odd
// value, so that small seeds a test picks differ from the default.
const defaultFaultSeed = 0x5eed_a95e

// faultStream is the second half of the PCG seed; any constant will do.
const faultStream = 0x61707365_6d75 // "apsemu"

// Injected fault bodies. The 429 body is the documented example exactly
// (NOTES §1.5). The 503 text and its pairing with ERR-003 (the gateway's
// documented "internal error" code, the closest documented one) are the
// emulator's own and unverified.
const (
	msgQuotaExceeded       = "Quota limit exceeded."
	msgServiceUnavailable  = "The service is temporarily unavailable."
	codeServiceUnavailable = "ERR-003"
)

// quotaError is the documented 429 body: developerMessage alone.
type quotaError struct {
	DeveloperMessage string `json:"developerMessage"`
}

// faultKind is what the gateway does with one covered request.
type faultKind int

const (
	faultNone faultKind = iota
	fault429
	fault503
	faultTruncate
)

// SetFaults replaces the current faults and reseeds their random source;
// SetFaults(Faults{}) turns them off. Requests already past the fault
// decision are not affected.
func (e *Emulator) SetFaults(f Faults) {
	seed := f.Seed
	if seed == 0 {
		seed = defaultFaultSeed
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = f
	e.faultRand = mathrand.New(mathrand.NewPCG(uint64(seed), faultStream))
}

// FaultsInjected returns how many requests have been answered with an
// injected 429 and 503 since the emulator was created. A request whose
// client gave up during the injected latency is not counted.
func (e *Emulator) FaultsInjected() (n429, n503 int64) {
	return e.injected429.Load(), e.injected503.Load()
}

// AnswersCut returns how many answers Faults.RateTruncated has cut short
// since the emulator was created.
func (e *Emulator) AnswersCut() int64 { return e.injectedCuts.Load() }

// covers reports whether f applies to a request of an API with cover.
func (f Faults) covers(cover faultCover) bool {
	switch cover {
	case faultsAlways:
		return true
	case faultsWithAuth:
		return f.IncludeAuth
	}
	return false
}

// drawFault decides, at the request's arrival, whether the current faults
// cover it and which fault (if any) it meets.
func (e *Emulator) drawFault(cover faultCover) (Faults, faultKind, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.faults
	if !f.covers(cover) {
		return Faults{}, faultNone, false
	}
	if f.Rate429 <= 0 && f.Rate503 <= 0 && f.RateTruncated <= 0 {
		return f, faultNone, true
	}
	switch u := e.faultRand.Float64(); {
	case u < f.Rate429:
		return f, fault429, true
	case u < f.Rate429+f.Rate503:
		return f, fault503, true
	case u < f.Rate429+f.Rate503+f.RateTruncated:
		return f, faultTruncate, true
	}
	return f, faultNone, true
}

// injectFault plays the faulty gateway: it waits out the latency and sends
// the chosen fault or hostile answer. It returns the writer the request is
// to be served through (w, or one that cuts the answer short), what to
// call once it is served, and whether the request is finished already:
// answered, or abandoned because the client gave up while waiting.
func (e *Emulator) injectFault(w http.ResponseWriter, r *http.Request, cover faultCover) (http.ResponseWriter, func(), bool) {
	f, kind, ok := e.drawFault(cover)
	if !ok {
		return w, func() {}, false
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return w, nil, true
		case <-t.C:
		}
	}
	if e.answerHostile(w, r, f) {
		return w, nil, true
	}
	switch kind {
	case fault429:
		e.injected429.Add(1)
		w.Header().Set("Retry-After", retryAfterSeconds(f.RetryAfter))
		writeJSON(w, http.StatusTooManyRequests, contentTypeJSON, quotaError{DeveloperMessage: msgQuotaExceeded})
		return w, nil, true
	case fault503:
		e.injected503.Add(1)
		w.Header().Set("Retry-After", retryAfterSeconds(f.RetryAfter))
		writeGatewayError(w, http.StatusServiceUnavailable, codeServiceUnavailable, msgServiceUnavailable)
		return w, nil, true
	case faultTruncate:
		cw := &cuttingWriter{w: w, cuts: &e.injectedCuts}
		return cw, cw.finish, false
	}
	return w, func() {}, false
}

// retryAfterSeconds renders d as a Retry-After delay in whole seconds,
// rounded up.
func retryAfterSeconds(d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// statusWriter remembers the status a handler answered with, for the
// request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the first status written.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records the implicit 200 of a body written without a header.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}
