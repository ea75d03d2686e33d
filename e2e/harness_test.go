// Package e2e_test drives the server the way its users do: real MCP
// clients over streamable HTTP and stdio, the real binary, and the APS
// emulator over loopback HTTP.
package e2e_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/internal/apsemu"
	"github.com/aps-mcp/aps-mcp/listtext"
)

// binPath is the aps-mcp binary built once for the tests that run it.
var binPath string

// repoRoot is the repository's top directory.
var repoRoot string

func TestMain(m *testing.M) {
	root, err := filepath.Abs("..")
	if err != nil {
		panic(err)
	}
	repoRoot = root
	dir, err := os.MkdirTemp("", "aps-mcp-e2e-")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "aps-mcp")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building aps-mcp: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	if code == 0 && wholePackageRan() {
		if msg := neverExercised(); msg != "" {
			fmt.Fprintln(os.Stderr, "FAIL: "+msg)
			code = 1
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// demoBucket is the seeded bucket with hundreds of objects and odd keys.
const demoBucket = "aps-mcp-demo-models"

// emulator starts an APS emulator on a loopback port for one test.
func emulator(t *testing.T, opts apsemu.Options) (*apsemu.Emulator, string) {
	t.Helper()
	emu := apsemu.New(opts)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return emu, srv.URL
}

// serverOptions configure an in-process server for a test.
type serverOptions struct {
	toolsFile   string
	profilesDir string
	profile     string
	env         map[string]string
	logs        *syncBuffer
	// emu, when set, has the test service account registered so the ssa
	// profile can authenticate.
	emu *apsemu.Emulator
	// public makes the listener's URL the server's public URL (a team
	// server) unless env sets APS_MCP_PUBLIC_URL itself.
	public bool
	// metadataClient fetches client metadata documents (team servers).
	metadataClient *http.Client
	// listener, when set, wraps the server's listener (to shape its
	// connections).
	listener func(net.Listener) net.Listener
}

// startServer serves the app over streamable HTTP on a loopback port and
// returns the MCP endpoint URL. The server stops when the test ends.
func startServer(t *testing.T, baseURL string, o serverOptions) string {
	t.Helper()
	url, stop := startStoppableServer(t, baseURL, o)
	t.Cleanup(stop)
	return url
}

// startStoppableServer is startServer for tests that stop the server
// themselves (to restart it); stop may be called more than once.
func startStoppableServer(t *testing.T, baseURL string, o serverOptions) (string, func()) {
	t.Helper()
	if o.toolsFile == "" {
		o.toolsFile = filepath.Join(repoRoot, "tools.yaml")
	}
	if o.profilesDir == "" {
		o.profilesDir = filepath.Join(repoRoot, "profiles")
	}
	if o.profile == "" {
		o.profile = "2lo"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"APS_BASE_URL":      baseURL,
		"APS_CLIENT_ID":     apsemu.DemoClientID,
		"APS_CLIENT_SECRET": apsemu.DemoClientSecret,
		// The 3lo sign-in comes back to this server's own port.
		"APS_CALLBACK_URL": "http://" + ln.Addr().String() + "/callback",
	}
	if o.public {
		env["APS_MCP_PUBLIC_URL"] = "http://" + ln.Addr().String()
	}
	if o.listener != nil {
		ln = o.listener(ln)
	}
	if o.emu != nil {
		for k, v := range serviceAccountEnv(o.emu) {
			env[k] = v
		}
	}
	for k, v := range o.env {
		env[k] = v
	}
	logger := recordingLogger(nil)
	if o.logs != nil {
		logger = recordingLogger(slog.New(slog.NewTextHandler(o.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, app.Options{
		ToolsFile: o.toolsFile, ProfilesDir: o.profilesDir, Profile: o.profile,
		Env: config.EnvFromMap(env), Logger: logger, MetadataClient: o.metadataClient,
	})
	if err != nil {
		cancel()
		ln.Close()
		t.Fatalf("app.New: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.ServeListener(ctx, ln) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("server stopped with: %v", err)
			}
			a.Close()
		})
	}
	return "http://" + ln.Addr().String() + app.MCPPath, stop
}

// httpClient connects an initialized mcp-go client to url.
func httpClient(t *testing.T, url string) *client.Client {
	t.Helper()
	return httpClientWith(t, url, mcp.LATEST_PROTOCOL_VERSION, nil)
}

// httpClientWith connects mcp-go's streamable HTTP client to url, made with
// the transport's options topts and the client's copts, and initializes it
// at protocol version.
func httpClientWith(t *testing.T, url, version string, topts []transport.StreamableHTTPCOption, copts ...client.ClientOption) *client.Client {
	t.Helper()
	// An own transport, closed at the end, so connections the client dialled
	// but never used do not hold the server's graceful shutdown open.
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	t.Cleanup(hc.CloseIdleConnections)
	tr, err := transport.NewStreamableHTTP(url, append([]transport.StreamableHTTPCOption{transport.WithHTTPBasicClient(hc)}, topts...)...)
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, copts...)
	initializeAt(t, c, version)
	return c
}

func initialize(t *testing.T, c *client.Client) {
	t.Helper()
	initializeAt(t, c, mcp.LATEST_PROTOCOL_VERSION)
}

// initializeAt starts c and initializes its session at protocol version.
func initializeAt(t *testing.T, c *client.Client, version string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Start's context lives as long as the session: the stdio transport
	// closes when it ends.
	if err := c.Start(context.Background()); err != nil {
		t.Fatalf("client start: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	req := initRequest()
	req.Params.ProtocolVersion = version
	if _, err := c.Initialize(ctx, req); err != nil {
		t.Fatalf("initialize: %v", err)
	}
}

// toolResult is what a tool call returned, decoded.
type toolResult struct {
	isError    bool
	text       string
	structured map[string]any
}

func callTool(t *testing.T, c *client.Client, name string, args map[string]any) toolResult {
	t.Helper()
	r, err := callToolErr(c, name, args)
	if err != nil {
		t.Fatalf("calling %s: %v", name, err)
	}
	return r
}

func callToolErr(c *client.Client, name string, args map[string]any) (toolResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return toolResult{}, err
	}
	if err := checkConforms(c, name, res); err != nil {
		return toolResult{}, err
	}
	r, err := decodeResult(res)
	if err == nil && !r.isError {
		recordSuccess(name) // the servers of stdioClient and serveBinary log where this package cannot read
	}
	return r, err
}

func decodeResult(res *mcp.CallToolResult) (toolResult, error) {
	out := toolResult{isError: res.IsError}
	for _, c := range res.Content {
		if t, ok := mcp.AsTextContent(c); ok {
			out.text += t.Text
		}
	}
	if !res.IsError {
		if res.StructuredContent == nil {
			return out, fmt.Errorf("result has no structuredContent: %s", out.text)
		}
		m, ok := res.StructuredContent.(map[string]any)
		if !ok {
			return out, fmt.Errorf("structuredContent is %T, want an object", res.StructuredContent)
		}
		out.structured = m
		// The text part must carry the same document as structuredContent:
		// its JSON or, for a listing, the compact form, read back.
		doc := []byte(out.text)
		if !bytes.HasPrefix(doc, []byte("{")) {
			back, err := listtext.Parse(out.text)
			if err != nil {
				return out, fmt.Errorf("text content is neither JSON nor the compact listing form: %v\n%s", err, out.text)
			}
			doc = back
		}
		var fromText map[string]any
		if err := json.Unmarshal(doc, &fromText); err != nil {
			return out, fmt.Errorf("text content is not JSON: %v", err)
		}
		a, _ := json.Marshal(fromText)
		b, _ := json.Marshal(m)
		if !bytes.Equal(a, b) {
			return out, fmt.Errorf("text and structuredContent differ:\n%s\n%s", a, b)
		}
	}
	return out, nil
}

// items returns the "items" of a listing result, each as an object.
func items(t *testing.T, r toolResult) []map[string]any {
	t.Helper()
	if r.isError {
		t.Fatalf("tool error: %s", r.text)
	}
	raw, ok := r.structured["items"].([]any)
	if !ok {
		t.Fatalf("result has no items array: %v", r.structured)
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i], ok = it.(map[string]any)
		if !ok {
			t.Fatalf("item %d is %T", i, it)
		}
	}
	if n, _ := r.structured["count"].(float64); int(n) != len(out) {
		t.Errorf("count = %v, items = %d", r.structured["count"], len(out))
	}
	return out
}

func field(items []map[string]any, name string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i], _ = it[name].(string)
	}
	return out
}

// checkSeenOnce fails t unless a listing's walk saw want distinct keys, each
// once; how says how it walked, for the message.
func checkSeenOnce(t *testing.T, seen map[string]int, want int, how string) {
	t.Helper()
	if len(seen) != want {
		t.Errorf("saw %d objects %s, want %d", len(seen), how, want)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%q seen %d times", k, n)
		}
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// bucketKeys returns the keys of the buckets owner has in region.
func bucketKeys(emu *apsemu.Emulator, owner, region string) []string {
	var keys []string
	for _, b := range emu.Buckets(owner) {
		if b.Region == region {
			keys = append(keys, b.Key)
		}
	}
	return keys
}

func objectKeys(emu *apsemu.Emulator, bucket string) []string {
	var keys []string
	for _, o := range emu.Objects(bucket) {
		keys = append(keys, o.Key)
	}
	return keys
}

// binaryEnv is a minimal environment for the binary: nothing from the
// developer's shell (no stray APS_* variables) leaks into a test.
func binaryEnv(vars map[string]string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// Test service account: one RSA key for the whole test binary, registered
// with each emulator that needs it.
const (
	testServiceAccount = "TESTSERVICEACCT"
	testServiceKeyID   = "test-key-1"
)

var (
	serviceKeyOnce sync.Once
	serviceKey     *rsa.PrivateKey
)

// serviceAccountEnv registers the test service account with emu and
// returns the variables the ssa profile reads.
func serviceAccountEnv(emu *apsemu.Emulator) map[string]string {
	serviceKeyOnce.Do(func() {
		var err error
		if serviceKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	emu.AddServiceAccount(apsemu.ServiceAccount{ID: testServiceAccount, KeyID: testServiceKeyID, Key: &serviceKey.PublicKey})
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(serviceKey)})
	return map[string]string{
		"APS_SSA_ID":         testServiceAccount,
		"APS_SSA_KEY_ID":     testServiceKeyID,
		"APS_SSA_KEY_BASE64": base64.StdEncoding.EncodeToString(pemKey),
	}
}

// callConcurrently makes n calls of tool at once, spread over clients,
// and fails the test for each call that errs or returns a tool error.
func callConcurrently(t *testing.T, clients []*client.Client, n int, tool string, args map[string]any) {
	t.Helper()
	var wg sync.WaitGroup
	failures := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := callToolErr(clients[i%len(clients)], tool, args)
			switch {
			case err != nil:
				failures <- err.Error()
			case r.isError:
				failures <- r.text
			}
		}()
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
}

// stdioClient starts the binary with args as a stdio MCP server, with
// exactly env (plus PATH and HOME) and a fresh working directory (so no
// .env is read), and returns an initialized client.
func stdioClient(t *testing.T, env map[string]string, args ...string) *client.Client {
	t.Helper()
	return stdioClientWith(t, env, nil, args...)
}

// stdioClientWith is stdioClient for a client made with opts.
func stdioClientWith(t *testing.T, env map[string]string, opts []client.ClientOption, args ...string) *client.Client {
	t.Helper()
	args = append([]string{"--transport", "stdio", "--tools", repoRoot + "/tools.yaml", "--profiles", repoRoot + "/profiles"}, args...)
	return stdioServer(t, t.TempDir(), binPath, args, env, opts...)
}

// emulatorEnv is what the binary needs to use the emulator at base.
func emulatorEnv(base string) map[string]string {
	return map[string]string{"APS_BASE_URL": base, "APS_CLIENT_ID": apsemu.DemoClientID, "APS_CLIENT_SECRET": apsemu.DemoClientSecret}
}
