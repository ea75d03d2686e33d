package app

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"log/slog"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// emulatorServiceAccount is the service account --emulator registers.
const emulatorServiceAccount = "apsemu-demo-service-account"

// startEmulator serves the APS emulator on a free loopback port and
// returns its URL and the environment that authenticates against it for
// the given auth kind: the demo client, and for ssa a freshly generated key
// pair whose public half the emulator now trusts.
func startEmulator(ctx context.Context, kind string, logger *slog.Logger) (string, map[string]string, func(), error) {
	emu := apsemu.New(apsemu.Options{})
	creds := map[string]string{"APS_CLIENT_ID": apsemu.DemoClientID, "APS_CLIENT_SECRET": apsemu.DemoClientSecret}
	if kind == "ssa" {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return "", nil, nil, fmt.Errorf("generating the emulator's service account key: %w", err)
		}
		keyID := "apsemu-demo-key"
		emu.AddServiceAccount(apsemu.ServiceAccount{ID: emulatorServiceAccount, KeyID: keyID, Key: &key.PublicKey})
		pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
		creds["APS_SSA_ID"] = emulatorServiceAccount
		creds["APS_SSA_KEY_ID"] = keyID
		creds["APS_SSA_KEY_BASE64"] = base64.StdEncoding.EncodeToString(pemKey)
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
