// Package fake is a stand-in for a neighbourhood app's partner API, modelled on
// what is publicly known of Hoplr's (the real one is private): an OAuth2
// password and refresh-token grant with a client-id header, neighbourhoods with
// boundaries as encoded polylines, official messages from the commune aimed at
// neighbourhoods (plain, for/against, score 1-10, poll, event), members' reactions and
// comments on those messages, posts members address to the commune, and
// replies to them. It behaves like a partner API does on a bad day too:
// tokens expire, lists are paged, a rate limit answers 429 with Retry-After
// and X-RateLimit-* headers, and on demand it fails with 503 or answers slowly.
// The privacy rule holds: the commune reads reactions and comments on its own
// messages only, never conversations between neighbours.
package fake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
)

// Neighbourhood is a neighbourhood of the app.
type Neighbourhood struct {
	ID       string
	Name     string
	Boundary orb.Ring
}

// Member is a member of the app, verified at an address in a neighbourhood.
type Member struct {
	ID              string
	FirstName       string
	NeighbourhoodID string
}

// Message is an official message of the commune, as the app stores it.
type Message struct {
	ID               string
	Type             string // plain, for_against, score, poll, event
	Title, Body      string
	Link             string
	NeighbourhoodIDs []string
	PollOptions      []PollOption
	Event            *EventInfo // the event of an event message
	IdempotencyKey   string
	ReplyTo          string    // a reply to a member's post
	CreatedAt        time.Time // by the fake's clock
	ReceivedAt       time.Time // by the wall clock, for latency measurements
}

// PollOption is a choice of a poll message.
type PollOption struct {
	ID         string `json:"id"`
	Label      string `json:"label"`
	ExternalID string `json:"external_id"`
}

// activity is one entry of the commune's activity feed, in order.
type activity struct {
	Seq  int64
	Type string // reaction, comment, post
	Data map[string]any
}

// Options configure the fake.
type Options struct {
	ClientID, Username, Password string
	TokenTTL                     time.Duration // default 1h
	RateLimit                    int           // requests per window (a minute) per token; 0: none
	PerPage                      int           // default page size of lists (default 20)
	Now                          func() time.Time
}

// Server is the fake partner API. Its methods with capital letters are the
// test's hands: what members do in the app, and the weather.
type Server struct {
	opts Options

	mu             sync.Mutex
	neighbourhoods []Neighbourhood
	members        map[string]Member
	messages       []*Message
	byKey          map[string]*Message
	activity       []activity
	seq            int64
	tokens         map[string]time.Time // access token: expiry
	refresh        map[string]bool
	window         map[string]*rateWindow
	rateWindow     time.Duration // the rate limit's window (default a minute)
	failUntil      time.Time
	slow           time.Duration
	calls          map[string]int   // method and route: count
	rateLimited    int              // answers 429 because of the rate limit
	private        []map[string]any // neighbours' own conversations
	idp            *oidcState       // the login provider's keys and codes
}

type rateWindow struct {
	start time.Time
	count int
}

// New makes a fake with the given neighbourhoods.
func New(opts Options, neighbourhoods []Neighbourhood) *Server {
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.PerPage <= 0 {
		opts.PerPage = 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Server{opts: opts, neighbourhoods: neighbourhoods, members: map[string]Member{}, byKey: map[string]*Message{},
		tokens: map[string]time.Time{}, refresh: map[string]bool{}, window: map[string]*rateWindow{}, calls: map[string]int{}}
}

// FailUntil makes every API call answer 503 until t (by the fake's clock).
func (s *Server) FailUntil(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failUntil = t
}

// LimitRate sets the rate limit to n requests per window and token (the
// partner's quota as it changes; 0 lifts it).
func (s *Server) LimitRate(n int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.RateLimit, s.rateWindow = n, window
	clear(s.window)
}

// Retire removes a neighbourhood (the app merged or closed it): messages aimed
// at it are refused with 422 unknown_neighbourhood from now on.
func (s *Server) Retire(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.neighbourhoods = slices.DeleteFunc(slices.Clone(s.neighbourhoods), func(n Neighbourhood) bool { return n.ID == id })
}

// Slow delays every answer by d.
func (s *Server) Slow(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slow = d
}

// ExpireTokens makes every access token expired (as after a long pause).
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = time.Time{}
	}
}

// Messages returns the official messages received, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		out[i] = *m
	}
	return out
}

// RateLimited counts the calls refused with 429 for the rate limit.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited
}

// Calls counts the API calls received on a route ("POST /api/v2/official-messages").
func (s *Server) Calls(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[route]
}

// Join adds a member.
func (s *Server) Join(m Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[m.ID] = m
}

// React records a member's reaction to a message: kind up, down, like, score
// (value 1-10) or option (the poll option's id). It returns the reaction's id.
func (s *Server) React(messageID, memberID, kind string, value int, optionID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := "r-" + randomID()
	data := map[string]any{"id": id, "message_id": messageID, "kind": kind, "member": s.memberJSON(memberID)}
	if kind == "score" {
		data["value"] = value
	}
	if kind == "option" {
		data["option"] = s.optionJSON(messageID, optionID)
	}
	s.add("reaction", data)
	return id
}

// Comment records a member's comment on a message and returns its id.
func (s *Server) Comment(messageID, memberID, body string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := "c-" + randomID()
	s.add("comment", map[string]any{"id": id, "message_id": messageID, "body": body, "member": s.memberJSON(memberID),
		"created_at": s.opts.Now().UTC().Format(time.RFC3339)})
	return id
}

// Post records a post a member addresses to the commune (lat and lng 0: no
// place) and returns its id.
func (s *Server) Post(memberID, title, body string, lat, lng float64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := "p-" + randomID()
	post := map[string]any{"id": id, "title": title, "body": body, "member": s.memberJSON(memberID),
		"created_at": s.opts.Now().UTC().Format(time.RFC3339)}
	if lat != 0 || lng != 0 {
		post["lat"], post["lng"] = lat, lng
	}
	s.add("post", post)
	return id
}

// Neighbours records a conversation between neighbours (a post not addressed
// to the commune): the commune's feed never shows it.
func (s *Server) Neighbours(memberID, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.private = append(s.private, map[string]any{"member": s.memberJSON(memberID), "body": body})
}

// RawActivity adds an activity entry exactly as given (hostile payloads).
func (s *Server) RawActivity(kind string, data map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.add(kind, data)
}

func (s *Server) add(kind string, data map[string]any) {
	s.seq++
	s.activity = append(s.activity, activity{Seq: s.seq, Type: kind, Data: data})
}

func (s *Server) memberJSON(id string) map[string]any {
	m := s.members[id]
	return map[string]any{"id": m.ID, "first_name": m.FirstName, "neighbourhood_id": m.NeighbourhoodID}
}

func (s *Server) optionJSON(messageID, optionID string) map[string]any {
	for _, m := range s.messages {
		if m.ID != messageID {
			continue
		}
		for _, o := range m.PollOptions {
			if o.ID == optionID {
				return map[string]any{"id": o.ID, "external_id": o.ExternalID}
			}
		}
	}
	return map[string]any{"id": optionID}
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// apiError writes the API's error body: {"error": {"code", "message"}}.
func apiError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": message}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ServeHTTP routes the partner API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	route := r.Method + " " + routeOf(r.URL.Path)
	s.calls[route]++
	slow, failing := s.slow, s.opts.Now().Before(s.failUntil)
	s.mu.Unlock()
	if slow > 0 {
		time.Sleep(slow)
	}
	if failing {
		w.Header().Set("Retry-After", "30")
		apiError(w, http.StatusServiceUnavailable, "maintenance", "The API is temporarily unavailable.")
		return
	}
	switch {
	case r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, "/play/"):
		s.play(w, r)
		return
	case r.URL.Path == "/.well-known/openid-configuration":
		s.discovery(w, r)
		return
	case r.URL.Path == "/oauth/jwks":
		s.jwks(w, r)
		return
	case r.URL.Path == "/oauth/authorize":
		s.authorize(w, r)
		return
	case r.URL.Path == "/oauth/token" && r.Method == http.MethodPost:
		if err := r.ParseForm(); err == nil && r.PostForm.Get("grant_type") == "authorization_code" {
			s.codeToken(w, r)
			return
		}
	}
	if r.Header.Get("X-Client-Id") != s.opts.ClientID {
		apiError(w, http.StatusUnauthorized, "invalid_client", "Unknown or missing X-Client-Id.")
		return
	}
	if r.URL.Path == "/oauth/token" && r.Method == http.MethodPost {
		s.token(w, r)
		return
	}
	token, ok := s.authorised(w, r)
	if !ok {
		return
	}
	if !s.admit(w, token) {
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/neighbourhoods":
		s.listNeighbourhoods(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/api/v2/official-messages":
		s.postMessage(w, r, "")
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/v2/posts/") && strings.HasSuffix(r.URL.Path, "/replies"):
		s.postMessage(w, r, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v2/posts/"), "/replies"))
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/activity":
		s.listActivity(w, r)
	default:
		apiError(w, http.StatusNotFound, "not_found", "No such endpoint.")
	}
}

func routeOf(path string) string {
	if strings.HasPrefix(path, "/api/v2/posts/") {
		return "/api/v2/posts/{id}/replies"
	}
	return path
}

// token is the OAuth2 token endpoint (RFC 6749 §4.3 and §6).
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "password":
		if r.PostForm.Get("username") != s.opts.Username || r.PostForm.Get("password") != s.opts.Password {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "Bad credentials."})
			return
		}
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !s.refresh[rt] {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "Unknown refresh token."})
			return
		}
		delete(s.refresh, rt) // refresh tokens rotate
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	access, refresh := randomID()+randomID(), randomID()+randomID()
	s.tokens[access] = s.opts.Now().Add(s.opts.TokenTTL)
	s.refresh[refresh] = true
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "token_type": "Bearer",
		"expires_in": int(s.opts.TokenTTL / time.Second), "refresh_token": refresh})
}

func (s *Server) authorised(w http.ResponseWriter, r *http.Request) (string, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	expiry, known := s.tokens[token]
	s.mu.Unlock()
	switch {
	case !ok || !known:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		apiError(w, http.StatusUnauthorized, "invalid_token", "Missing or unknown access token.")
		return "", false
	case !s.opts.Now().Before(expiry):
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="expired"`)
		apiError(w, http.StatusUnauthorized, "token_expired", "The access token has expired.")
		return "", false
	}
	return token, true
}

// admit applies the rate limit: a fixed one-minute window per token, with the
// X-RateLimit-* headers on every answer and Retry-After on 429.
func (s *Server) admit(w http.ResponseWriter, token string) bool {
	s.mu.Lock()
	limit, window := s.opts.RateLimit, s.rateWindow
	if limit <= 0 {
		s.mu.Unlock()
		return true
	}
	if window <= 0 {
		window = time.Minute
	}
	now := s.opts.Now()
	win := s.window[token]
	if win == nil || now.Sub(win.start) >= window {
		win = &rateWindow{start: now}
		s.window[token] = win
	}
	win.count++
	count, reset := win.count, win.start.Add(window)
	if count > limit {
		s.rateLimited++
	}
	s.mu.Unlock()
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(max(0, limit-count)))
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if count > limit {
		w.Header().Set("Retry-After", strconv.Itoa(int(reset.Sub(now).Seconds())+1))
		apiError(w, http.StatusTooManyRequests, "rate_limited", "Too many requests.")
		return false
	}
	return true
}

// pageOf reads ?page= (from 1) and ?per_page= (1 to 100, default def).
func pageOf(r *http.Request, def int) (page, perPage int) {
	page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	perPage, _ = strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage <= 0 {
		perPage = def
	}
	return max(page, 1), min(perPage, 100)
}
