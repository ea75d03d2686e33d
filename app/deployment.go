package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/metrics"
	"github.com/aps-mcp/aps-mcp/store"
)

// ProfilePath is where profile name's MCP endpoint answers when one
// process serves several profiles.
func ProfilePath(name string) string { return "/p/" + name + "/mcp" }

// Deployment is one process serving several profiles, each at its own
// path (ProfilePath) with its own auth kind, tools and metadata. The first
// profile's server settings (address, public URL, store, sign-in rules,
// drain, the site pages' guards) are the deployment's, while each endpoint
// keeps its own profile's guards and limits; with a public URL every
// endpoint is behind the one sign-in, each a resource of its own.
type Deployment struct {
	Apps    []*App
	closers []func()
}

// NewDeployment builds an App for each of names (opts.Profile is
// ignored), sharing one emulator (with opts.Emulator), one metrics
// registry and one sign-in.
func NewDeployment(ctx context.Context, opts Options, names []string) (*Deployment, error) {
	profs, err := loadDeploymentProfiles(opts, names)
	if err != nil {
		return nil, err
	}
	slots := store.NewMemory() // the apps' budgets, unless a team store keeps them
	d := &Deployment{closers: []func(){func() { _ = slots.Close() }}}
	base := member{baseURL: profs[0].APS.BaseURL, env: opts.Env, metrics: metrics.New(), slots: slots}
	if opts.Emulator {
		var kinds []authproviders.Kind
		for _, p := range profs {
			if k, _ := authproviders.Lookup(p.Auth.Kind); !slices.ContainsFunc(kinds, func(o authproviders.Kind) bool { return o.Name == k.Name }) {
				kinds = append(kinds, k)
			}
		}
		url, creds, stop, err := startEmulator(ctx, kinds, opts.Logger)
		if err != nil {
			return nil, err
		}
		d.closers = append(d.closers, stop)
		base.baseURL, base.env = url, opts.Env.With(creds)
	}
	for i, name := range names {
		m := base
		m.path = ProfilePath(name)
		if i == 0 && profs[0].Team() {
			m.teamOf = profs // the first app builds the sign-in for all
		}
		o := opts
		o.Profile, o.Emulator = name, false
		a, err := newApp(ctx, o, &m)
		if err != nil {
			d.Close()
			return nil, err
		}
		if m.teamOf != nil {
			base.team = a.team
			d.closers = append(d.closers, a.team.close)
		}
		d.Apps = append(d.Apps, a)
	}
	return d, nil
}

// loadDeploymentProfiles loads every profile and checks they can share a
// process: distinct names, HTTP, one public URL and store for all team
// profiles, and no single-user 3lo profile without the sign-in.
func loadDeploymentProfiles(opts Options, names []string) ([]*config.Profile, error) {
	var profs []*config.Profile
	var problems []error
	for i, name := range names {
		if slices.Contains(names[:i], name) {
			problems = append(problems, fmt.Errorf("profile %s is named twice", name))
			continue
		}
		o := opts
		o.Profile = name
		loaded, err := Load(o)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		profs = append(profs, loaded.Profile)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return profs, checkShareable(profs)
}

func checkShareable(profs []*config.Profile) error {
	first := profs[0]
	var problems []error
	for _, p := range profs {
		kind, _ := authproviders.Lookup(p.Auth.Kind)
		switch {
		case p.Server.Transport != config.TransportHTTP:
			problems = append(problems, fmt.Errorf("profile %s: several profiles are served over HTTP only", p.Name))
		case p.Team() && (p.Server.PublicURL != first.Server.PublicURL || p.Server.Store != first.Server.Store):
			problems = append(problems, fmt.Errorf("profile %s: its server.public_url and server.store must be those of %s, the first profile", p.Name, first.Name))
		case kind.ActsAsUser && !first.Team():
			problems = append(problems, fmt.Errorf("profile %s: a %s profile without the team sign-in acts for one person; serve it on its own, or list a team profile first", p.Name, kind.Name))
		}
	}
	return errors.Join(problems...)
}

// Serve listens on the first profile's address (after the same exposure
// checks a single profile gets) until ctx is done.
func (d *Deployment) Serve(ctx context.Context) error {
	first := d.Apps[0]
	addr := first.Current().Profile.Server.Addr
	if err := first.checkExposure(addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	return d.ServeListener(ctx, ln)
}

// ServeListener serves every profile's endpoint, and the first profile's
// site routes (sign-in, health, metrics), on ln until ctx is done.
func (d *Deployment) ServeListener(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	var shutdowns []func(context.Context) error
	for _, a := range d.Apps {
		endpoint, shutdown := a.mcpEndpoint()
		mux.Handle(a.mcpPath, endpoint)
		shutdowns = append(shutdowns, shutdown)
		a.logServing(ln)
	}
	d.Apps[0].peers = d.Apps[1:] // the first app's /readyz speaks for all
	d.Apps[0].siteRoutes(mux)
	for _, a := range d.Apps {
		a.creds.start(a.checkCredentials)
	}
	return serveHTTP(ctx, ln, mux, d.Apps[0].site(), shutdowns...)
}

// Close stops every app and what the deployment started.
func (d *Deployment) Close() {
	for _, a := range d.Apps {
		a.Close()
	}
	for i := len(d.closers) - 1; i >= 0; i-- {
		d.closers[i]()
	}
	d.closers = nil
}

// SplitProfiles reads a --profile value: one name, or several separated
// by commas.
func SplitProfiles(v string) []string {
	var names []string
	for _, n := range strings.Split(v, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}
