package oauthserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/aps-mcp/aps-mcp/store"
)

// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document):
// a client whose id is an https URL publishes its metadata there.
const (
	metadataDocMaxBytes = 64 << 10
	metadataDocTimeout  = 5 * time.Second
	metadataDocTTL      = 10 * time.Minute // how long a fetched document is trusted
)

// metadataFetcher fetches and caches client metadata documents.
type metadataFetcher struct {
	http  *http.Client
	store store.Store
}

func newMetadataFetcher(c *http.Client, st store.Store) *metadataFetcher {
	if c == nil {
		c = publicOnlyClient()
	}
	return &metadataFetcher{http: c, store: st}
}

// publicOnlyClient is an HTTP client that connects only to public
// addresses and follows no redirect: a client id chosen by anyone must not
// make this server reach into its own network (SSRF).
func publicOnlyClient() *http.Client {
	dialer := &net.Dialer{Timeout: metadataDocTimeout, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		ip := net.ParseIP(host)
		if err != nil || ip == nil || !ip.IsGlobalUnicast() || ip.IsPrivate() {
			return fmt.Errorf("client metadata documents are fetched only from public addresses, not %s", host)
		}
		return nil
	}}
	return &http.Client{
		Timeout:       metadataDocTimeout,
		Transport:     &http.Transport{DialContext: dialer.DialContext, Proxy: nil, TLSHandshakeTimeout: metadataDocTimeout},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// client returns the client the document at id describes.
func (f *metadataFetcher) client(ctx context.Context, id string) (client, error) {
	key := hashKey("cimd:", id)
	if raw, err := f.store.Get(ctx, key); err == nil {
		var c client
		if json.Unmarshal(raw, &c) == nil {
			c.FromMetadataDocument = true
			return c, nil
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return client{}, fmt.Errorf("reading the cached client metadata: %w", err)
	}
	c, err := f.fetch(ctx, id)
	if err != nil {
		return client{}, err
	}
	raw, _ := json.Marshal(c)
	if err := f.store.Put(ctx, key, raw, metadataDocTTL); err != nil {
		return client{}, fmt.Errorf("caching the client metadata: %w", err)
	}
	c.FromMetadataDocument = true
	return c, nil
}

// metadataDocument is what the document holds that matters here.
type metadataDocument struct {
	registration
	ClientID string `json:"client_id"`
}

func (f *metadataFetcher) fetch(ctx context.Context, id string) (client, error) {
	ctx, cancel := context.WithTimeout(ctx, metadataDocTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, id, nil)
	if err != nil {
		return client{}, &metadataError{"invalid_client", "client_id is not a fetchable URL"}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := f.http.Do(req)
	if err != nil {
		return client{}, &metadataError{"invalid_client", fmt.Sprintf("the client metadata document %s could not be fetched: %v", id, err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return client{}, &metadataError{"invalid_client", fmt.Sprintf("the client metadata document %s answered %s", id, resp.Status)}
	}
	if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
		return client{}, &metadataError{"invalid_client", fmt.Sprintf("the client metadata document %s is %q, not JSON", id, ct)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, metadataDocMaxBytes+1))
	if err != nil || len(body) > metadataDocMaxBytes {
		return client{}, &metadataError{"invalid_client", fmt.Sprintf("the client metadata document %s is unreadable or over %d bytes", id, metadataDocMaxBytes)}
	}
	var doc metadataDocument
	if err := json.Unmarshal(body, &doc); err != nil {
		return client{}, &metadataError{"invalid_client", fmt.Sprintf("the client metadata document %s is not a JSON object: %v", id, err)}
	}
	if doc.ClientID != id {
		return client{}, &metadataError{"invalid_client", fmt.Sprintf("the client metadata document at %s names client_id %q, not its own URL", id, doc.ClientID)}
	}
	c, err := doc.registration.check()
	if err != nil {
		return client{}, &metadataError{"invalid_client", "the client metadata document: " + err.Error()}
	}
	c.ID = id
	return c, nil
}
