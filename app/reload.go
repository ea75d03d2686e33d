package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/aps-mcp/aps-mcp/internal/strictyaml"
	"github.com/aps-mcp/aps-mcp/registry"
)

// Reload timing: files are read this often, and a change must hold still
// this long before it is loaded, so an editor's several writes (or a
// write-then-rename save) become one reload.
const (
	pollInterval = 250 * time.Millisecond
	settleTime   = 200 * time.Millisecond
)

// startWatching logs which files the app reads and, unless
// opts.NoReload, watches those on disk until Close. Built-in files cannot
// change, so they are not watched, and the log says so.
func (a *App) startWatching(ctx context.Context) {
	real, builtin := a.files.onDisk()
	a.logger.Info("configuration files", "tools", a.files.Tools.String(), "profile", a.files.Profile.String())
	if a.opts.NoReload {
		return
	}
	if len(builtin) > 0 {
		a.logger.Info("not watching the built-in files: they cannot change; to edit one, put your own copy in the working directory "+
			"(tools.yaml, profiles/NAME.yaml) or name it with --tools or --profiles", "files", strings.Join(builtin, ", "))
	}
	if len(real) == 0 {
		return
	}
	watchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { defer close(done); a.watch(watchCtx, real) }()
	a.closers = append(a.closers, func() { cancel(); <-done })
}

// watch reloads when one of files changes, until ctx ends. It compares
// file contents rather than relying on file-system events: a save by
// rename, a file deleted and written again, or a file on a network mount
// are all seen the same way.
func (a *App) watch(ctx context.Context, files []string) {
	last := fingerprint(files)
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		now := fingerprint(files)
		if bytes.Equal(now, last) {
			continue
		}
		// Wait for the change to settle.
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(settleTime):
			}
			settled := fingerprint(files)
			if bytes.Equal(settled, now) {
				break
			}
			now = settled
		}
		last = now
		a.Reload()
	}
}

// fingerprint hashes the files' contents (a missing file hashes as such).
func fingerprint(files []string) []byte {
	h := sha256.New()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			h.Write([]byte("\x00missing\x00"))
		}
		h.Write(data)
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

// Reload builds a complete candidate from the files and swaps it in only
// if every part of it is valid; otherwise the running set stays and every
// problem is logged, once per distinct failure. Each setting is either
// applied or, when only a restart can apply it (reloadrules.go), the
// reload is refused saying so.
func (a *App) Reload() error {
	before := a.Current()
	loaded, err := a.files.load(a.opts)
	if err == nil {
		err = checkRestartOnly(a.Current().Profile, loaded.Profile)
	}
	if err == nil {
		err = a.install(loaded)
	}
	a.mu.Lock()
	repeated := err != nil && err.Error() == a.lastErr
	if err != nil {
		a.lastErr = err.Error()
	} else {
		a.lastErr = ""
	}
	a.mu.Unlock()
	if err != nil {
		if !repeated {
			for _, line := range strictyaml.Lines(err) {
				a.logger.Error("reload refused; still serving the previous configuration", "problem", line)
			}
		}
		return err
	}
	ch := registry.Diff(before.Tools, loaded.Tools)
	if len(ch.Removed) > 0 {
		// A file saved half-way, or a tool deleted by mistake, shows here.
		a.logger.Warn("reload removed tools; clients no longer see them", "removed", strings.Join(ch.Removed, ", "))
	}
	a.logger.Info("configuration reloaded", "profile", loaded.Profile.Name, "tools", len(loaded.Tools),
		"added", strings.Join(ch.Added, ", "), "removed", strings.Join(ch.Removed, ", "), "changed", strings.Join(ch.Changed, ", "))
	return nil
}

// Auth changes a reload cannot apply.
var (
	errTeamAuth = errors.New("auth.scopes and the auth kind's own settings of a team server: the change needs a restart (the sign-in was built from the settings it started with)")
	errCallback = errors.New("the sign-in callback URL (auth.redirect_uri, APS_CALLBACK_URL): the change needs a restart (the callback is mounted when serving starts)")
)
