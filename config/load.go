package config

import (
	"fmt"

	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
)

// Overrides are the command-line flags that win over everything else;
// empty fields are not set.
type Overrides struct {
	Transport string
	Addr      string
}

func (ov Overrides) layer() map[string]any {
	m := map[string]any{}
	if ov.Transport != "" {
		m["server.transport"] = ov.Transport
	}
	if ov.Addr != "" {
		m["server.addr"] = ov.Addr
	}
	return m
}

// envKeys maps the environment variables that override profile settings
// to their keys; auth kinds add their own (authproviders.EnvVar.Setting).
var envKeys = map[string]string{
	"APS_BASE_URL":       "aps.base_url",
	"APS_MCP_TRANSPORT":  "server.transport",
	"APS_MCP_ADDR":       "server.addr",
	"APS_MCP_PUBLIC_URL": "server.public_url",
	"APS_MCP_STORE":      "server.store",
	"APS_MCP_PACE":       "limits.pace",
}

// EnvOverrides lists the environment variables a profile setting can come
// from (the auth kinds' included), for --help.
func EnvOverrides() map[string]string {
	m := map[string]string{}
	for v, key := range envKeys {
		m[v] = key
	}
	for _, name := range authproviders.Kinds() {
		for v, key := range kindEnvKeys(name) {
			m[v] = key + " (" + name + ")"
		}
	}
	return m
}

// kindEnvKeys maps the variables of kind name that override its settings
// to their keys in the profile.
func kindEnvKeys(name string) map[string]string {
	m := map[string]string{}
	if kind, ok := authproviders.Lookup(name); ok {
		for _, v := range kind.Env {
			if v.Setting != "" {
				m[v.Name] = "auth." + v.Setting
			}
		}
	}
	return m
}

// LoadProfile reads profile name from dir and layers it: defaults, the
// file (decoded once, strictly, the auth section's own keys by its kind),
// the environment, then overrides. Every problem is returned together as
// strictyaml.Problems naming file, line and field.
func LoadProfile(dir, name string, env Env, ov Overrides) (*Profile, error) {
	src, err := ProfileFiles{Dir: dir}.Source(name)
	if err != nil {
		return nil, err
	}
	return LoadProfileAt(src, name, env, ov)
}

// LoadProfileAt is LoadProfile for the file at src (ProfileFiles.Source
// says where a profile is).
func LoadProfileAt(src strictyaml.Source, name string, env Env, ov Overrides) (*Profile, error) {
	doc, err := src.Read()
	if err != nil {
		return nil, err
	}
	p := &Profile{Name: name, File: src.String()}
	if err := layer(p, defaults()); err != nil {
		return nil, fmt.Errorf("built-in defaults: %w", err)
	}
	ps := decode(doc, p)
	p.lines = doc.LineIndex()
	over := envLayer(env, p.Auth.Kind)
	for key, v := range ov.layer() {
		over[key] = v
	}
	if err := layer(p, over); err != nil {
		return nil, fmt.Errorf("profile %s: environment and flags: %w", name, err)
	}
	// The checks run even when decoding found problems, so every problem
	// comes back at once; they skip the values that failed to decode.
	if ps = append(ps, p.validate(doc, over)...); len(ps) > 0 {
		ps.Sort()
		return nil, ps
	}
	return p, nil
}

// decode decodes the file onto p; the auth section's keys other than
// kind and scopes go to the kind's own section.
func decode(doc *strictyaml.Document, p *Profile) strictyaml.Problems {
	subject := "profile " + p.Name
	ps := doc.Decode(p, subject, nil, "auth")
	kind, ok := authproviders.Lookup(p.Auth.Kind)
	if !ok {
		return ps // validate names the unknown kind
	}
	p.Auth.Section = kind.Section()
	target := any(&struct{}{})
	if p.Auth.Section != nil {
		target = p.Auth.Section
	}
	return append(ps, doc.DecodeAt("auth", target, subject, "kind", "scopes")...)
}

// layer sets the values of flat dotted keys onto p, converting strings as
// the fields need (durations, numbers, booleans); keys under auth. that
// are not kind or scopes go to the kind's section.
func layer(p *Profile, values map[string]any) error {
	if len(values) == 0 {
		return nil
	}
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(values, "."), nil); err != nil {
		return err
	}
	conf := koanf.UnmarshalConf{Tag: "yaml"}
	if err := k.UnmarshalWithConf("", p, conf); err != nil {
		return err
	}
	if p.Auth.Section != nil && k.Exists("auth") {
		return k.UnmarshalWithConf("auth", p.Auth.Section, conf)
	}
	return nil
}

// envLayer is the settings the environment overrides for a profile of the
// given auth kind.
func envLayer(env Env, kind string) map[string]any {
	m := map[string]any{}
	keys := kindEnvKeys(kind)
	for v, key := range envKeys {
		keys[v] = key
	}
	for v, key := range keys {
		if val := env.Get(v); val != "" {
			m[key] = val
		}
	}
	return m
}
