package oauthserver

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aps-mcp/aps-mcp/authproviders"
)

// TestAPSGrantsAreSealed: a person's APS tokens are in the store only
// sealed, and a sealed record moved under another person's key does not
// open (the key is the sealing's additional data).
func TestAPSGrantsAreSealed(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	res := f.srv.cfg.Resources[0]
	g := authproviders.Grant{AccessToken: "aps-access-token-of-ada", RefreshToken: "aps-refresh-token-of-ada", ExpiresIn: time.Hour}
	if err := f.srv.saveAPSGrant(ctx, res, "ada", g); err != nil {
		t.Fatal(err)
	}
	raw, err := f.store.Get(ctx, apsGrantKey(res, "ada"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("aps-access-token-of-ada")) || bytes.Contains(raw, []byte("aps-refresh-token-of-ada")) {
		t.Error("the store holds an APS token in the clear")
	}
	got, _, err := f.srv.loadAPSGrant(ctx, res, "ada")
	if err != nil || got.AccessToken != g.AccessToken || got.RefreshToken != g.RefreshToken {
		t.Fatalf("load = %+v, %v", got, err)
	}
	if err := f.store.Put(ctx, apsGrantKey(res, "ben"), raw, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.srv.loadAPSGrant(ctx, res, "ben"); err == nil || !strings.Contains(err.Error(), "do not open") {
		t.Errorf("Ada's sealed tokens under Ben's key: %v, want a refusal", err)
	}
	if _, _, err := f.srv.loadAPSGrant(ctx, res, "nobody"); err != authproviders.ErrSignInEnded {
		t.Errorf("no grant: %v, want ErrSignInEnded", err)
	}
}
