package e2e_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

const (
	slowListing  = `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"list_objects","arguments":{"bucket_key":"` + demoBucket + `"}}}`
	cancelFive   = `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5,"reason":"stop"}}`
	pingSix      = `{"jsonrpc":"2.0","id":6,"method":"ping"}`
	pageLatency  = 200 * time.Millisecond
	listingPages = 3 // the demo bucket at 100 a page
)

// waitForPage waits until the emulator has received a page request of the
// listing, so the call is under way.
func waitForPage(t *testing.T, emu *apsemu.Emulator) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range emu.Requests() {
			if strings.HasSuffix(r.Path, "/objects") {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the listing never reached the emulator")
}

// TestNoAnswerToACancelledRequestOverHTTP: a session-based client that
// cancels a call with notifications/cancelled gets no response to it; the
// call's stream ends empty (the MCP spec: no response to a cancelled
// request).
func TestNoAnswerToACancelledRequestOverHTTP(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	emu.SetFaults(apsemu.Faults{Latency: pageLatency})
	endpoint := startServer(t, base, serverOptions{})
	hc := &http.Client{Timeout: 20 * time.Second}
	_, session, _ := rawPost(t, hc, endpoint, "", "", initializeBody)
	answer := make(chan string, 1)
	go func() {
		status, _, body := rawPost(t, hc, endpoint, "", session, slowListing)
		answer <- http.StatusText(status) + " " + body
	}()
	waitForPage(t, emu)
	rawPost(t, hc, endpoint, "", session, cancelFive)
	select {
	case got := <-answer:
		if strings.Contains(got, `"id":5`) {
			t.Errorf("the cancelled call was answered: %.300s", got)
		}
	case <-time.After(listingPages * pageLatency * 5):
		t.Fatal("the cancelled call's stream did not end")
	}
	if status, _, body := rawPost(t, hc, endpoint, "", session, pingSix); status != http.StatusOK || !strings.Contains(body, `"id":6`) {
		t.Errorf("after the cancel, a ping got %d %s", status, body)
	}
}

// TestNoAnswerToACancelledRequestOverStdio: over stdio the response to a
// cancelled call is not written; the next request is answered.
func TestNoAnswerToACancelledRequestOverStdio(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	emu.SetFaults(apsemu.Faults{Latency: pageLatency})
	a, err := app.New(context.Background(), app.Options{
		ToolsFile: filepath.Join(repoRoot, "tools.yaml"), ProfilesDir: filepath.Join(repoRoot, "profiles"), Profile: "2lo",
		Env: config.EnvFromMap(emulatorEnv(base)), Logger: recordingLogger(nil), NoReload: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	clientOut, serverIn := io.Pipe()
	serverOut, clientIn := io.Pipe()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = a.ServeStdio(ctx, clientOut, clientIn) }()
	t.Cleanup(func() { stop(); serverIn.Close(); serverOut.Close(); <-done })
	send := func(msg string) {
		t.Helper()
		if _, err := io.WriteString(serverIn, msg+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	lines := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(serverOut)
		sc.Buffer(nil, 8<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	send(initializeBody)
	<-lines
	send(slowListing)
	waitForPage(t, emu)
	send(cancelFive)
	time.Sleep(2 * pageLatency) // the call stops at the cancel; its answer, if any, is written by now
	send(pingSix)
	for line := range lines {
		var m struct {
			ID json.RawMessage `json:"id"`
		}
		_ = json.Unmarshal([]byte(line), &m)
		switch string(m.ID) {
		case "5":
			t.Fatalf("the cancelled call was answered: %.300s", line)
		case "6":
			return
		}
	}
	t.Fatal("no answer to the ping")
}
