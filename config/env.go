// Package config loads a profile (built-in defaults < profile file <
// environment < flags, layered with koanf) and the environment, including
// the optional .env file.
package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Env is the environment the server reads: the process environment over
// the .env file, which never overrides a variable already set.
type Env struct {
	vars map[string]string
}

// EnvFromMap returns an Env holding exactly vars (for tests and embedding).
func EnvFromMap(vars map[string]string) Env {
	m := make(map[string]string, len(vars))
	for k, v := range vars {
		m[k] = v
	}
	return Env{vars: m}
}

// LoadEnv reads the process environment and, if it exists, dotenvPath.
func LoadEnv(dotenvPath string) (Env, error) {
	e := Env{vars: map[string]string{}}
	if dotenvPath != "" {
		data, err := os.ReadFile(dotenvPath)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return Env{}, fmt.Errorf("reading %s: %w", dotenvPath, err)
		default:
			vars, err := parseDotenv(dotenvPath, data)
			if err != nil {
				return Env{}, err
			}
			e.vars = vars
		}
	}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		e.vars[k] = v
	}
	return e, nil
}

// Get returns the variable's value, or "".
func (e Env) Get(key string) string { return e.vars[key] }

// With returns a copy of e with vars set over it.
func (e Env) With(vars map[string]string) Env {
	m := make(map[string]string, len(e.vars)+len(vars))
	for k, v := range e.vars {
		m[k] = v
	}
	for k, v := range vars {
		m[k] = v
	}
	return Env{vars: m}
}

// parseDotenv reads KEY=VALUE lines; blank lines and # comments are
// skipped, an optional "export " prefix is allowed, and values may be
// wrapped in single or double quotes. Errors name the line but never echo
// the value, which may be a secret.
func parseDotenv(file string, data []byte) (map[string]string, error) {
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			return nil, fmt.Errorf("%s:%d: expected KEY=VALUE", file, n)
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			value = value[1 : len(value)-1]
		} else if i := strings.Index(value, " #"); i >= 0 {
			value = strings.TrimSpace(value[:i])
		}
		vars[key] = value
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	return vars, nil
}
