// Package fake is a stand-in for the Graph API of one Facebook Page: POST and
// GET /{page}/feed (no idempotency: a repeated POST makes a second post),
// /{post} with the reactions summary, /{post}/comments with cursor paging,
// error bodies {"error": {"message", "type", "code", "fbtrace_id"}}, and
// throttling: past Limit calls, 400 with code 32 and an X-Page-Usage header.
package fake

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is the fake Graph API.
type Server struct {
	PageID, Token string
	Limit         int // calls before throttling; 0: none
	PageSize      int // comments per page (default 2)

	mu       sync.Mutex
	posts    []*post
	calls    int
	LostNext bool // the next POST succeeds but its answer is lost (a 502 after posting)
}

type post struct {
	ID, Message, Link string
	Reactions, Shares int
	Comments          []comment
}

type comment struct{ ID, Message, From string }

// Posts returns the posts' messages, in order.
func (s *Server) Posts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, p := range s.posts {
		out = append(out, p.Message)
	}
	return out
}

// React and Comment are what people do on the Page.
func (s *Server) React(id string, n int) { s.mu.Lock(); s.find(id).Reactions += n; s.mu.Unlock() }

// Comment adds a comment by someone and returns its id.
func (s *Server) Comment(id, from, message string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.find(id)
	c := comment{ID: id + "_c" + strconv.Itoa(len(p.Comments)+1), Message: message, From: from}
	p.Comments = append(p.Comments, c)
	return c.ID
}

func (s *Server) find(id string) *post {
	for _, p := range s.posts {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func graphErr(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if r.Form.Get("access_token") != s.Token {
		graphErr(w, http.StatusBadRequest, 190, "Invalid OAuth access token - Cannot parse access token")
		return
	}
	s.mu.Lock()
	s.calls++
	throttled := s.Limit > 0 && s.calls > s.Limit
	s.mu.Unlock()
	if throttled {
		w.Header().Set("X-Page-Usage", `{"call_count":100,"total_cputime":10,"total_time":12,"estimated_time_to_regain_access":3}`)
		graphErr(w, http.StatusBadRequest, 32, "Page request limit reached")
		return
	}
	path := strings.Trim(r.URL.Path, "/")
	switch {
	case path == s.PageID+"/feed" && r.Method == http.MethodPost:
		s.post(w, r)
	case path == s.PageID+"/feed":
		s.mu.Lock()
		data := []map[string]any{}
		for i := len(s.posts) - 1; i >= 0; i-- {
			data = append(data, map[string]any{"id": s.posts[i].ID, "link": s.posts[i].Link})
		}
		s.mu.Unlock()
		writeJSON(w, map[string]any{"data": data})
	case strings.HasSuffix(path, "/comments"):
		s.comments(w, r, strings.TrimSuffix(path, "/comments"))
	default:
		s.mu.Lock()
		p := s.find(path)
		s.mu.Unlock()
		if p == nil {
			graphErr(w, http.StatusBadRequest, 100, "Unsupported get request. Object with ID '"+path+"' does not exist")
			return
		}
		writeJSON(w, map[string]any{"id": p.ID, "reactions": map[string]any{"data": []any{}, "summary": map[string]any{"total_count": p.Reactions}},
			"comments": map[string]any{"data": []any{}, "summary": map[string]any{"total_count": len(p.Comments)}}, "shares": map[string]any{"count": p.Shares}})
	}
}

func (s *Server) post(w http.ResponseWriter, r *http.Request) {
	if strings.TrimSpace(r.Form.Get("message")) == "" && r.Form.Get("link") == "" {
		graphErr(w, http.StatusBadRequest, 100, "(#100) The parameter message or link is required")
		return
	}
	s.mu.Lock()
	p := &post{ID: s.PageID + "_" + strconv.FormatInt(time.Now().UnixNano()%1e12+int64(len(s.posts)), 10), Message: r.Form.Get("message"), Link: r.Form.Get("link")}
	s.posts = append(s.posts, p)
	lost := s.LostNext
	s.LostNext = false
	s.mu.Unlock()
	if lost {
		graphErr(w, http.StatusBadGateway, 2, "An unexpected error has occurred. Please retry your request later.")
		return
	}
	writeJSON(w, map[string]string{"id": p.ID})
}

func (s *Server) comments(w http.ResponseWriter, r *http.Request, id string) {
	size := s.PageSize
	if size <= 0 {
		size = 2
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.find(id)
	if p == nil {
		graphErr(w, http.StatusBadRequest, 100, "Object does not exist")
		return
	}
	start := 0
	if after := r.Form.Get("after"); after != "" {
		b, _ := base64.StdEncoding.DecodeString(after)
		start, _ = strconv.Atoi(string(b))
	}
	end := min(start+size, len(p.Comments))
	data := []map[string]any{}
	for _, c := range p.Comments[start:end] {
		data = append(data, map[string]any{"id": c.ID, "message": c.Message, "created_time": "2026-11-26T10:00:00+0000",
			"from": map[string]string{"id": "u-" + c.From, "name": c.From}})
	}
	paging := map[string]any{"cursors": map[string]string{"before": base64.StdEncoding.EncodeToString([]byte(strconv.Itoa(start))),
		"after": base64.StdEncoding.EncodeToString([]byte(strconv.Itoa(end)))}}
	if end < len(p.Comments) {
		paging["next"] = "https://graph.facebook.com/v21.0/" + id + "/comments?after=" + paging["cursors"].(map[string]string)["after"]
	}
	writeJSON(w, map[string]any{"data": data, "paging": paging})
}
