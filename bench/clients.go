package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aps-mcp/aps-mcp/apshttp"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// connectTimeout bounds one client's connection and initialization.
const connectTimeout = 30 * time.Second

// caller makes one measured request; each load worker has its own.
type caller interface {
	call(ctx context.Context) error
	close()
}

// path is one way of getting the bucket list: through the server with one
// of the two MCP clients, or straight from APS.
type path struct {
	name string
	// connect returns a new caller and what it negotiated (the protocol
	// version), for the report.
	connect func(ctx context.Context) (caller, string, error)
}

// legacyProtocol is the last protocol revision with initialize and sessions.
const legacyProtocol = "2025-11-25"

// benchTool is the tool under load: one APS page, 28 US buckets.
const benchTool = "list_buckets"

// ownTransport gives each client its own connection pool, as separate
// MCP clients would have.
func ownTransport() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// mcpGoPath calls through the server with mark3labs/mcp-go's client, which
// negotiates the stateless 2026-07-28 protocol.
func mcpGoPath(url string) path {
	return path{name: "mcp-go client", connect: func(ctx context.Context) (caller, string, error) {
		c, res, hc, err := dialMCPGo(ctx, url)
		if err != nil {
			return nil, "", err
		}
		return &mcpGoCaller{c: c, hc: hc}, res.ProtocolVersion, nil
	}}
}

func dialMCPGo(ctx context.Context, url string) (*client.Client, *mcp.InitializeResult, *http.Client, error) {
	hc := ownTransport()
	c, err := client.NewStreamableHttpClient(url, transport.WithHTTPBasicClient(hc))
	if err != nil {
		return nil, nil, nil, err
	}
	// Start's context lives as long as the client.
	if err := c.Start(context.Background()); err != nil {
		return nil, nil, nil, fmt.Errorf("mcp-go client start: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "aps-mcp-bench", Version: "1"}
	res, err := c.Initialize(ctx, req)
	if err != nil {
		c.Close()
		return nil, nil, nil, fmt.Errorf("mcp-go initialize: %w", err)
	}
	return c, res, hc, nil
}

type mcpGoCaller struct {
	c  *client.Client
	hc *http.Client
}

func (m *mcpGoCaller) call(ctx context.Context) error {
	req := mcp.CallToolRequest{}
	req.Params.Name = benchTool
	res, err := m.c.CallTool(ctx, req)
	if err != nil {
		return err
	}
	if res.IsError {
		return fmt.Errorf("tool error: %s", mcpGoText(res))
	}
	return nil
}

func (m *mcpGoCaller) close() {
	m.c.Close()
	m.hc.CloseIdleConnections()
}

func mcpGoText(res *mcp.CallToolResult) string {
	var sb strings.Builder
	for _, c := range res.Content {
		if t, ok := c.(mcp.TextContent); ok {
			sb.WriteString(t.Text)
		}
	}
	return sb.String()
}

// goSDKPath calls through the server with the official go-sdk client,
// pinned to the session-based 2025-11-25 protocol (unpinned, go-sdk
// v1.8.0 negotiates the stateless 2026-07-28 as mcp-go does).
func goSDKPath(url string) path {
	return path{name: "go-sdk client", connect: func(ctx context.Context) (caller, string, error) {
		ctx, cancel := context.WithTimeout(ctx, connectTimeout)
		defer cancel()
		hc := ownTransport()
		cl := sdk.NewClient(&sdk.Implementation{Name: "aps-mcp-bench", Version: "1"}, nil)
		s, err := cl.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: url, HTTPClient: hc, MaxRetries: -1},
			&sdk.ClientSessionOptions{ProtocolVersion: legacyProtocol})
		if err != nil {
			return nil, "", fmt.Errorf("go-sdk connect: %w", err)
		}
		return &goSDKCaller{s: s, hc: hc}, s.InitializeResult().ProtocolVersion, nil
	}}
}

type goSDKCaller struct {
	s  *sdk.ClientSession
	hc *http.Client
}

func (g *goSDKCaller) call(ctx context.Context) error {
	res, err := g.s.CallTool(ctx, &sdk.CallToolParams{Name: benchTool})
	if err != nil {
		return err
	}
	if res.IsError {
		var sb strings.Builder
		for _, c := range res.Content {
			if t, ok := c.(*sdk.TextContent); ok {
				sb.WriteString(t.Text)
			}
		}
		return fmt.Errorf("tool error: %s", sb.String())
	}
	return nil
}

func (g *goSDKCaller) close() {
	_ = g.s.Close()
	g.hc.CloseIdleConnections()
}

// floorPath is the APS request list_buckets makes, sent directly with the
// server's HTTP client settings and one shared client, as the server
// shares one: what the server cannot go below.
func floorPath(rc *resty.Client, baseURL, token string) path {
	return path{name: floorName, connect: func(context.Context) (caller, string, error) {
		return &floorCaller{rc: rc, url: baseURL + "/oss/v2/buckets", token: token}, "HTTP/1.1", nil
	}}
}

type floorCaller struct {
	rc         *resty.Client
	url, token string
}

func (f *floorCaller) call(ctx context.Context) error {
	resp, err := f.rc.R().
		SetContext(ctx).
		SetAuthToken(f.token).
		SetHeader("Accept", "application/json").
		SetQueryParam("limit", "100").
		Get(f.url)
	if err != nil {
		return err
	}
	if resp.StatusCode() != http.StatusOK {
		return fmt.Errorf("APS answered %d: %s", resp.StatusCode(), resp.Body())
	}
	return nil
}

func (f *floorCaller) close() {}

// newAPSClient is the server's HTTP client, built the same way.
func newAPSClient() *resty.Client { return apshttp.NewClient(apshttp.ClientOptions{}) }

// fetchToken gets an app token from the emulator as the 2lo profile does.
func fetchToken(ctx context.Context, rc *resty.Client, baseURL string) (string, error) {
	resp, err := rc.R().
		SetContext(ctx).
		SetBasicAuth(apsemu.DemoClientID, apsemu.DemoClientSecret).
		SetHeader("Accept", "application/json").
		SetFormData(map[string]string{"grant_type": "client_credentials", "scope": "bucket:read data:read"}).
		Post(baseURL + "/authentication/v2/token")
	if err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode() != http.StatusOK || json.Unmarshal(resp.Body(), &tr) != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("token request answered %d: %s", resp.StatusCode(), resp.Body())
	}
	return tr.AccessToken, nil
}

// errNoItems is a listing result without the items it should carry.
var errNoItems = errors.New("result has no items array")

// listing is what one listing call returned.
type listing struct {
	items      int
	text       string // the result's text content (what a model reads)
	structured []byte // its structuredContent, as JSON
	truncated  bool   // the server stopped at a cap
}

// listCall calls a listing tool once through an mcp-go client.
func listCall(ctx context.Context, c *client.Client, tool string, args map[string]any, timeout time.Duration) (listing, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return listing{}, err
	}
	text := mcpGoText(res)
	if res.IsError {
		return listing{}, fmt.Errorf("tool error: %s", text)
	}
	m, _ := res.StructuredContent.(map[string]any)
	items, ok := m["items"].([]any)
	if !ok {
		return listing{}, errNoItems
	}
	truncated, _ := m["truncated"].(bool)
	structured, err := json.Marshal(res.StructuredContent)
	if err != nil {
		return listing{}, fmt.Errorf("structuredContent: %w", err)
	}
	return listing{items: len(items), text: text, structured: structured, truncated: truncated}, nil
}
