package app

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/aps-mcp/aps-mcp/config"
)

// What a reload does with each profile setting: applies it, or refuses the
// whole reload until a restart. Every setting of config.Profile is in
// exactly one list (TestEveryProfileSettingHasAReloadRule). The kind's own
// auth keys (auth.redirect_uri, auth.token_store, ...) rebuild the
// provider like auth.scopes do; a changed sign-in callback needs a restart
// (newProvider), and so does any auth change on a team server, whose
// sign-in was built from the settings it started with.
var (
	// restartOnly settings shape what exists from the start: the
	// listener, the protections checked before listening, the team
	// server's sign-in, the APS host and the HTTP client, and the
	// instructions mcp-go hands out at initialize.
	restartOnly = []string{
		"description", "auth.kind",
		"server.transport", "server.addr", "server.allow_non_loopback", "server.auth_token_env", "server.allow_unprotected",
		"server.public_url", "server.store", "server.share_reads", "server.cache_bytes", "server.sign_in.allowed_emails", "server.sign_in.allowed_domains",
		"aps.base_url", "limits.request_timeout",
	}
	// appliedOnReload settings are read again on every request or call,
	// or rebuild what uses them (the provider, for auth and retry).
	appliedOnReload = []string{
		"auth.scopes",
		"server.allowed_hosts", "server.max_body_bytes", "server.write_timeout", "server.session_idle_timeout", "server.max_sessions",
		"server.metrics", "server.drain",
		"tools.include", "tools.exclude", "tools.read_only", "tools.on_demand", "tools.allow_unconfirmed_destructive",
		"limits.max_items", "limits.max_bytes", "limits.call_timeout", "limits.pace",
		"retry.max_attempts", "retry.base_delay", "retry.max_delay", "retry.max_wait",
	}
)

// checkRestartOnly refuses a reload that changes a setting only a restart
// applies, naming each.
func checkRestartOnly(cur, next *config.Profile) error {
	var changed []error
	for _, key := range restartOnly {
		if !reflect.DeepEqual(settingValue(cur, key), settingValue(next, key)) {
			changed = append(changed, fmt.Errorf("%s needs a restart: the running server keeps the value it started with", key))
		}
	}
	return errors.Join(changed...)
}

// settingKeys lists the dotted keys of every setting in a profile type,
// by its yaml tags (fields tagged "-" are not settings of the file).
func settingKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Duration]() {
			keys = append(keys, settingKeys(f.Type, prefix+name+".")...)
			continue
		}
		keys = append(keys, prefix+name)
	}
	return keys
}

// settingValue is the value of the setting at key in p.
func settingValue(p *config.Profile, key string) any {
	v := reflect.ValueOf(p).Elem()
	for _, name := range strings.Split(key, ".") {
		v = fieldByTag(v, name)
	}
	return v.Interface()
}

func fieldByTag(v reflect.Value, name string) reflect.Value {
	for i := range v.NumField() {
		if tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ","); tag == name {
			return v.Field(i)
		}
	}
	panic("app: no profile setting " + name) // the lists above name only real settings (tested)
}
