package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestCallWaitsForTheSignIn: `aps-mcp call --profile 3lo` prints the
// sign-in link, receives the callback itself and then makes the call,
// instead of printing a link nothing would ever receive.
func TestCallWaitsForTheSignIn(t *testing.T) {
	_, base := emulator(t, apsemu.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	callbackAddr := ln.Addr().String()
	ln.Close() // the call listens there itself
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, "call", "--profile", "3lo", "--no-reload",
		"--tools", repoRoot+"/tools.yaml", "--profiles", repoRoot+"/profiles", "whoami")
	cmd.Dir = t.TempDir()
	cmd.Env = binaryEnv(map[string]string{"APS_BASE_URL": base, "APS_CLIENT_ID": apsemu.DemoClientID,
		"APS_CLIENT_SECRET": apsemu.DemoClientSecret, "APS_CALLBACK_URL": "http://" + callbackAddr + "/callback"})
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	link := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := regexp.MustCompile(`https?://\S+/authentication/v2/authorize\S+`).FindString(sc.Text()); m != "" {
				link <- m
			}
		}
	}()
	select {
	case u := <-link:
		resp, err := http.Get(u) // the browser: the emulator signs the demo user in and redirects to the callback
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("the callback answered %d", resp.StatusCode)
		}
	case <-ctx.Done():
		t.Fatal("call printed no sign-in link")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("call: %v\n%s", err, stdout.String())
	}
	if !strings.Contains(stdout.String(), apsemu.DemoUserID) {
		t.Errorf("whoami printed %s", stdout.String())
	}
}

// TestEmulatorCommandPrintsEveryKindsVariables: what `aps-mcp emulator`
// prints is enough for the ssa profile too.
func TestEmulatorCommandPrintsEveryKindsVariables(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	emu := exec.CommandContext(ctx, binPath, "emulator", "--addr", addr)
	out, err := emu.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Process.Kill(); _ = emu.Wait() })
	vars := map[string]string{}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for len(vars) < 6 && sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "="); ok && strings.HasPrefix(k, "APS_") {
			vars[k] = v
		}
	}
	for _, k := range []string{"APS_BASE_URL", "APS_CLIENT_ID", "APS_CLIENT_SECRET", "APS_SSA_ID", "APS_SSA_KEY_ID", "APS_SSA_KEY_BASE64"} {
		if vars[k] == "" {
			t.Fatalf("emulator printed no %s: %v", k, vars)
		}
	}
	call := exec.CommandContext(ctx, binPath, "call", "--profile", "ssa", "--no-reload",
		"--tools", repoRoot+"/tools.yaml", "--profiles", repoRoot+"/profiles", "list_hubs")
	call.Dir = t.TempDir()
	call.Env = binaryEnv(vars)
	res, err := call.CombinedOutput()
	if err != nil || !strings.Contains(string(res), `"items"`) {
		t.Errorf("call --profile ssa with the printed variables: %v\n%s", err, res)
	}
}
