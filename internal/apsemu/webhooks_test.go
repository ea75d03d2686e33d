package apsemu

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const testFolder = "urn:adsk.wipprod:fs.folder:co.hooks-test"

// createTestHook creates a hook of event for folder and returns the answer.
func createTestHook(t *testing.T, base, token, event, callback string, header ...string) testResponse {
	t.Helper()
	body := fmt.Sprintf(`{"callbackUrl":%q,"scope":{"folder":%q}}`, callback, testFolder)
	return send(t, http.MethodPost, base+"/webhooks/v1/systems/data/events/"+event+"/hooks", token, body, append([]string{"Content-Type", "application/json"}, header...)...)
}

// hookIDs lists every hook id the token sees through GET /hooks, page by
// page, following links.next; query is added to the first request.
func hookIDs(t *testing.T, base, token, query string) (ids []string, pages int) {
	t.Helper()
	next := "/hooks?" + query
	for next != "" {
		r := send(t, http.MethodGet, base+webhooksBase+next, token, "")
		pages++
		if r.status == http.StatusNoContent {
			if len(r.body) != 0 || pages != 1 {
				t.Fatalf("204 with body %q on page %d", r.body, pages)
			}
			return nil, pages
		}
		if r.status != http.StatusOK {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		m := r.object(t)
		for _, h := range m["data"].([]any) {
			ids = append(ids, h.(map[string]any)["hookId"].(string))
		}
		next = ""
		if links, ok := m["links"].(map[string]any); ok {
			next = links["next"].(string)
		}
	}
	return ids, pages
}

// TestWebhooksLifecycle: create answers 201 with the hook's URL in
// Location and no body; the hook is then listed, readable at that URL and
// gone once deleted (204), after which listing answers 204; a duplicate is
// 409, and hooks live in the region they were created in.
func TestWebhooksLifecycle(t *testing.T) {
	t.Parallel()
	_, base := startEmulator(t, Options{})
	token := fetchToken(t, base, "data:read data:write")
	if ids, _ := hookIDs(t, base, token, ""); len(ids) != 0 {
		t.Fatalf("fresh emulator lists hooks %v", ids)
	}
	r := createTestHook(t, base, token, "dm.version.added", "https://example.com/cb")
	loc := r.header.Get("Location")
	if r.status != http.StatusCreated || len(r.body) != 0 || !strings.HasPrefix(loc, base+"/webhooks/v1/systems/data/events/dm.version.added/hooks/") {
		t.Fatalf("create: %d Location %q body %q", r.status, loc, r.body)
	}
	id := loc[strings.LastIndex(loc, "/")+1:]
	ids, _ := hookIDs(t, base, token, "")
	if len(ids) != 1 || ids[0] != id {
		t.Fatalf("listed %v, want [%s]", ids, id)
	}
	got := send(t, http.MethodGet, loc, token, "")
	m := got.object(t)
	if got.status != http.StatusOK || m["callbackUrl"] != "https://example.com/cb" || m["tenant"] != testFolder ||
		m["creatorType"] != "Application" || m["status"] != "active" || m["__self__"] != "/systems/data/events/dm.version.added/hooks/"+id {
		t.Errorf("hook details: %d %s", got.status, got.body)
	}
	dup := createTestHook(t, base, token, "dm.version.added", "https://example.com/cb")
	if dup.status != http.StatusConflict || dup.object(t)["detail"].([]any)[0] != hookDetailExists {
		t.Errorf("duplicate: %d %s", dup.status, dup.body)
	}
	if r := createTestHook(t, base, token, "dm.version.added", "https://example.com/cb", "x-ads-region", "EMEA"); r.status != http.StatusCreated {
		t.Errorf("same hook in EMEA: %d %s", r.status, r.body)
	}
	if ids, _ := hookIDs(t, base, token, "region=EMEA"); len(ids) != 1 || ids[0] == id {
		t.Errorf("EMEA lists %v", ids)
	}
	if r := send(t, http.MethodDelete, loc, token, ""); r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if ids, pages := hookIDs(t, base, token, ""); len(ids) != 0 || pages != 1 {
		t.Errorf("after delete US lists %v", ids)
	}
	if r := send(t, http.MethodDelete, loc, token, ""); r.status != http.StatusNotFound || r.object(t)["code"] != hookCodeNotFound {
		t.Errorf("second delete: %d %s", r.status, r.body)
	}
}

// TestWebhooksPaging: a listing longer than a page hands out links.next
// with a pageState until every hook was listed once.
func TestWebhooksPaging(t *testing.T) {
	t.Parallel()
	e, base := startEmulator(t, Options{})
	e.hookPageSize = 3
	token := fetchToken(t, base, "data:read data:write")
	for i := range 8 {
		if r := createTestHook(t, base, token, "dm.folder.added", fmt.Sprintf("https://example.com/cb/%d", i)); r.status != http.StatusCreated {
			t.Fatalf("create %d: %d %s", i, r.status, r.body)
		}
	}
	ids, pages := hookIDs(t, base, token, "")
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	if len(ids) != 8 || len(seen) != 8 || pages != 3 {
		t.Errorf("listed %d hooks (%d distinct) in %d pages, want 8 in 3", len(ids), len(seen), pages)
	}
	if r := send(t, http.MethodGet, base+"/webhooks/v1/hooks?pageState=bm9wZQ==", token, ""); r.status != http.StatusBadRequest {
		t.Errorf("made-up pageState: %d", r.status)
	}
}

// TestWebhooksRefusals: what creating or listing a hook is refused for.
func TestWebhooksRefusals(t *testing.T) {
	t.Parallel()
	_, base := startEmulator(t, Options{})
	token := fetchToken(t, base, "data:read data:write")
	hooks := base + "/webhooks/v1/systems/"
	tests := []struct {
		name, path, body string
		status           int
		detail           string
	}{
		{"not JSON", "data/events/dm.version.added/hooks", "x", 400, hookDetailBody},
		{"no callback", "data/events/dm.version.added/hooks", `{"scope":{"folder":"f"}}`, 400, hookDetailCallback},
		{"relative callback", "data/events/dm.version.added/hooks", `{"callbackUrl":"/cb","scope":{"folder":"f"}}`, 400, hookDetailCallback},
		{"no scope", "data/events/dm.version.added/hooks", `{"callbackUrl":"https://x.example/cb"}`, 400, hookDetailScope},
		{"workflow for data", "data/events/dm.version.added/hooks", `{"callbackUrl":"https://x.example/cb","scope":{"workflow":"w"}}`, 400, hookDetailScope},
		{"unknown system", "nope/events/dm.version.added/hooks", `{"callbackUrl":"https://x.example/cb","scope":{"folder":"f"}}`, 400, hookDetailSystem},
		{"event of another system", "derivative/events/dm.version.added/hooks", `{"callbackUrl":"https://x.example/cb","scope":{"workflow":"w"}}`, 400, hookDetailSystem},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, http.MethodPost, hooks+tt.path, token, tt.body, "Content-Type", "application/json")
			m := r.object(t)
			if r.status != tt.status || m["status"] != float64(tt.status) || m["code"] != hookCodeBadInput || m["detail"].([]any)[0] != tt.detail || m["id"] == "" {
				t.Errorf("%d %s, want %d %q", r.status, r.body, tt.status, tt.detail)
			}
		})
	}
	if r := send(t, http.MethodPost, hooks+"derivative/events/extraction.finished/hooks", token, `{"callbackUrl":"https://x.example/cb","scope":{"workflow":"my-workflow"}}`); r.status != http.StatusCreated {
		t.Errorf("derivative hook: %d %s", r.status, r.body)
	}
	if r := send(t, http.MethodGet, base+"/webhooks/v1/hooks?region=MARS", token, ""); r.status != http.StatusBadRequest {
		t.Errorf("unknown region: %d", r.status)
	}
	if r := createTestHook(t, base, fetchToken(t, base, "data:read"), "dm.version.added", "https://x.example/cb"); r.status != http.StatusForbidden {
		t.Errorf("create without data:write: %d, want 403", r.status)
	}
}
