package e2e_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// progressNote is one notifications/progress a client heard.
type progressNote struct {
	token           string
	progress, total float64
	message         string
}

// progressLog collects the progress notifications a client hears, in
// the order they arrive.
type progressLog struct {
	mu    sync.Mutex
	notes []progressNote
}

func (l *progressLog) add(n progressNote) {
	l.mu.Lock()
	l.notes = append(l.notes, n)
	l.mu.Unlock()
}

// of returns what arrived for token, waiting up to wait for want of them.
func (l *progressLog) of(token string, want int, wait time.Duration) []progressNote {
	for deadline := time.Now().Add(wait); ; time.Sleep(5 * time.Millisecond) {
		l.mu.Lock()
		var out []progressNote
		for _, n := range l.notes {
			if n.token == token {
				out = append(out, n)
			}
		}
		l.mu.Unlock()
		if len(out) >= want || time.Now().After(deadline) {
			return out
		}
	}
}

// progressClient calls a tool with a progress token and reports whether
// its notifications can only arrive before the result does: a client that
// reads the call's stream and dispatches in order.
type progressClient struct {
	name    string
	call    func(t *testing.T, tool string, args map[string]any, token string)
	log     *progressLog
	inOrder bool // every notification was dispatched when the call returns
}

// mcpgoProgressClient wraps an initialized mcp-go client.
func mcpgoProgressClient(name string, c *client.Client) progressClient {
	log := &progressLog{}
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method != "notifications/progress" {
			return
		}
		f := n.Params.AdditionalFields
		msg, _ := f["message"].(string)
		log.add(progressNote{token: fmt.Sprint(f["progressToken"]), progress: toFloat(f["progress"]), total: toFloat(f["total"]), message: msg})
	})
	return progressClient{name: name, log: log, inOrder: true, call: func(t *testing.T, tool string, args map[string]any, token string) {
		t.Helper()
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = tool, args
		req.Params.Meta = &mcp.Meta{ProgressToken: token}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		res, err := c.CallTool(ctx, req)
		if err != nil || res.IsError {
			t.Fatalf("%s: %v %v", tool, err, res)
		}
	}}
}

// sdkProgressClient connects the official go-sdk client on protocol
// 2025-11-25, which also opens the session's standalone GET stream: a
// second stream the server could send the call's notifications on.
func sdkProgressClient(t *testing.T, url string) progressClient {
	log := &progressLog{}
	cl := sdk.NewClient(&sdk.Implementation{Name: "go-sdk-progress", Version: "1"}, &sdk.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *sdk.ProgressNotificationClientRequest) {
			p := req.Params
			log.add(progressNote{token: fmt.Sprint(p.ProgressToken), progress: p.Progress, total: p.Total, message: p.Message})
		},
	})
	session, err := cl.Connect(context.Background(), &sdk.StreamableClientTransport{Endpoint: url, MaxRetries: -1},
		&sdk.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { session.Close() })
	return progressClient{name: "go-sdk http", log: log, call: func(t *testing.T, tool string, args map[string]any, token string) {
		t.Helper()
		params := &sdk.CallToolParams{Name: tool, Arguments: args}
		params.SetProgressToken(token)
		res, err := session.CallTool(context.Background(), params)
		if err != nil || res.IsError {
			t.Fatalf("%s: %v %v", tool, err, res)
		}
	}}
}

// listeningHTTPClient is mcp-go's client on the session-based protocol
// with its GET stream open, as the Inspector and the TypeScript SDK keep
// one.
func listeningHTTPClient(t *testing.T, url string) *client.Client {
	t.Helper()
	//lint:ignore SA1019 the legacy GET stream is what this client stands for: the Inspector and the TypeScript SDK still open one.
	listen := transport.WithContinuousListening()
	return httpClientWith(t, url, "2025-11-25", []transport.StreamableHTTPCOption{listen})
}

// TestProgressNotifications: a client that sends a progressToken hears
// about every page, in order, each with a progress one higher than the
// last and, where APS reports how many items there are, the total; over
// every transport and with a second stream open, again and again. A
// client that dispatches in order has them all before the result.
func TestProgressNotifications(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	env := serviceAccountEnv(emu)
	for k, v := range emulatorEnv(base) {
		env[k] = v
	}
	ossURL := startServer(t, base, serverOptions{})
	ssaURL := startServer(t, base, serverOptions{profile: "ssa", emu: emu})
	objectPages := (len(emu.Objects(demoBucket)) + 99) / 100
	issuePages := (len(emu.Issues(apsemuTowerIssues(emu))) + 99) / 100
	if objectPages < 3 || issuePages < 3 {
		t.Fatalf("the seed needs 3 pages of objects and issues, has %d and %d", objectPages, issuePages)
	}

	listings := []struct {
		name, tool string
		args       map[string]any
		pages      int
		total      bool // offset pagination: APS says how many
		clients    []progressClient
	}{
		{"objects", "list_objects", map[string]any{"bucket_key": demoBucket}, objectPages, false, []progressClient{
			mcpgoProgressClient("mcp-go stdio", stdioClient(t, emulatorEnv(base))),
			mcpgoProgressClient("mcp-go http", httpClient(t, ossURL)),
			mcpgoProgressClient("mcp-go http listening", listeningHTTPClient(t, ossURL)),
			sdkProgressClient(t, ossURL),
		}},
		{"issues", "list_issues", map[string]any{"project_id": apsemuTowerIssues(emu)}, issuePages, true, []progressClient{
			mcpgoProgressClient("mcp-go stdio", stdioClient(t, env, "--profile", "ssa")),
			mcpgoProgressClient("mcp-go http", httpClient(t, ssaURL)),
			sdkProgressClient(t, ssaURL),
		}},
	}
	const rounds = 5
	for _, l := range listings {
		for _, pc := range l.clients {
			t.Run(l.name+"/"+pc.name, func(t *testing.T) {
				for round := range rounds {
					token := fmt.Sprintf("%s-%s-%d", l.name, pc.name, round)
					pc.call(t, l.tool, l.args, token)
					wait := 2 * time.Second
					if pc.inOrder {
						wait = 0 // already dispatched, or never coming
					}
					checkProgress(t, pc.log.of(token, l.pages, wait), l.pages, l.total)
				}
			})
		}
	}
}

// checkProgress: exactly pages notifications, progress 1, 2, 3 ...; with
// total, each says how many pages there are.
func checkProgress(t *testing.T, notes []progressNote, pages int, total bool) {
	t.Helper()
	var got []float64
	for _, n := range notes {
		got = append(got, n.progress)
	}
	want := make([]float64, pages)
	for i := range want {
		want[i] = float64(i + 1)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("progress arrived as %v, want %v", got, want)
	}
	for _, n := range notes {
		switch {
		case total && n.total != float64(pages):
			t.Errorf("notification %v: total %v, want %d", n.progress, n.total, pages)
		case !total && n.total > 0:
			t.Errorf("notification %v: total %v for a listing whose size APS does not say", n.progress, n.total)
		case n.message == "":
			t.Errorf("notification %v has no message", n.progress)
		}
	}
}

// apsemuTowerIssues is the ACC project of the big issue set, as
// list_issues takes it.
func apsemuTowerIssues(emu *apsemu.Emulator) string {
	for _, h := range emu.Hubs() {
		for _, p := range emu.Projects(h.ID) {
			if id := strings.TrimPrefix(p.ID, "b."); len(emu.Issues(id)) > 100 {
				return id
			}
		}
	}
	return ""
}
