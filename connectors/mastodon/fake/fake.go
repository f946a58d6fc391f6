// Package fake is a stand-in for a Mastodon instance, following the API's
// documentation (and ../shared/specs/mastodon-openapi-schema.json, which its
// tests check its answers against): bearer tokens, POST /api/v1/statuses with
// Idempotency-Key (a repeat within an hour returns the first status) and
// media_ids, POST /api/v2/media (200 when ready, 202 when processed in the
// background, then GET /api/v1/media/:id answers 206 until it is ready),
// statuses and their context, {"error": "..."} bodies, X-RateLimit-* headers
// (the reset as an ISO 8601 time) and 429.
package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // decoders for uploads' sizes
	_ "image/png"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is the fake instance. Favourite, Boost and Reply are what other
// people on the network do.
type Server struct {
	Token     string
	RateLimit int // requests per 5 minutes; 0: none
	// AsyncMedia makes uploads answer 202 and be ready after one look, as
	// an instance busy with its queue does.
	AsyncMedia bool

	mu       sync.Mutex
	seq      int64
	statuses map[string]*status
	order    []string
	keys     map[string]keyed
	window   time.Time
	count    int
	media    map[string]*Media
	Bodies   [][]byte // the request bodies of POST /api/v1/statuses, for spec checks
}

// Media is an uploaded picture.
type Media struct {
	ID, ContentType, Description string
	Size, Width, Height          int
	Ready                        bool
	Status                       string // the status it is attached to; "" while unattached
}

type keyed struct {
	id string
	at time.Time
}

type status struct {
	ID, Content, InReplyTo, Visibility, Language string
	Account                                      string
	CreatedAt                                    time.Time
	Favourites, Reblogs                          int
	Media                                        []string
}

// New makes an instance where token is the commune's access token.
func New(token string) *Server {
	return &Server{Token: token, statuses: map[string]*status{}, keys: map[string]keyed{}, media: map[string]*Media{}}
}

func (s *Server) add(st *status) *status {
	s.seq++
	st.ID = strconv.FormatInt(110000000000000000+s.seq, 10)
	st.CreatedAt = time.Now().UTC()
	s.statuses[st.ID] = st
	s.order = append(s.order, st.ID)
	return st
}

// Favourite and Boost count reactions to a status.
func (s *Server) Favourite(id string) { s.mu.Lock(); s.statuses[id].Favourites++; s.mu.Unlock() }

// Boost is a reblog of a status.
func (s *Server) Boost(id string) { s.mu.Lock(); s.statuses[id].Reblogs++; s.mu.Unlock() }

// Reply posts a reply by another account and returns its id.
func (s *Server) Reply(id, account, html string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.add(&status{Content: html, InReplyTo: id, Visibility: "public", Account: account}).ID
}

// Attached returns the pictures of a status, in order.
func (s *Server) Attached(statusID string) []Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Media
	if st := s.statuses[statusID]; st != nil {
		for _, id := range st.Media {
			out = append(out, *s.media[id])
		}
	}
	return out
}

// Uploads counts the pictures uploaded, attached or not.
func (s *Server) Uploads() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.media) }

// Posted returns the commune's statuses' texts, in order.
func (s *Server) Posted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, id := range s.order {
		if st := s.statuses[id]; st.Account == "commune" {
			out = append(out, st.Content)
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// ServeHTTP routes the three endpoints Quartier uses.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.Token {
		apiError(w, http.StatusUnauthorized, "The access token is invalid")
		return
	}
	if !s.admit(w) {
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v2/media":
		s.upload(w, r)
		return
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/media/"):
		s.mediaState(w, strings.TrimPrefix(r.URL.Path, "/api/v1/media/"))
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/api/v1/statuses")
	switch {
	case r.Method == http.MethodPost && path == "":
		s.post(w, r)
	case r.Method == http.MethodGet && strings.HasSuffix(path, "/context"):
		s.context(w, strings.Trim(strings.TrimSuffix(path, "/context"), "/"))
	case r.Method == http.MethodGet && path != "":
		s.get(w, strings.Trim(path, "/"))
	default:
		apiError(w, http.StatusNotFound, "Record not found")
	}
}

// admit counts requests in a 5-minute window, as instances do per token.
func (s *Server) admit(w http.ResponseWriter) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	if now.Sub(s.window) >= 5*time.Minute {
		s.window, s.count = now, 0
	}
	s.count++
	if s.RateLimit == 0 {
		return true
	}
	reset := s.window.Add(5 * time.Minute)
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(s.RateLimit))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(max(0, s.RateLimit-s.count)))
	w.Header().Set("X-RateLimit-Reset", reset.Format("2006-01-02T15:04:05.000Z"))
	if s.count > s.RateLimit {
		apiError(w, http.StatusTooManyRequests, "Too many requests")
		return false
	}
	return true
}

func (s *Server) post(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var in struct {
		Status      string   `json:"status"`
		Visibility  string   `json:"visibility"`
		Language    string   `json:"language"`
		InReplyToID string   `json:"in_reply_to_id"`
		MediaIDs    []string `json:"media_ids"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		apiError(w, http.StatusBadRequest, "Invalid JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Bodies = append(s.Bodies, body)
	key := r.Header.Get("Idempotency-Key")
	if k, ok := s.keys[key]; ok && key != "" && time.Since(k.at) < time.Hour {
		writeJSON(w, http.StatusOK, s.json(s.statuses[k.id]))
		return
	}
	for _, id := range in.MediaIDs {
		switch m := s.media[id]; {
		case m == nil:
			apiError(w, http.StatusUnprocessableEntity, "Validation failed: Media attachments are invalid")
			return
		case !m.Ready:
			apiError(w, http.StatusUnprocessableEntity, "Cannot attach files that have not finished processing. Try again in a moment!")
			return
		case m.Status != "":
			apiError(w, http.StatusUnprocessableEntity, "Validation failed: Media attachments are already attached to another status")
			return
		}
	}
	switch {
	case len(in.MediaIDs) > 4:
		apiError(w, http.StatusUnprocessableEntity, "Validation failed: Media attachments limit of 4 exceeded")
		return
	case strings.TrimSpace(in.Status) == "" && len(in.MediaIDs) == 0:
		apiError(w, http.StatusUnprocessableEntity, "Validation failed: Text can't be blank")
		return
	case len([]rune(in.Status)) > 500:
		apiError(w, http.StatusUnprocessableEntity, "Validation failed: Text character limit of 500 exceeded")
		return
	case in.InReplyToID != "" && s.statuses[in.InReplyToID] == nil:
		apiError(w, http.StatusNotFound, "Record not found")
		return
	}
	st := s.add(&status{Content: in.Status, InReplyTo: in.InReplyToID, Visibility: in.Visibility, Language: in.Language, Account: "commune", Media: in.MediaIDs})
	for _, id := range in.MediaIDs {
		s.media[id].Status = st.ID
	}
	if key != "" {
		s.keys[key] = keyed{st.ID, time.Now()}
	}
	writeJSON(w, http.StatusOK, s.json(st))
}

// maxUpload is an instance's default limit for a picture.
const maxUpload = 16 << 20

// upload takes a picture: a file of an image type is required; it is ready
// at once (200), or with AsyncMedia after one look (202).
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		apiError(w, http.StatusUnprocessableEntity, "Validation failed: File can't be blank")
		return
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		apiError(w, http.StatusUnprocessableEntity, "Validation failed: File can't be blank")
		return
	}
	defer f.Close()
	data, _ := io.ReadAll(io.LimitReader(f, maxUpload+1))
	ctype := fh.Header.Get("Content-Type")
	switch {
	case !strings.HasPrefix(ctype, "image/") || http.DetectContentType(data) != ctype:
		apiError(w, http.StatusUnprocessableEntity, "Validation failed: File content type is invalid, File is invalid")
		return
	case len(data) > maxUpload:
		apiError(w, http.StatusUnprocessableEntity, "Validation failed: File file size must be less than 16 MB")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		apiError(w, http.StatusUnprocessableEntity, "Validation failed: File could not be processed")
		return
	}
	m := &Media{ID: strconv.FormatInt(120000000000000000+s.seq, 10), ContentType: ctype, Description: r.FormValue("description"),
		Size: len(data), Width: cfg.Width, Height: cfg.Height, Ready: !s.AsyncMedia}
	s.media[m.ID] = m
	code := http.StatusOK
	if !m.Ready {
		code = http.StatusAccepted
	}
	writeJSON(w, code, mediaJSON(m))
}

// mediaState answers 206 for a picture still processing (and finishes it:
// it is ready at the next look), 200 once it is ready.
func (s *Server) mediaState(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.media[id]
	if !ok {
		apiError(w, http.StatusNotFound, "Record not found")
		return
	}
	if !m.Ready {
		m.Ready = true
		writeJSON(w, http.StatusPartialContent, mediaJSON(&Media{ID: m.ID, ContentType: m.ContentType, Description: m.Description}))
		return
	}
	writeJSON(w, http.StatusOK, mediaJSON(m))
}

// mediaJSON renders a MediaAttachment; url is null until it is ready.
func mediaJSON(m *Media) map[string]any {
	var url, preview any
	if m.Ready {
		url = "https://social.example.lu/system/media_attachments/files/" + m.ID + "/original/image"
		preview = "https://social.example.lu/system/media_attachments/files/" + m.ID + "/small/image"
	}
	var meta any
	if m.Width > 0 {
		meta = map[string]any{"original": map[string]any{"width": m.Width, "height": m.Height, "size": fmt.Sprintf("%dx%d", m.Width, m.Height),
			"aspect": float64(m.Width) / float64(m.Height)}}
	}
	return map[string]any{"id": m.ID, "type": "image", "url": url, "preview_url": preview, "remote_url": nil,
		"description": m.Description, "blurhash": nil, "meta": meta}
}

func (s *Server) get(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.statuses[id]
	if !ok {
		apiError(w, http.StatusNotFound, "Record not found")
		return
	}
	writeJSON(w, http.StatusOK, s.json(st))
}

func (s *Server) context(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.statuses[id]; !ok {
		apiError(w, http.StatusNotFound, "Record not found")
		return
	}
	descendants := []map[string]any{}
	for _, sid := range s.order {
		if st := s.statuses[sid]; st.InReplyTo == id {
			descendants = append(descendants, s.json(st))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"ancestors": []any{}, "descendants": descendants})
}

// json renders a status as the API does (every required field of Status and
// Account present).
func (s *Server) json(st *status) map[string]any {
	replies := 0
	for _, other := range s.statuses {
		if other.InReplyTo == st.ID {
			replies++
		}
	}
	content := st.Content
	if st.Account == "commune" && !strings.HasPrefix(content, "<p>") {
		content = "<p>" + strings.ReplaceAll(content, "\n", "<br>") + "</p>"
	}
	var inReply any
	if st.InReplyTo != "" {
		inReply = st.InReplyTo
	}
	created := st.CreatedAt.Format("2006-01-02T15:04:05.000Z")
	acct := map[string]any{"id": "1", "username": st.Account, "acct": st.Account, "display_name": strings.ToUpper(st.Account[:1]) + st.Account[1:],
		"locked": false, "bot": st.Account == "commune", "group": false, "indexable": true, "created_at": "2024-01-01T00:00:00.000Z",
		"note": "", "uri": "https://social.example.lu/users/" + st.Account, "avatar": "https://social.example.lu/avatars/original/missing.png",
		"avatar_static": "https://social.example.lu/avatars/original/missing.png", "header": "https://social.example.lu/headers/original/missing.png",
		"header_static": "https://social.example.lu/headers/original/missing.png", "followers_count": 0, "following_count": 0,
		"statuses_count": 1, "emojis": []any{}, "fields": []any{}}
	if st.Account != "commune" {
		acct["id"] = fmt.Sprint(len(st.Account) + 100)
	}
	attachments := []any{}
	for _, id := range st.Media {
		attachments = append(attachments, mediaJSON(s.media[id]))
	}
	return map[string]any{"id": st.ID, "uri": "https://social.example.lu/users/" + st.Account + "/statuses/" + st.ID,
		"url": "https://social.example.lu/@" + st.Account + "/" + st.ID, "created_at": created, "account": acct, "content": content,
		"visibility": "public", "sensitive": false, "spoiler_text": "", "media_attachments": attachments, "mentions": []any{}, "tags": []any{},
		"emojis": []any{}, "reblogs_count": st.Reblogs, "favourites_count": st.Favourites, "replies_count": replies,
		"in_reply_to_id": inReply, "language": st.Language}
}
