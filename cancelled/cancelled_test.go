package cancelled

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// slowServer is an MCP server whose tool "wait" runs until cancelled;
// started receives each call as it begins.
func slowServer() (*server.MCPServer, chan struct{}) {
	started := make(chan struct{}, 10)
	s := server.NewMCPServer("t", "1")
	s.AddTool(mcp.NewTool("wait"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		started <- struct{}{}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Second):
			return mcp.NewToolResultText("done"), nil
		}
	})
	s.AddTool(mcp.NewTool("quick"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText("quick"), nil
	})
	return s, started
}

const (
	initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
	callWait   = `{"jsonrpc":"2.0","id":%ID%,"method":"tools/call","params":{"name":"wait"}}`
	cancelWait = `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":%ID%,"reason":"the user pressed stop"}}`
)

func with(id, template string) string { return strings.ReplaceAll(template, "%ID%", id) }

// TestStdioNoAnswerToACancelledRequest: over stdio the cancelled call's
// response is not written; the next request is answered as usual.
func TestStdioNoAnswerToACancelledRequest(t *testing.T) {
	for _, id := range []string{`7`, `"seven"`} {
		t.Run(id, func(t *testing.T) {
			s, started := slowServer()
			clientOut, serverIn := io.Pipe()
			serverOut, clientIn := io.Pipe()
			in, out := Stdio(clientOut, clientIn)
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			go func() { _ = server.NewStdioServer(s).Listen(ctx, in, out) }()
			lines := bufio.NewScanner(serverOut)
			send := func(msg string) {
				if _, err := io.WriteString(serverIn, msg+"\n"); err != nil {
					t.Fatal(err)
				}
			}
			send(initialize)
			lines.Scan()
			send(with(id, callWait))
			<-started
			send(with(id, cancelWait))
			time.Sleep(200 * time.Millisecond) // the handler returns on the cancel
			send(`{"jsonrpc":"2.0","id":99,"method":"ping"}`)
			for lines.Scan() {
				var m struct {
					ID json.RawMessage `json:"id"`
				}
				_ = json.Unmarshal(lines.Bytes(), &m)
				if string(m.ID) == id {
					t.Fatalf("the cancelled request %s was answered: %s", id, lines.Text())
				}
				if string(m.ID) == "99" {
					return
				}
			}
			t.Fatal("no answer to the ping")
		})
	}
}

func post(t *testing.T, url, session, body string) *http.Response {
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
	return resp
}

// TestHTTPNoAnswerToACancelledRequest: over streamable HTTP the cancelled
// call's stream ends without a response, and other calls are answered.
func TestHTTPNoAnswerToACancelledRequest(t *testing.T) {
	s, started := slowServer()
	srv := httptest.NewServer(HTTP(server.NewStreamableHTTPServer(s)))
	defer srv.Close()
	url := srv.URL + "/mcp"
	resp := post(t, url, "", initialize)
	session := resp.Header.Get("Mcp-Session-Id")
	resp.Body.Close()

	answer := make(chan string, 1)
	go func() {
		resp := post(t, url, session, with("7", callWait))
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		answer <- resp.Header.Get("Content-Type") + " " + resp.Status + " " + string(body)
	}()
	<-started
	post(t, url, session, with("7", cancelWait)).Body.Close()
	select {
	case got := <-answer:
		if strings.Contains(got, `"id":7`) || !strings.Contains(got, "200") {
			t.Errorf("the cancelled call's POST got %q; want 200 and no response", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the cancelled call's POST did not end")
	}
	resp = post(t, url, session, `{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"quick"}}`)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"id":8`) || !strings.Contains(string(body), "quick") {
		t.Errorf("the next call got %s", body)
	}
}

// TestHTTPCancelWithoutSessionIsDropped: on protocol 2026-07-28 requests
// carry no session id, so a notifications/cancelled cannot be tied to the
// client that sent it; mcp-go would cancel any client's request with that
// id (every client counts from 1). Such a cancel is accepted and dropped.
func TestHTTPCancelWithoutSessionIsDropped(t *testing.T) {
	s, started := slowServer()
	srv := httptest.NewServer(HTTP(server.NewStreamableHTTPServer(s)))
	defer srv.Close()
	url := srv.URL + "/mcp"
	c, err := client.NewStreamableHttpClient(url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.ProtocolVersion20260728
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(ctx, 700*time.Millisecond)
		defer cancel()
		req := mcp.CallToolRequest{}
		req.Params.Name = "wait"
		_, err := c.CallTool(ctx, req)
		ended <- err
	}()
	<-started
	// Another client cancels "its" requests 1 to 5, among them the id of
	// this client's call.
	for id := 1; id <= 5; id++ {
		cancel := `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":` + strconv.Itoa(id) + `,"_meta":{"` +
			mcp.MetaKeyProtocolVersion + `":"` + mcp.ProtocolVersion20260728 + `","` + mcp.MetaKeyClientCapabilities + `":{}}}}`
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(cancel))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set(mcp.HeaderProtocolVersion, mcp.ProtocolVersion20260728)
		req.Header.Set("Mcp-Method", "notifications/cancelled")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Errorf("the session-less cancel got %d, want 202", resp.StatusCode)
		}
	}
	if err := <-ended; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("another client's cancel ended the call (%v); want it to run until its own deadline", err)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in                string
		request, response bool
		cancels           string
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"ping"}`, true, false, ""},
		{`{"jsonrpc":"2.0","id":1,"result":{}}`, false, true, ""},
		{`{"jsonrpc":"2.0","id":"a","error":{"code":1,"message":"x"}}`, false, true, ""},
		{`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId": 7}}`, false, false, "7"},
		{`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"7"}}`, false, false, `"7"`},
		{`{"jsonrpc":"2.0","method":"notifications/progress","params":{}}`, false, false, ""},
		{`{"jsonrpc":"2.0","id":null,"method":"x"}`, false, false, ""},
	}
	for _, tc := range tests {
		m, ok := parse([]byte(tc.in))
		if !ok || m.isRequest() != tc.request || m.isResponse() != tc.response || m.cancels() != tc.cancels {
			t.Errorf("%s: ok %v request %v response %v cancels %q", tc.in, ok, m.isRequest(), m.isResponse(), m.cancels())
		}
	}
	for _, bad := range []string{``, `[{"id":1}]`, `{"id":`, `"x"`} {
		if _, ok := parse([]byte(bad)); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
