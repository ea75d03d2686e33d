package authproviders

import (
	"context"
	"html/template"
	"net/http"
	"time"
)

// exchangeTimeout bounds the code exchange a callback makes.
const exchangeTimeout = 30 * time.Second

var callbackPage = template.Must(template.New("callback").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Title}}</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
{{if .Detail}}<p>Autodesk said: <code>{{.Detail}}</code></p>{{end}}
</body></html>
`))

type callbackView struct {
	Title, Message, Detail string
}

// ServeHTTP is the OAuth callback: APS redirects the browser here with a
// code (or an error) and the state the sign-in link carried. A state that
// is unknown, used or expired gets a 400 and nothing is stored. Whatever
// APS or the query says is HTML-escaped, and no token reaches the page.
func (p *threeLegged) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		renderCallback(w, http.StatusMethodNotAllowed, callbackView{Title: "Method not allowed", Message: "The sign-in callback only answers GET."})
		return
	}
	q := r.URL.Query()
	pl, ok := p.takeState(q.Get("state"))
	if !ok && p.finished(q.Get("state")) != nil {
		// The browser reloaded the page of a sign-in that is done.
		renderCallback(w, http.StatusOK, p.signedInView(*p.finished(q.Get("state"))))
		return
	}
	if !ok {
		renderCallback(w, http.StatusBadRequest, callbackView{
			Title:   "Sign-in link not valid",
			Message: "This sign-in link is unknown, was already used, or has expired. Ask your assistant to run the tool again for a new link.",
		})
		return
	}
	if e := q.Get("error"); e != "" {
		detail := e
		if d := q.Get("error_description"); d != "" {
			detail += ": " + d
		}
		renderCallback(w, http.StatusBadRequest, callbackView{
			Title:   "Sign-in not completed",
			Message: "Autodesk did not sign you in, so nothing was stored. Ask your assistant to run the tool again to retry.",
			Detail:  detail,
		})
		return
	}
	code := q.Get("code")
	if code == "" {
		renderCallback(w, http.StatusBadRequest, callbackView{Title: "Sign-in not completed", Message: "The callback carried no authorization code."})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), exchangeTimeout)
	defer cancel()
	who, err := p.exchangeCode(ctx, code, pl)
	if err != nil {
		p.settings.Logger.Warn("authorization code exchange failed", "error", err)
		renderCallback(w, http.StatusBadGateway, callbackView{
			Title:   "Sign-in not completed",
			Message: "Autodesk refused to finish the sign-in. Ask your assistant to run the tool again to retry.",
			Detail:  err.Error(),
		})
		return
	}
	f := p.finish(q.Get("state"), who)
	renderCallback(w, http.StatusOK, p.signedInView(f))
}

// finishedSignIn is a sign-in the callback completed, remembered by its
// state for as long as a state lives, so reloading the page shows it.
type finishedSignIn struct {
	who     string
	expires time.Time
}

func (p *threeLegged) finish(state, who string) finishedSignIn {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for s, f := range p.done {
		if now.After(f.expires) || len(p.done) >= maxPendingLogins {
			delete(p.done, s)
		}
	}
	f := finishedSignIn{who: who, expires: now.Add(stateLifetime)}
	p.done[state] = f
	return f
}

func (p *threeLegged) finished(state string) *finishedSignIn {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, ok := p.done[state]
	if !ok || p.now().After(f.expires) {
		return nil
	}
	return &f
}

// signedInView says who signed in, for which app, and what to do now.
func (p *threeLegged) signedInView(f finishedSignIn) callbackView {
	who := "You are"
	if f.who != "" {
		who = f.who + " is"
	}
	return callbackView{
		Title: "Signed in to Autodesk Platform Services",
		Message: who + " signed in to the APS application " + p.settings.Credentials.ClientID +
			" through aps-mcp. You can close this tab and return to your assistant.",
	}
}

func renderCallback(w http.ResponseWriter, status int, v callbackView) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer") // the URL held a code
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	_ = callbackPage.Execute(w, v)
}
