package e2e_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// apsRequests counts the requests the emulator got for method and path.
func apsRequests(emu *apsemu.Emulator, method, path string) int {
	n := 0
	for _, r := range emu.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// heldAPS serves emu behind a gate: requests for path wait until the
// returned release is called (or the test ends).
func heldAPS(t *testing.T, emu *apsemu.Emulator, path string) (base string, release func()) {
	t.Helper()
	gate := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(release)
	return srv.URL, release
}

// TestIdenticalCallsShareOneAPSRequest: twenty clients ask for the same
// bucket's details at once (a read no tool caches): APS gets one request
// and every client its answer; with server.share_reads off, twenty.
// Twenty deletes of one object at once are twenty requests: writes are
// never coalesced.
func TestIdenticalCallsShareOneAPSRequest(t *testing.T) {
	const callers = 20
	for _, tc := range []struct {
		name     string
		profiles string // "" for the shipped ones
		want     int
	}{
		{"shared", "", 1},
		{"share_reads off", "unshared", callers},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emu := apsemu.New(apsemu.Options{})
			details := "/oss/v2/buckets/" + demoBucket + "/details"
			base, release := heldAPS(t, emu, details)
			o := serverOptions{profile: "2lo"}
			if tc.profiles != "" {
				o.profilesDir = unsharedProfiles(t, "")
			}
			url := startServer(t, base, o)
			clients := make([]*client.Client, callers)
			for i := range clients {
				clients[i] = httpClient(t, url)
			}
			var wg sync.WaitGroup
			results := make([]toolResult, callers)
			for i, c := range clients {
				wg.Go(func() {
					r, err := callToolErr(c, "get_bucket_details", map[string]any{"bucket_key": demoBucket})
					if err != nil {
						t.Error(err)
					}
					results[i] = r
				})
			}
			time.Sleep(2 * time.Second) // every call reaches the server and waits on APS
			release()
			wg.Wait()
			for i, r := range results {
				if r.isError || r.structured["bucket_key"] != demoBucket {
					t.Fatalf("caller %d: %s", i, r.text)
				}
			}
			got := apsRequests(emu, "GET", details)
			t.Logf("%d identical calls in flight: %d APS requests", callers, got)
			if got != tc.want {
				t.Errorf("APS got %d requests for %d identical calls in flight, want %d", got, callers, tc.want)
			}
			// /metrics counts the reads the calls took from another's.
			resp, err := http.Get(strings.TrimSuffix(url, "/mcp") + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			shared := fmt.Sprintf(`aps_mcp_shared_reads_total{tool="get_bucket_details"} %d`, callers-tc.want)
			if counted := strings.Contains(string(body), shared); counted != (tc.want < callers) {
				t.Errorf("/metrics has %q: %v, want %v", shared, counted, tc.want < callers)
			}
		})
	}
}

// TestWritesAreNeverCoalesced: twenty deletes of one object at once are
// twenty APS requests.
func TestWritesAreNeverCoalesced(t *testing.T) {
	const callers = 20
	emu := apsemu.New(apsemu.Options{})
	del := "/oss/v2/buckets/" + demoBucket + "/objects/no-such-object"
	base, release := heldAPS(t, emu, del)
	url := startServer(t, base, serverOptions{profile: "oss-admin"})
	var wg sync.WaitGroup
	for range callers {
		c := elicitingClient(t, url, &asker{action: mcp.ElicitationResponseActionAccept}, mcp.LATEST_PROTOCOL_VERSION) // each delete is confirmed
		wg.Go(func() {
			_, _ = callToolErr(c, "delete_object", map[string]any{"bucket_key": demoBucket, "object_key": "no-such-object"})
		})
	}
	time.Sleep(2 * time.Second)
	release()
	wg.Wait()
	if got := apsRequests(emu, "DELETE", del); got != callers {
		t.Errorf("APS got %d deletes for %d calls in flight at once, want each sent", got, callers)
	}
}

// cachingTools is the shipped catalogue with list_buckets kept for ttl.
func cachingTools(t *testing.T, ttl string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "tools.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const shipped = "    cache: 1m\n    family: oss-buckets\n"
	if !strings.Contains(string(src), shipped) {
		t.Fatal("tools.yaml no longer caches list_buckets for a minute")
	}
	file := filepath.Join(t.TempDir(), "tools.yaml")
	body := strings.Replace(string(src), shipped, "    cache: "+ttl+"\n    family: oss-buckets\n", 1)
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func listedBuckets(t *testing.T, c *client.Client) []string {
	t.Helper()
	r := callTool(t, c, "list_buckets", nil)
	if r.isError {
		t.Fatalf("list_buckets: %s", r.text)
	}
	return field(items(t, r), "bucket_key")
}

// TestReadCacheOverTheWire: list_buckets is answered from the cache
// within its TTL and from APS after it; create_bucket through the server
// invalidates it, so the next listing shows the new bucket.
func TestReadCacheOverTheWire(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	url := startServer(t, base, serverOptions{profile: "oss-admin", toolsFile: cachingTools(t, "2s")})
	c := httpClient(t, url)
	listings := func() int { return apsRequests(emu, "GET", "/oss/v2/buckets") }

	first := listedBuckets(t, c)
	for range 4 {
		if again := listedBuckets(t, c); !slices.Equal(again, first) {
			t.Fatalf("a cached listing differs: %v, then %v", first, again)
		}
	}
	if got := listings(); got != 1 {
		t.Errorf("five listings within the TTL: %d APS requests, want 1", got)
	}
	time.Sleep(2100 * time.Millisecond)
	listedBuckets(t, c)
	if got := listings(); got != 2 {
		t.Errorf("a listing after the TTL: %d APS requests in all, want 2", got)
	}

	r := callTool(t, c, "create_bucket", map[string]any{"bucket_key": "aps-mcp-cache-e2e", "policy_key": "transient"})
	if r.isError {
		t.Fatalf("create_bucket: %s", r.text)
	}
	if keys := listedBuckets(t, c); !slices.Contains(keys, "aps-mcp-cache-e2e") {
		t.Errorf("the listing after create_bucket lacks the new bucket: %v", keys)
	}
	listedBuckets(t, c)
	if got := listings(); got != 3 {
		t.Errorf("after the write: %d APS requests in all, want 3 (one after the write, then the cache)", got)
	}
}

// TestTeamCacheKeepsPeopleApart: Ada and Ben list their hubs three times
// each on one team server: two APS requests, and each sees only their own.
func TestTeamCacheKeepsPeopleApart(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	mcpURL := teamServer(t, base, serverOptions{})
	hubsOf := map[string][]string{}
	for _, id := range []string{apsemu.DemoUserAda, apsemu.DemoUserBen} {
		b := newBrowser(t)
		b.signInAt(base, apsemu.SessionCookie, id)
		c := oauthClient(t, mcpURL, b)
		for range 3 {
			r := callTool(t, c, "list_hubs", nil)
			if r.isError {
				t.Fatalf("%s list_hubs: %s", id, r.text)
			}
			hubsOf[id] = field(items(t, r), "id")
		}
	}
	ada, ben := hubsOf[apsemu.DemoUserAda], hubsOf[apsemu.DemoUserBen]
	for _, h := range ada {
		if slices.Contains(ben, h) {
			t.Errorf("hub %s is listed for both Ada (%v) and Ben (%v)", h, ada, ben)
		}
	}
	got := apsRequests(emu, "GET", "/project/v1/hubs")
	t.Logf("two people, three listings each: %d APS requests (without the cache: 6)", got)
	if got != 2 {
		t.Errorf("APS got %d hub listings, want 2: one per person", got)
	}
}

// TestTeamReplicasShareTheReadCache: two team replicas on one Redis; the
// hubs one of them read for a person serve the same person on the other.
func TestTeamReplicasShareTheReadCache(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	lb, _, r1, r2 := twoTeamReplicas(t, base)
	tokens := transport.NewMemoryTokenStore()
	oauthClientWithStore(t, lb.URL+"/mcp", newBrowser(t), tokens)
	token := storedToken(t, tokens).AccessToken

	var listings [][]string
	for _, r := range []*replica{r1, r2, r1, r2} {
		c := bearerClient(t, r.URL.String()+"/mcp", token)
		res := callTool(t, c, "list_hubs", nil)
		if res.isError {
			t.Fatalf("list_hubs on %s: %s", r.URL, res.text)
		}
		listings = append(listings, field(items(t, res), "id"))
	}
	for _, l := range listings[1:] {
		if !slices.Equal(l, listings[0]) {
			t.Errorf("the replicas answered differently: %v", listings)
		}
	}
	got := apsRequests(emu, "GET", "/project/v1/hubs")
	t.Logf("four listings on two replicas: %d APS requests (without the shared cache: 4)", got)
	if got != 1 {
		t.Errorf("APS got %d hub listings from two replicas sharing Redis, want 1", got)
	}
}
