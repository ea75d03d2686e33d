package apsemu

import (
	"bytes"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// maxNumericDate is 9999-12-31T23:59:59Z, the latest date the emulator
// distinguishes in assertion claims.
const maxNumericDate = 253402300799

// Assertion lifetime rules (NOTES §3.2): exp at most five minutes ahead. The
// skew allowance is the emulator's own; APS documents none.
const (
	maxAssertionLifetime = 300 * time.Second
	assertionClockSkew   = 10 * time.Second
)

// ServiceAccount is a Secure Service Account with one signing key.
type ServiceAccount struct {
	ID       string         // serviceAccountId (an Autodesk user id)
	ClientID string         // the app that owns it; "" = the first registered client
	KeyID    string         // kid of its key
	Key      *rsa.PublicKey // public half of that key
	Disabled bool
}

// serviceAccount is the stored form of an account: the fields of the latest
// AddServiceAccount call for its ID, plus every key registered for it.
type serviceAccount struct {
	clientID string
	disabled bool
	keys     map[string]*rsa.PublicKey // kid → public key
}

// AddServiceAccount registers sa, or updates the account with the same ID:
// ClientID and Disabled take the values of the latest call, and sa's key is
// added to the account's keys (replacing one with the same KeyID). Several
// keys for one account are therefore several calls with the same ID and
// different KeyIDs. A call with an empty KeyID or nil Key registers or
// updates the account without adding a key.
func (e *Emulator) AddServiceAccount(sa ServiceAccount) {
	if sa.ClientID == "" {
		sa.ClientID = e.owner
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	acct := e.serviceAccounts[sa.ID]
	if acct == nil {
		acct = &serviceAccount{keys: make(map[string]*rsa.PublicKey)}
		e.serviceAccounts[sa.ID] = acct
	}
	acct.clientID = sa.ClientID
	acct.disabled = sa.Disabled
	if sa.KeyID != "" && sa.Key != nil {
		acct.keys[sa.KeyID] = sa.Key
	}
}

// JWTExchanges returns the number of token requests whose grant_type is
// urn:ietf:params:oauth:grant-type:jwt-bearer, whatever their outcome
// (requests whose body could not be read as a form have no readable grant
// type and are not counted).
func (e *Emulator) JWTExchanges() int64 {
	return e.jwtExchanges.Load()
}

// errInvalidAssertion is the documented "The 'assertion' is invalid." with
// the specific reason appended, so clients matching the documented text by
// prefix keep working while humans learn what to fix.
func errInvalidAssertion(format string, args ...any) *oauthError {
	return invalidGrant("The 'assertion' is invalid: " + fmt.Sprintf(format, args...))
}

// grantJWTBearerToken implements the SSA grant (RFC 7523): the assertion
// must be signed by a key of an enabled service account of the
// authenticated client; the token acts for that account and carries the
// assertion's scopes, or the subset the optional form scope asks for.
func (e *Emulator) grantJWTBearerToken(r *http.Request, clientID string, form url.Values) (tokenGrant, *oauthError) {
	assertion := form.Get("assertion")
	if assertion == "" {
		return tokenGrant{}, errMissingParameter("assertion")
	}
	// The assertion must name this emulator's token endpoint as reached, so
	// an assertion minted for the real APS is refused here and vice versa.
	audience := baseURL(r) + tokenPath
	claims, oerr := e.verifyAssertion(assertion, clientID, audience)
	if oerr != nil {
		return tokenGrant{}, oerr
	}
	scopes, oerr := narrowScopes(form, claims.scopes)
	if oerr != nil {
		return tokenGrant{}, oerr
	}
	return tokenGrant{scopes: scopes, userID: claims.subject}, nil
}

// assertionClaims is what a verified assertion grants.
type assertionClaims struct {
	subject string
	scopes  []string
}

// verifyAssertion checks a compact JWS the way NOTES §3.2 and §10 describe:
// RS256 only, kid a key of the sub account, signature, iss, sub, aud, exp
// and scope. Claims needed to find the key (iss, sub, kid) are checked
// before the signature; everything else only once the signature holds.
func (e *Emulator) verifyAssertion(assertion, clientID, audience string) (assertionClaims, *oauthError) {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return assertionClaims{}, errInvalidAssertion("it is not a signed JWT (expected three base64url parts separated by '.').")
	}
	var header map[string]json.RawMessage
	if err := decodeSegment(parts[0], &header); err != nil {
		return assertionClaims{}, errInvalidAssertion("the JOSE header is not base64url-encoded JSON.")
	}
	alg, ok := stringMember(header, "alg")
	if !ok || alg != jwt.SigningMethodRS256.Alg() {
		return assertionClaims{}, errInvalidAssertion("the header 'alg' must be RS256, got %s.", quoteMember(header, "alg"))
	}
	if _, ok := header["crit"]; ok {
		return assertionClaims{}, errInvalidAssertion("the header 'crit' parameter is not supported.")
	}
	kid, ok := stringMember(header, "kid")
	if !ok || kid == "" {
		return assertionClaims{}, errInvalidAssertion("the header 'kid' is missing; set it to the ID of the service account key that signed the assertion.")
	}
	var payload map[string]json.RawMessage
	if err := decodeSegment(parts[1], &payload); err != nil {
		return assertionClaims{}, errInvalidAssertion("the claim set is not base64url-encoded JSON.")
	}
	sig, err := jwsEncoding().DecodeString(parts[2])
	if err != nil {
		return assertionClaims{}, errInvalidAssertion("the signature is not base64url-encoded.")
	}

	iss, ok := stringMember(payload, "iss")
	if !ok {
		return assertionClaims{}, errInvalidAssertion("the 'iss' claim is missing or not a string; it must be the client ID of the app.")
	}
	if iss != clientID {
		return assertionClaims{}, errInvalidAssertion("the 'iss' claim %q is not the client ID of the authenticated app.", iss)
	}
	sub, ok := stringMember(payload, "sub")
	if !ok || sub == "" {
		return assertionClaims{}, errInvalidAssertion("the 'sub' claim is missing or not a string; it must be the service account ID.")
	}
	key, disabled, oerr := e.assertionKey(clientID, sub, kid)
	if oerr != nil {
		return assertionClaims{}, oerr
	}
	if err := jwt.SigningMethodRS256.Verify(parts[0]+"."+parts[1], sig, key); err != nil {
		return assertionClaims{}, errInvalidAssertion("the signature does not verify with key %q of service account %q.", kid, sub)
	}

	if oerr := checkAudience(payload, audience); oerr != nil {
		return assertionClaims{}, oerr
	}
	if oerr := checkAssertionTimes(payload, e.now()); oerr != nil {
		return assertionClaims{}, oerr
	}
	scopes, oerr := assertionScopes(payload)
	if oerr != nil {
		return assertionClaims{}, oerr
	}
	// Account state is reported only for an otherwise valid assertion, so it
	// is never disclosed to someone who cannot sign for the account.
	if disabled {
		return assertionClaims{}, invalidGrant(descServiceAccountDisabled)
	}
	return assertionClaims{subject: sub, scopes: scopes}, nil
}

// assertionKey finds the public key kid of service account sub, which must
// belong to clientID. An account of another app is reported as unknown.
func (e *Emulator) assertionKey(clientID, sub, kid string) (*rsa.PublicKey, bool, *oauthError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	acct := e.serviceAccounts[sub]
	if acct == nil || acct.clientID != clientID {
		return nil, false, errInvalidAssertion("the 'sub' claim %q is not a service account of this app.", sub)
	}
	key := acct.keys[kid]
	if key == nil {
		return nil, false, errInvalidAssertion("the header 'kid' %q is not a key of service account %q.", kid, sub)
	}
	return key, acct.disabled, nil
}

// checkAudience requires aud to be exactly the token endpoint URL. RFC 7519
// §4.1.3 allows aud to be an array; one holding the URL is accepted too.
func checkAudience(payload map[string]json.RawMessage, audience string) *oauthError {
	raw, ok := payload["aud"]
	if !ok {
		return errInvalidAssertion("the 'aud' claim is missing; it must be %q.", audience)
	}
	var one string
	if json.Unmarshal(raw, &one) == nil && one == audience {
		return nil
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil && slices.Contains(many, audience) {
		return nil
	}
	return errInvalidAssertion("the 'aud' claim must be exactly %q, got %s.", audience, raw)
}

// checkAssertionTimes requires exp in the future and at most five minutes
// ahead; nbf, when present, must have passed. Both allow a little skew.
func checkAssertionTimes(payload map[string]json.RawMessage, now time.Time) *oauthError {
	exp, present, ok := numericDate(payload, "exp")
	if !present {
		return errInvalidAssertion("the 'exp' claim is missing; set it to at most 300 seconds from now.")
	}
	if !ok {
		return errInvalidAssertion("the 'exp' claim must be a NumericDate (seconds since the Unix epoch).")
	}
	if !exp.Add(assertionClockSkew).After(now) {
		return errInvalidAssertion("the assertion expired at %s.", exp.UTC().Format(time.RFC3339))
	}
	if exp.After(now.Add(maxAssertionLifetime + assertionClockSkew)) {
		return errInvalidAssertion("the 'exp' claim %s is more than 300 seconds in the future; an assertion may live at most 5 minutes.",
			exp.UTC().Format(time.RFC3339))
	}
	nbf, present, ok := numericDate(payload, "nbf")
	if present && !ok {
		return errInvalidAssertion("the 'nbf' claim must be a NumericDate (seconds since the Unix epoch).")
	}
	if present && nbf.After(now.Add(assertionClockSkew)) {
		return errInvalidAssertion("the assertion is not valid before %s.", nbf.UTC().Format(time.RFC3339))
	}
	return nil
}

// assertionScopes reads the scope claim: a non-empty JSON array of known,
// case-sensitive scope names (duplicates dropped, order kept). A
// space-separated string, the form used on the wire elsewhere, is refused.
func assertionScopes(payload map[string]json.RawMessage) ([]string, *oauthError) {
	raw, ok := payload["scope"]
	if !ok {
		return nil, errInvalidAssertion(`the 'scope' claim is missing; it must be a JSON array of scopes such as ["data:read"].`)
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return nil, errInvalidAssertion(`the 'scope' claim must be a JSON array of strings, not the string %q; use ["data:read", ...].`, s)
		}
		return nil, errInvalidAssertion(`the 'scope' claim must be a JSON array of strings such as ["data:read"].`)
	}
	if len(list) == 0 {
		return nil, errInvalidAssertion("the 'scope' claim must list at least one scope.")
	}
	if len(list) > maxScopes {
		return nil, errInvalidAssertion("the 'scope' claim lists %d scopes; at most %d are allowed.", len(list), maxScopes)
	}
	scopes := make([]string, 0, len(list))
	for _, s := range list {
		if !isKnownScope(s) {
			return nil, errInvalidAssertion("the 'scope' claim contains the unknown scope %q.", s)
		}
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	return scopes, nil
}

// jwsEncoding decodes JWS segments: unpadded base64url with canonical
// trailing bits, so a signature has exactly one accepted spelling.
func jwsEncoding() *base64.Encoding {
	return base64.RawURLEncoding.Strict()
}

// decodeSegment decodes one base64url JWS segment holding a JSON object.
func decodeSegment(seg string, v *map[string]json.RawMessage) error {
	b, err := jwsEncoding().DecodeString(seg)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	if *v == nil {
		return fmt.Errorf("not a JSON object")
	}
	return nil
}

// stringMember returns m[name] if it is a JSON string.
func stringMember(m map[string]json.RawMessage, name string) (string, bool) {
	raw, ok := m[name]
	if !ok {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// quoteMember renders m[name] for an error message: its JSON text, or
// "nothing" when absent.
func quoteMember(m map[string]json.RawMessage, name string) string {
	raw, ok := m[name]
	if !ok {
		return "nothing"
	}
	return string(raw)
}

// numericDate reads a NumericDate claim (RFC 7519 §2: seconds, possibly
// fractional). present reports whether the claim exists, ok whether it is a
// number.
func numericDate(m map[string]json.RawMessage, name string) (t time.Time, present, ok bool) {
	raw, present := m[name]
	if !present {
		return time.Time{}, false, false
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return time.Time{}, true, false
	}
	// Clamp to years 1970..9999 so absurd values compare sanely instead of
	// overflowing int64.
	f = min(max(f, 0), maxNumericDate)
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)), true, true
}
