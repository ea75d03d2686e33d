package e2e_test

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// TestUploadObject: upload_object's three declared steps (signed URL, PUT
// to it without the APS token, complete) store the content, text or
// base64, over HTTP and stdio; get_object_details and list_objects then
// show it with its size and SHA-1, and its download URL serves the bytes.
func TestUploadObject(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	binary := []byte{0, 1, 2, 0xfe, 0xff, '\n', 'x'}
	clients := map[string]*client.Client{
		"http":  httpClient(t, startServer(t, base, serverOptions{profile: "oss-admin"})),
		"stdio": stdioClient(t, emulatorEnv(base), "--profile", "oss-admin"),
	}
	for transport, c := range clients {
		for _, tc := range []struct {
			name, key string
			args      map[string]any
			want      []byte
		}{
			{"text", "uploads/" + transport + "/site visit ü.txt", map[string]any{"content": "Site visit: façade OK.\n", "content_type": "text/plain"}, []byte("Site visit: façade OK.\n")},
			{"base64", "uploads/" + transport + "/blob.bin", map[string]any{"content_base64": base64.StdEncoding.EncodeToString(binary)}, binary},
		} {
			t.Run(transport+"/"+tc.name, func(t *testing.T) {
				args := map[string]any{"bucket_key": demoBucket, "object_key": tc.key}
				for k, v := range tc.args {
					args[k] = v
				}
				up := callTool(t, c, "upload_object", args)
				if up.isError || up.structured["object_key"] != tc.key || up.structured["size"] != float64(len(tc.want)) {
					t.Fatalf("upload_object = %s", up.text)
				}
				sum := sha1.Sum(tc.want)
				details := callTool(t, c, "get_object_details", map[string]any{"bucket_key": demoBucket, "object_key": tc.key})
				if details.structured["sha1"] != hex.EncodeToString(sum[:]) || details.structured["size"] != float64(len(tc.want)) {
					t.Errorf("get_object_details after the upload = %s, want sha1 %x and size %d", details.text, sum, len(tc.want))
				}
				if ct, ok := tc.args["content_type"]; ok && details.structured["content_type"] != ct {
					t.Errorf("content type = %v, want %v", details.structured["content_type"], ct)
				}
				listed := items(t, callTool(t, c, "list_objects", map[string]any{"bucket_key": demoBucket, "begins_with": tc.key}))
				if len(listed) != 1 || listed[0]["size"] != float64(len(tc.want)) {
					t.Errorf("list_objects after the upload: %v", listed)
				}
				link := callTool(t, c, "get_object_download_url", map[string]any{"bucket_key": demoBucket, "object_key": tc.key})
				if got := download(t, str(link.structured["url"])); string(got) != string(tc.want) {
					t.Errorf("downloaded %q, want %q", got, tc.want)
				}
			})
		}
	}
	var puts int
	for _, r := range emu.Requests() {
		if r.Method == http.MethodPut {
			puts++
			if len(r.Header.Values("Authorization")) != 0 || strings.HasPrefix(r.Path, "/oss/") {
				t.Errorf("the PUT of the bytes went to %s with Authorization %q", r.Path, r.Header.Values("Authorization"))
			}
		}
	}
	if puts != 4 {
		t.Errorf("the emulator's S3 saw %d PUTs, want 4", puts)
	}
}

// TestUploadObjectRefusesBadContent: content is one of text or base64, at
// most 512 KiB, and a bad argument fails before any request.
func TestUploadObjectRefusesBadContent(t *testing.T) {
	emu, base := emulator(t, apsemu.Options{})
	c := httpClient(t, startServer(t, base, serverOptions{profile: "oss-admin"}))
	key := map[string]any{"bucket_key": demoBucket, "object_key": "refused.txt"}
	with := func(extra map[string]any) map[string]any {
		args := map[string]any{}
		for k, v := range key {
			args[k] = v
		}
		for k, v := range extra {
			args[k] = v
		}
		return args
	}
	before := len(emu.Requests())
	for _, tc := range []struct {
		name string
		args map[string]any
		says string
	}{
		{"neither", with(nil), "give one of content, content_base64"},
		{"both", with(map[string]any{"content": "a", "content_base64": "YQ=="}), "give only one of content, content_base64"},
		{"not base64", with(map[string]any{"content_base64": "not base64!"}), "argument content_base64: is not base64"},
		{"too large", with(map[string]any{"content": strings.Repeat("x", 512<<10+1)}), "takes at most 524288 (512 KiB)"},
		{"unknown argument", with(map[string]any{"content": "a", "size": 1}), "unknown argument"},
	} {
		if r := callTool(t, c, "upload_object", tc.args); !r.isError || !strings.Contains(r.text, tc.says) {
			t.Errorf("%s: %s", tc.name, r.text)
		}
	}
	for _, r := range emu.Requests()[before:] {
		if !strings.HasPrefix(r.Path, "/authentication/") { // the start-up credential check may fetch a token
			t.Errorf("refused arguments still sent %s %s", r.Method, r.Path)
		}
	}
	if hasObject(emu, "refused.txt") {
		t.Error("a refused upload stored an object")
	}
}

func download(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("download: %d %v", resp.StatusCode, err)
	}
	return body
}
