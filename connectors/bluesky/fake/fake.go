// Package fake is a stand-in for a Bluesky PDS (the XRPC calls Quartier
// makes): createSession and refreshSession with access tokens that expire
// (400 ExpiredToken), uploadBlob (any image up to the PDS's blob limit),
// createRecord with a client-chosen record key (a second write under the same
// key is refused; embedded images must name uploaded blobs of at most
// 1,000,000 bytes, app.bsky.embed.images' limit, checked when the record is
// written as a PDS does), getPostThread with counts and replies,
// {"error", "message"} bodies and RateLimit-* headers.
package fake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Server is the fake PDS for one account.
type Server struct {
	Handle, Password, Did string
	Limit                 int // requests per window; 0: none

	mu      sync.Mutex
	access  map[string]bool
	refresh map[string]bool
	posts   map[string]*Post // by uri
	order   []string
	calls   int
	creates int
	blobs   map[string]int // cid: size in bytes
}

// Post is a stored post.
type Post struct {
	URI, Text, AuthorDid, AuthorHandle, Author string
	Record                                     map[string]any
	ReplyTo                                    string
	Likes, Reposts                             int
}

// New makes a PDS for the commune's account.
func New(handle, password string) *Server {
	return &Server{Handle: handle, Password: password, Did: "did:plc:commune", access: map[string]bool{}, refresh: map[string]bool{}, posts: map[string]*Post{},
		blobs: map[string]int{}}
}

// ExpireSessions makes every access token expired.
func (s *Server) ExpireSessions() { s.mu.Lock(); s.access = map[string]bool{}; s.mu.Unlock() }

// Posts returns the commune's posts' records, in order.
func (s *Server) Posts() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, u := range s.order {
		if p := s.posts[u]; p.AuthorDid == s.Did {
			out = append(out, p.Record)
		}
	}
	return out
}

// Creates counts createRecord calls (including refused repeats).
func (s *Server) Creates() int { s.mu.Lock(); defer s.mu.Unlock(); return s.creates }

// Like, Repost and Reply are other accounts' doings.
func (s *Server) Like(uri string) { s.mu.Lock(); s.posts[uri].Likes++; s.mu.Unlock() }

// Reply adds another account's reply and returns its uri.
func (s *Server) Reply(uri, handle, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := "at://did:plc:" + handle + "/app.bsky.feed.post/3k" + strconv.Itoa(len(s.order))
	s.posts[u] = &Post{URI: u, Text: text, AuthorDid: "did:plc:" + handle, AuthorHandle: handle + ".bsky.social", Author: strings.ToUpper(handle[:1]) + handle[1:], ReplyTo: uri}
	s.order = append(s.order, u)
	return u
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func xerr(w http.ResponseWriter, status int, name, msg string) {
	reply(w, status, map[string]string{"error": name, "message": msg})
}

var tid = regexp.MustCompile(`^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$`)

func token() string { return strconv.FormatInt(time.Now().UnixNano(), 36) }

// ServeHTTP routes the XRPC methods.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	limited := s.Limit > 0 && s.calls > s.Limit
	s.mu.Unlock()
	w.Header().Set("RateLimit-Limit", strconv.Itoa(s.Limit))
	w.Header().Set("RateLimit-Reset", strconv.FormatInt(time.Now().Add(30*time.Second).Unix(), 10))
	if limited {
		xerr(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		return
	}
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch r.URL.Path {
	case "/xrpc/com.atproto.server.createSession":
		var in struct{ Identifier, Password string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		if in.Identifier != s.Handle || in.Password != s.Password {
			xerr(w, http.StatusUnauthorized, "AuthenticationRequired", "Invalid identifier or password")
			return
		}
		s.session(w)
	case "/xrpc/com.atproto.server.refreshSession":
		s.mu.Lock()
		ok := s.refresh[bearer]
		delete(s.refresh, bearer)
		s.mu.Unlock()
		if !ok {
			xerr(w, http.StatusBadRequest, "ExpiredToken", "Token has been revoked")
			return
		}
		s.session(w)
	case "/xrpc/com.atproto.repo.uploadBlob":
		if !s.authed(w, bearer) {
			return
		}
		s.uploadBlob(w, r)
	case "/xrpc/com.atproto.repo.createRecord":
		if !s.authed(w, bearer) {
			return
		}
		s.create(w, r)
	case "/xrpc/app.bsky.feed.getPostThread":
		if !s.authed(w, bearer) {
			return
		}
		s.thread(w, r.URL.Query().Get("uri"))
	default:
		xerr(w, http.StatusNotImplemented, "MethodNotImplemented", "Method Not Implemented")
	}
}

func (s *Server) session(w http.ResponseWriter) {
	s.mu.Lock()
	a, rf := "acc"+token(), "ref"+token()
	s.access[a], s.refresh[rf] = true, true
	s.mu.Unlock()
	reply(w, http.StatusOK, map[string]any{"accessJwt": a, "refreshJwt": rf, "handle": s.Handle, "did": s.Did})
}

func (s *Server) authed(w http.ResponseWriter, bearer string) bool {
	s.mu.Lock()
	ok := s.access[bearer]
	s.mu.Unlock()
	if !ok {
		xerr(w, http.StatusBadRequest, "ExpiredToken", "Token has expired")
	}
	return ok
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Repo, Collection, Rkey string
		Record                 map[string]any
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		xerr(w, http.StatusBadRequest, "InvalidRequest", "Invalid JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creates++
	text, _ := in.Record["text"].(string)
	switch {
	case in.Repo != s.Did || in.Collection != "app.bsky.feed.post":
		xerr(w, http.StatusBadRequest, "InvalidRequest", "Invalid repo or collection")
		return
	case !tid.MatchString(in.Rkey):
		xerr(w, http.StatusBadRequest, "InvalidRequest", "Invalid record key: must be a TID")
		return
	case utf8.RuneCountInString(text) > 300:
		xerr(w, http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes")
		return
	}
	if err := checkFacets(text, in.Record["facets"]); err != "" {
		xerr(w, http.StatusBadRequest, "InvalidRequest", err)
		return
	}
	if err := s.checkImages(in.Record["embed"]); err != "" {
		xerr(w, http.StatusBadRequest, "InvalidRequest", err)
		return
	}
	uri := "at://" + s.Did + "/app.bsky.feed.post/" + in.Rkey
	if _, exists := s.posts[uri]; exists {
		xerr(w, http.StatusBadRequest, "InvalidRequest", "Record already exists at "+uri)
		return
	}
	s.posts[uri] = &Post{URI: uri, Text: text, AuthorDid: s.Did, AuthorHandle: s.Handle, Author: "Commune", Record: in.Record}
	s.order = append(s.order, uri)
	reply(w, http.StatusOK, map[string]string{"uri": uri, "cid": "bafyrei" + in.Rkey})
}

// maxImageBlob is app.bsky.embed.images' limit for one image, maxBlob the
// PDS's limit for any upload.
const (
	maxImageBlob = 1000000
	maxBlob      = 50 << 20
)

// uploadBlob stores an image and answers its reference.
func (s *Server) uploadBlob(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(io.LimitReader(r.Body, maxBlob+1))
	ctype := r.Header.Get("Content-Type")
	switch {
	case len(data) == 0:
		xerr(w, http.StatusBadRequest, "InvalidRequest", "request body is empty")
		return
	case len(data) > maxBlob:
		xerr(w, http.StatusRequestEntityTooLarge, "PayloadTooLarge", "request entity too large")
		return
	case !strings.HasPrefix(ctype, "image/") || http.DetectContentType(data) != ctype:
		xerr(w, http.StatusBadRequest, "InvalidMimeType", "Wrong type of file. It is "+http.DetectContentType(data)+" but it must match image/*.")
		return
	}
	sum := sha256.Sum256(data)
	cid := "bafkrei" + hex.EncodeToString(sum[:])[:52]
	s.mu.Lock()
	s.blobs[cid] = len(data)
	s.mu.Unlock()
	reply(w, http.StatusOK, map[string]any{"blob": map[string]any{"$type": "blob", "ref": map[string]string{"$link": cid}, "mimeType": ctype, "size": len(data)}})
}

// checkImages refuses an app.bsky.embed.images embed whose images name no
// uploaded blob or lack their alt text (the lexicon requires one, if empty);
// four images at most. Called with s.mu held.
func (s *Server) checkImages(raw any) string {
	embed, _ := raw.(map[string]any)
	if embed == nil || embed["$type"] != "app.bsky.embed.images" {
		return ""
	}
	images, _ := embed["images"].([]any)
	if len(images) == 0 || len(images) > 4 {
		return "Invalid app.bsky.embed.images: images must have 1 to 4 elements"
	}
	for _, i := range images {
		img, _ := i.(map[string]any)
		if _, ok := img["alt"].(string); !ok {
			return "Invalid app.bsky.embed.images: image must have the property \"alt\""
		}
		blob, _ := img["image"].(map[string]any)
		ref, _ := blob["ref"].(map[string]any)
		link, _ := ref["$link"].(string)
		size, ok := s.blobs[link]
		if !ok || blob["$type"] != "blob" {
			return "Could not find blob: " + link
		}
		if size > maxImageBlob {
			return "BlobTooLarge: This file is too large. It is " + strconv.Itoa(size) + " bytes but the maximum size is 1000000 bytes."
		}
	}
	return ""
}

// Images returns the alt texts of a post's embedded images.
func (s *Server) Images(uri string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.posts[uri]
	if p == nil {
		return nil
	}
	embed, _ := p.Record["embed"].(map[string]any)
	images, _ := embed["images"].([]any)
	var out []string
	for _, i := range images {
		img, _ := i.(map[string]any)
		alt, _ := img["alt"].(string)
		out = append(out, alt)
	}
	return out
}

// checkFacets refuses link facets whose byte range does not cover the link's
// bytes in the text (offsets are in UTF-8 bytes, not characters).
func checkFacets(text string, raw any) string {
	facets, _ := raw.([]any)
	for _, f := range facets {
		m, _ := f.(map[string]any)
		idx, _ := m["index"].(map[string]any)
		start, _ := idx["byteStart"].(float64)
		end, _ := idx["byteEnd"].(float64)
		features, _ := m["features"].([]any)
		if int(end) > len(text) || start < 0 || start >= end || len(features) == 0 {
			return "Invalid facet: byte range outside the text"
		}
		feat, _ := features[0].(map[string]any)
		if uri, _ := feat["uri"].(string); text[int(start):int(end)] != uri {
			return "Invalid facet: the byte range does not cover " + uri
		}
	}
	return ""
}

func (s *Server) thread(w http.ResponseWriter, uri string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.posts[uri]
	if !ok {
		xerr(w, http.StatusBadRequest, "NotFound", "Post not found: "+uri)
		return
	}
	view := func(p *Post, replies int) map[string]any {
		return map[string]any{"uri": p.URI, "cid": "bafy", "author": map[string]any{"did": p.AuthorDid, "handle": p.AuthorHandle, "displayName": p.Author},
			"record":    map[string]any{"$type": "app.bsky.feed.post", "text": p.Text, "createdAt": "2026-11-26T10:00:00.000Z"},
			"likeCount": p.Likes, "repostCount": p.Reposts, "replyCount": replies, "indexedAt": "2026-11-26T10:00:00.000Z"}
	}
	var replies []map[string]any
	for _, u := range s.order {
		if q := s.posts[u]; q.ReplyTo == uri {
			replies = append(replies, map[string]any{"$type": "app.bsky.feed.defs#threadViewPost", "post": view(q, 0)})
		}
	}
	reply(w, http.StatusOK, map[string]any{"thread": map[string]any{"$type": "app.bsky.feed.defs#threadViewPost", "post": view(p, len(replies)), "replies": replies}})
}
