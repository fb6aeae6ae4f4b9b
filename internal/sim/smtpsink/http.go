package smtpsink

import (
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
)

// Handler serves the received messages, newest first: an HTML page at
// any path but one ending in ".json", which gets them as JSON. Each
// message's HTML is shown in a sandboxed iframe, so that it renders as a
// mail client would without running in the page.
func (s *Sink) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msgs := s.Messages()
		slices.Reverse(msgs)
		if len(r.URL.Path) > 5 && r.URL.Path[len(r.URL.Path)-5:] == ".json" {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"items": msgs})
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = page.Execute(w, map[string]any{"Addr": s.Addr(), "Messages": msgs})
	})
}

var page = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Dev mail ({{len .Messages}})</title>
<style>body{font-family:sans-serif;margin:2em}article{border:1px solid #ccc;margin:1em 0;padding:.5em 1em}
iframe{width:100%;height:20em;border:1px solid #eee}dt{font-weight:bold;float:left;width:5em}</style></head>
<body><h1>Mail received by the dev SMTP sink</h1>
<p>{{len .Messages}} messages on smtp://{{.Addr}}, newest first. <a href="mail.json">JSON</a></p>
{{range .Messages}}<article>
<dl><dt>Subject</dt><dd>{{.Subject}}</dd><dt>From</dt><dd>{{.From}}</dd>
<dt>To</dt><dd>{{range $i, $to := .To}}{{if $i}}, {{end}}{{$to}}{{end}}</dd><dt>Received</dt><dd>{{.Received.Format "2006-01-02 15:04:05 MST"}}</dd></dl>
{{if .HTML}}<iframe sandbox srcdoc="{{.HTML}}"></iframe>{{else}}<pre>{{.Text}}</pre>{{end}}
</article>{{else}}<p>No mail yet.</p>{{end}}
</body></html>
`))
