package oauthserver

import (
	"html/template"
	"net/http"
)

// The pages a person sees: plain HTML forms that work without JavaScript,
// everything escaped, never a token.
var pages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.5;color:#1b1b1b}
h1{font-size:1.4em}.box{border:1px solid #ccc;border-radius:6px;padding:1em 1.2em;margin:1em 0}
dt{font-weight:600}dd{margin:0 0 .6em 0}code{background:#f3f3f3;padding:0 .2em}
button{font-size:1em;padding:.5em 1.2em;margin-right:.6em;border-radius:4px;border:1px solid #888;cursor:pointer}
button.primary{background:#0b5cad;color:#fff;border-color:#0b5cad}.muted{color:#555;font-size:.9em}
</style></head><body>{{end}}
{{define "consent"}}{{template "head" .}}
<h1>{{.Title}}</h1>
<p><strong>{{.ClientName}}</strong> wants to use <strong>{{.ServerName}} {{.Resource}}</strong> on your behalf.</p>
<div class="box"><dl>
<dt>Application</dt><dd>{{.ClientName}}{{if .ClientID}} <span class="muted">({{.ClientID}})</span>{{end}}</dd>
<dt>It will receive the sign-in at</dt><dd><code>{{.RedirectHost}}</code></dd>
<dt>Autodesk Platform Services access</dt><dd>{{range .Scopes}}<code>{{.}}</code> {{end}}</dd>
{{if .Description}}<dt>What it offers</dt><dd>{{.Description}}</dd>{{end}}
</dl></div>
<p>If you allow it, you sign in at Autodesk next. Only allow applications you started yourself.</p>
<form method="post" action="/authorize">
<input type="hidden" name="request" value="{{.Request}}">
<button class="primary" type="submit" name="decision" value="allow">Allow and sign in</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</body></html>{{end}}
{{define "message"}}{{template "head" .}}
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
{{if .Detail}}<p class="muted">Details: <code>{{.Detail}}</code></p>{{end}}
</body></html>{{end}}
{{define "signout"}}{{template "head" .}}
<h1>{{.Title}}</h1>
{{if .Email}}<p>You are signed in to {{.ServerName}} as <strong>{{.Email}}</strong>.</p>
<p>Signing out ends every assistant's access through this server and revokes your Autodesk tokens here.</p>
<form method="post" action="/signout"><input type="hidden" name="session" value="{{.Session}}">
<button class="primary" type="submit">Sign out</button></form>
{{else}}<p>This browser is not signed in to {{.ServerName}}.</p>{{end}}
</body></html>{{end}}
`))

// consentView fills the consent page.
type consentView struct {
	Title, ServerName, Resource, Description string
	ClientName, ClientID, RedirectHost       string
	Scopes                                   []string
	Request                                  string
}

// messageView fills a page that only tells something.
type messageView struct {
	Title, Message, Detail string
}

// signOutView fills the sign-out page.
type signOutView struct {
	Title, ServerName, Email, Session string
}

// renderPage writes one of the pages with headers that keep it out of
// caches, frames and other origins' reach.
func renderPage(w http.ResponseWriter, status int, name string, view any) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// same-origin, not no-referrer: with no-referrer browsers send "Origin:
	// null" on the page's own form posts, which the Origin check refuses.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_ = pages.ExecuteTemplate(w, name, view)
}

func renderMessage(w http.ResponseWriter, status int, title, message, detail string) {
	renderPage(w, status, "message", messageView{Title: title, Message: message, Detail: detail})
}
