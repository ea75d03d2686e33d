package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

const notes = 5

// chatty is an MCP server whose tool "count" sends notes notifications
// through Send and reports whether each was written by it.
func chatty(t *testing.T) *server.MCPServer {
	s := server.NewMCPServer("t", "1")
	s.AddTool(mcp.NewTool("count"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		for i := 1; i <= notes; i++ {
			sent, err := Send(ctx, "notifications/progress", map[string]any{"progressToken": "p", "progress": i})
			if !sent || err != nil {
				t.Errorf("Send %d: sent %v, %v", i, sent, err)
			}
		}
		return mcp.NewToolResultText("done"), nil
	})
	return s
}

const (
	initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
	callCount  = `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"count","_meta":{"progressToken":"p"}}}`
)

// kinds reads messages and names each: "1".."5" for progress, "answer"
// for the response to the call.
func kind(t *testing.T, data string) string {
	t.Helper()
	var m struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params struct {
			Progress json.Number `json:"progress"`
		} `json:"params"`
	}
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		t.Fatalf("not a message: %q", data)
	}
	if m.Method == "notifications/progress" {
		return m.Params.Progress.String()
	}
	return "answer " + string(m.ID)
}

const want = "1 2 3 4 5 answer 2"

// TestStdioWritesNotificationsBeforeTheAnswer: over stdio every
// notification is on stdout, in order, before the response, call after
// call.
func TestStdioWritesNotificationsBeforeTheAnswer(t *testing.T) {
	clientOut, serverIn := io.Pipe()
	serverOut, clientIn := io.Pipe()
	out := Stdio(clientIn)
	stdio := server.NewStdioServer(chatty(t))
	stdio.SetContextFunc(out.WithContext)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() { _ = stdio.Listen(ctx, clientOut, out) }()
	lines := bufio.NewScanner(serverOut)
	send := func(msg string) {
		if _, err := io.WriteString(serverIn, msg+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	send(initialize)
	lines.Scan()
	for range 20 {
		send(callCount)
		var got []string
		for len(got) < notes+1 && lines.Scan() {
			got = append(got, kind(t, lines.Text()))
		}
		if s := strings.Join(got, " "); s != want {
			t.Fatalf("stdout carried %q, want %q", s, want)
		}
	}
}

// post sends body to url and returns the messages of the answer, one per
// event of an event stream or the one JSON body.
func post(t *testing.T, url, session, body string) (*http.Response, []string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp, []string{string(data)}
	}
	var msgs []string
	for _, line := range strings.Split(string(data), "\n") {
		if d, ok := strings.CutPrefix(line, "data: "); ok {
			msgs = append(msgs, d)
		}
	}
	return resp, msgs
}

// TestHTTPWritesNotificationsOnThePOSTStream: over streamable HTTP every
// notification is on the call's own event stream, in order, before the
// response, even while the session's GET stream is open to take them.
func TestHTTPWritesNotificationsOnThePOSTStream(t *testing.T) {
	srv := httptest.NewServer(HTTP(server.NewStreamableHTTPServer(chatty(t))))
	defer srv.Close()
	url := srv.URL + "/mcp"
	resp, _ := post(t, url, "", initialize)
	session := resp.Header.Get("Mcp-Session-Id")
	post(t, url, session, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)

	get, _ := http.NewRequest(http.MethodGet, url, nil)
	get.Header.Set("Accept", "text/event-stream")
	get.Header.Set("Mcp-Session-Id", session)
	get.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	listen, err := http.DefaultClient.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	defer listen.Body.Close()
	if listen.StatusCode != http.StatusOK {
		t.Fatalf("GET stream: %s", listen.Status)
	}

	for range 20 {
		_, msgs := post(t, url, session, callCount)
		var got []string
		for _, m := range msgs {
			got = append(got, kind(t, m))
		}
		if s := strings.Join(got, " "); s != want {
			t.Fatalf("the POST stream carried %q, want %q", s, want)
		}
	}
}

// TestSendOutsideAWrappedTransport: without HTTP or Stdio, or once the
// request was answered, Send writes nothing and says so.
func TestSendOutsideAWrappedTransport(t *testing.T) {
	if sent, err := Send(context.Background(), "notifications/progress", nil); sent || err != nil {
		t.Errorf("Send without an output: %v, %v", sent, err)
	}
	ctx := server.NewMCPServer("t", "1").WithContext(context.Background(), &streamSession{})
	for _, answered := range []bool{false, true} {
		rec := httptest.NewRecorder()
		w := &streamWriter{ResponseWriter: rec}
		if answered {
			w.close()
		}
		sent, err := w.notify(ctx, []byte(`{}`))
		if err != nil || sent == answered || (rec.Body.Len() > 0) == answered {
			t.Errorf("notify, answered %v: sent %v, %v, wrote %q", answered, sent, err, rec.Body.String())
		}
	}
}

// streamSession is a streamable HTTP session as notify sees it.
type streamSession struct{ upgraded bool }

func (s *streamSession) Initialize()                                         {}
func (s *streamSession) Initialized() bool                                   { return true }
func (s *streamSession) NotificationChannel() chan<- mcp.JSONRPCNotification { return nil }
func (s *streamSession) SessionID() string                                   { return "s" }
func (s *streamSession) UpgradeToSSEWhenReceiveNotification()                { s.upgraded = true }
