package app

import (
	"context"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"maps"

	"github.com/aps-mcp/aps-mcp/authproviders"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// emulatorHost lets an auth kind set up the emulator it will talk to.
type emulatorHost struct{ emu *apsemu.Emulator }

func (h emulatorHost) DemoCredentials() (string, string) {
	return apsemu.DemoClientID, apsemu.DemoClientSecret
}

func (h emulatorHost) AddServiceAccount(id, keyID string, key *rsa.PublicKey) {
	h.emu.AddServiceAccount(apsemu.ServiceAccount{ID: id, KeyID: keyID, Key: key})
}

// EmulatorCredentials sets emu up for every auth kind and returns the
// environment that authenticates against it with any of them (for
// aps-mcp emulator, which prints it).
func EmulatorCredentials(emu *apsemu.Emulator) (map[string]string, error) {
	creds := map[string]string{}
	for _, name := range authproviders.Kinds() {
		kind, _ := authproviders.Lookup(name)
		env, err := kind.EmulatorEnv(emulatorHost{emu})
		if err != nil {
			return nil, err
		}
		maps.Copy(creds, env)
	}
	return creds, nil
}

// startEmulator serves the APS emulator on a free loopback port and
// returns its URL and the environment that authenticates against it for
// the given auth kinds (each kind sets the emulator up as it needs).
func startEmulator(ctx context.Context, kinds []authproviders.Kind, logger *slog.Logger) (string, map[string]string, func(), error) {
	emu := apsemu.New(apsemu.Options{})
	creds := map[string]string{}
	for _, kind := range kinds {
		env, err := kind.EmulatorEnv(emulatorHost{emu})
		if err != nil {
			return "", nil, nil, err
		}
		maps.Copy(creds, env)
	}
	ctx, cancel := context.WithCancel(ctx)
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- apsemu.ListenAndServe(ctx, "127.0.0.1:0", emu, func(u string) { urls <- u })
	}()
	select {
	case u := <-urls:
		logger.Info("APS emulator serving", "url", u)
		return u, creds, func() { cancel(); <-done }, nil
	case err := <-done:
		cancel()
		return "", nil, nil, fmt.Errorf("starting the APS emulator: %w", err)
	}
}
