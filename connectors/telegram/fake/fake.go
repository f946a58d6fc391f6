// Package fake is a stand-in for Telegram's Bot API (sendMessage, and
// sendPhoto as multipart with a caption of at most 1,024 characters and a
// photo that must be a picture), with its envelope ({"ok", "result"} or
// {"ok": false, "error_code", "description", "parameters": {"retry_after"}})
// and its flood control: more than Limit messages in a minute answer 429 with
// retry_after.
package fake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is the fake Bot API for one bot.
type Server struct {
	Token, Channel string
	Limit          int // messages per minute; 0: none

	mu       sync.Mutex
	messages []string
	photos   map[int]int // message number: the photo's size in bytes
	window   time.Time
	count    int
}

// Photo returns the size of the photo sent with message n (from 1), 0 for none.
func (s *Server) Photo(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.photos[n]
}

// Messages returns the texts posted, in order.
func (s *Server) Messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.messages...)
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func badRequest(w http.ResponseWriter, description string) {
	reply(w, http.StatusBadRequest, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: " + description})
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ChatID any    `json:"chat_id"`
		Text   string `json:"text"`
	}
	photo := 0
	switch r.URL.Path {
	case "/bot" + s.Token + "/sendMessage":
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || strings.TrimSpace(in.Text) == "" {
			badRequest(w, "message text is empty")
			return
		}
	case "/bot" + s.Token + "/sendPhoto":
		if err := r.ParseMultipartForm(10 << 20); err != nil {
			badRequest(w, "there is no photo in the request")
			return
		}
		f, _, err := r.FormFile("photo")
		if err != nil {
			badRequest(w, "there is no photo in the request")
			return
		}
		data, _ := io.ReadAll(f)
		f.Close()
		in.ChatID, in.Text, photo = r.FormValue("chat_id"), r.FormValue("caption"), len(data)
		switch {
		case !strings.HasPrefix(http.DetectContentType(data), "image/"):
			badRequest(w, "IMAGE_PROCESS_FAILED")
			return
		case len([]rune(in.Text)) > 1024:
			badRequest(w, "message caption is too long")
			return
		}
	default:
		reply(w, http.StatusUnauthorized, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	if in.ChatID != "@"+s.Channel {
		reply(w, http.StatusBadRequest, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.window) >= time.Minute {
		s.window, s.count = time.Now(), 0
	}
	s.count++
	if s.Limit > 0 && s.count > s.Limit {
		wait := int(time.Minute-time.Since(s.window))/int(time.Second) + 1
		reply(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error_code": 429,
			"description": "Too Many Requests: retry after " + itoa(wait), "parameters": map[string]any{"retry_after": wait}})
		return
	}
	s.messages = append(s.messages, in.Text)
	if photo > 0 {
		if s.photos == nil {
			s.photos = map[int]int{}
		}
		s.photos[len(s.messages)] = photo
	}
	reply(w, http.StatusOK, map[string]any{"ok": true, "result": map[string]any{"message_id": len(s.messages),
		"date": time.Now().Unix(), "text": in.Text, "chat": map[string]any{"id": -1001234567890, "type": "channel", "username": s.Channel}}})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
