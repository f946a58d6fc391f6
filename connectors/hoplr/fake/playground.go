package fake

import (
	"html/template"
	"net/http"
	"strconv"
)

// The playground is the fake app's own page, for a newcomer running Quartier
// in development: the commune's messages as members see them, and forms to
// react, comment and write to the commune as one of the members.
var playground = template.Must(template.New("play").Parse(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Fake neighbourhood app</title>
<style>body{font-family:sans-serif;max-width:50rem;margin:1rem auto;padding:0 1rem}article{border:1px solid #ccc;padding:.5rem 1rem;margin:1rem 0}form{display:inline}</style></head>
<body><h1>Fake neighbourhood app</h1>
<p>This stands in for a neighbourhood app in development. Messages from the commune appear here; what members do here goes back to Quartier at the next pull (or <code>quartier sync run hoplr</code>).</p>
<form method="post" action="/play/post"><fieldset><legend>Write to the commune as a member</legend>
<label>Member <select name="member">{{range .Members}}<option value="{{.ID}}">{{.FirstName}} ({{.NeighbourhoodID}})</option>{{end}}</select></label>
<label>Title <input name="title" required></label> <label>Text <input name="body" required></label>
<button>Post</button></fieldset></form>
{{range .Messages}}<article><h2>{{.Title}}</h2><p>{{.Body}}</p><p><small>{{.Type}} · to {{.NeighbourhoodIDs}}{{with .ReplyTo}} · reply to {{.}}{{end}}</small></p>
<form method="post" action="/play/react"><input type="hidden" name="message" value="{{.ID}}">
<select name="member">{{range $.Members}}<option value="{{.ID}}">{{.FirstName}}</option>{{end}}</select>
<button name="kind" value="up">👍 for</button><button name="kind" value="down">👎 against</button>
{{range .PollOptions}}<button name="option" value="{{.ID}}">{{.Label}}</button>{{end}}</form>
<form method="post" action="/play/comment"><input type="hidden" name="message" value="{{.ID}}">
<select name="member">{{range $.Members}}<option value="{{.ID}}">{{.FirstName}}</option>{{end}}</select>
<input name="body" required aria-label="comment"><button>Comment</button></form></article>
{{else}}<p>No message from the commune yet.</p>{{end}}
</body></html>`))

func (s *Server) play(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		_ = r.ParseForm()
		f := r.PostForm
		switch r.URL.Path {
		case "/play/react":
			if f.Get("option") != "" {
				s.React(f.Get("message"), f.Get("member"), "option", 0, f.Get("option"))
			} else {
				s.React(f.Get("message"), f.Get("member"), f.Get("kind"), 0, "")
			}
		case "/play/comment":
			s.Comment(f.Get("message"), f.Get("member"), f.Get("body"))
		case "/play/post":
			s.Post(f.Get("member"), f.Get("title"), f.Get("body"), 0, 0)
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.mu.Lock()
	members := make([]Member, 0, len(s.members))
	for i := 1; i <= len(s.members); i++ {
		if m, ok := s.members["u-"+strconv.Itoa(i)]; ok {
			members = append(members, m)
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = playground.Execute(w, map[string]any{"Messages": s.Messages(), "Members": members})
}
