package authproviders

import (
	"crypto/rsa"
	"fmt"
	"sort"
	"sync"
)

// Kind describes one auth kind: what its profile section holds, which
// environment variables it reads, how the emulator serves it, and how to
// build its provider. Everything kind-specific lives here, so the rest of
// the server asks the kind instead of naming it.
type Kind struct {
	// Name is the kind's key in profiles and tools.yaml, e.g. "2lo".
	Name string
	// Description is shown in --help and validate output.
	Description string
	// Env lists the environment variables the kind reads, in the order
	// --help shows them.
	Env []EnvVar
	// NewSection returns the kind's own profile settings (the keys of the
	// profile's auth section besides kind and scopes), filled with their
	// defaults; nil when the kind has no settings of its own.
	NewSection func() Section
	// Emulate prepares the built-in APS emulator for the kind and returns
	// the environment that authenticates against it; nil means the demo
	// client's credentials are all it needs.
	Emulate func(EmulatorHost) (map[string]string, error)
	// New builds the provider; it must not contact APS.
	New func(Settings) (Provider, error)
	// ActsAsUser is true when tokens belong to a signed-in person. A
	// single-user server then acts as that one person for whoever reaches
	// it; a team server acts as each caller with their own tokens.
	ActsAsUser bool
}

// EnvVar is an environment variable an auth kind reads.
type EnvVar struct {
	Name    string
	Meaning string // one line for --help
	// Required variables must be set for the kind to start. Alternatives
	// (a key as base64 or as a file) are not required; the provider
	// checks that one of them is set.
	Required bool
	// Secret values are removed from every log line.
	Secret bool
	// Placeholder, when set, is what client configuration snippets show
	// in the variable's place.
	Placeholder string
	// Setting, when set, is the key of the kind's profile section the
	// variable overrides (for example "redirect_uri").
	Setting string
}

// Section is a kind's own part of a profile's auth section. It is decoded
// strictly from the profile (yaml tags name its keys) and layered with the
// variables whose EnvVar.Setting names its keys.
type Section interface {
	// Validate reports what is wrong, each problem naming its key.
	Validate() []FieldProblem
}

// CallbackSection is a Section that may name the sign-in callback URL
// (the URL registered with the APS app) explicitly.
type CallbackSection interface {
	Section
	// ExplicitCallback is the callback URL the profile or environment
	// sets, or "" for the default.
	ExplicitCallback() string
}

// FieldProblem is one thing wrong with a key of a kind's section.
type FieldProblem struct {
	Field   string // the key, relative to the auth section ("redirect_uri")
	Message string
}

// EmulatorHost is what a kind may set up on the built-in APS emulator.
type EmulatorHost interface {
	// DemoCredentials are the emulator's registered demo application.
	DemoCredentials() (clientID, clientSecret string)
	// AddServiceAccount registers a service account whose assertions the
	// emulator verifies with key.
	AddServiceAccount(id, keyID string, key *rsa.PublicKey)
}

// appCredentials are the application's own credentials, which every kind
// needs.
var appCredentials = []EnvVar{
	{Name: "APS_CLIENT_ID", Meaning: "the APS application's client id", Required: true, Placeholder: "<APS_CLIENT_ID>"},
	{Name: "APS_CLIENT_SECRET", Meaning: "the APS application's client secret", Required: true, Secret: true, Placeholder: "<APS_CLIENT_SECRET>"},
}

// withAppCredentials is the application's credentials followed by a
// kind's own variables.
func withAppCredentials(own ...EnvVar) []EnvVar {
	return append(append([]EnvVar(nil), appCredentials...), own...)
}

var (
	kindsMu sync.RWMutex
	kinds   = map[string]Kind{}
)

// Register adds an auth kind. It is meant to be called from init and panics
// on a duplicate or incomplete kind, as database/sql.Register does.
func Register(k Kind) {
	if k.Name == "" || k.New == nil {
		panic("authproviders: Register needs a name and a constructor")
	}
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, dup := kinds[k.Name]; dup {
		panic(fmt.Sprintf("authproviders: kind %q registered twice", k.Name))
	}
	kinds[k.Name] = k
}

// Lookup returns the registered kind called name.
func Lookup(name string) (Kind, bool) {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	k, ok := kinds[name]
	return k, ok
}

// Kinds returns the names of every registered kind, sorted.
func Kinds() []string {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	names := make([]string, 0, len(kinds))
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Section returns a fresh section of the kind with its defaults, or nil.
func (k Kind) Section() Section {
	if k.NewSection == nil {
		return nil
	}
	return k.NewSection()
}

// RequiredEnv lists the variables the kind cannot start without.
func (k Kind) RequiredEnv() []string { return k.envNames(func(v EnvVar) bool { return v.Required }) }

// SecretEnv lists the variables whose values are secrets.
func (k Kind) SecretEnv() []string { return k.envNames(func(v EnvVar) bool { return v.Secret }) }

func (k Kind) envNames(keep func(EnvVar) bool) []string {
	var names []string
	for _, v := range k.Env {
		if keep(v) {
			names = append(names, v.Name)
		}
	}
	return names
}

// SecretEnvOfAllKinds lists every kind's secret variables, sorted and
// without repeats: what a log handler redacts whatever kind is served.
func SecretEnvOfAllKinds() []string {
	seen := map[string]bool{}
	var names []string
	for _, name := range Kinds() {
		k, _ := Lookup(name)
		for _, v := range k.SecretEnv() {
			if !seen[v] {
				seen[v] = true
				names = append(names, v)
			}
		}
	}
	sort.Strings(names)
	return names
}

// EmulatorEnv sets host up for the kind and returns the environment that
// authenticates against it.
func (k Kind) EmulatorEnv(host EmulatorHost) (map[string]string, error) {
	id, secret := host.DemoCredentials()
	env := map[string]string{"APS_CLIENT_ID": id, "APS_CLIENT_SECRET": secret}
	if k.Emulate == nil {
		return env, nil
	}
	own, err := k.Emulate(host)
	if err != nil {
		return nil, fmt.Errorf("auth %s on the emulator: %w", k.Name, err)
	}
	for name, v := range own {
		env[name] = v
	}
	return env, nil
}
