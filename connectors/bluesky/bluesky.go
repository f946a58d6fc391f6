// Package bluesky posts to the commune's Bluesky account through the AT
// Protocol's XRPC API: a session from an app password (createSession, renewed
// with refreshSession), posts written with com.atproto.repo.createRecord under a
// record key derived from the publication (so a retry after a crash finds the
// first post instead of writing a second), link facets counted in UTF-8 bytes,
// a project's picture uploaded as a blob (com.atproto.repo.uploadBlob) and
// embedded with its description (app.bsky.embed.images), and replies and
// counts read from app.bsky.feed.getPostThread.
package bluesky

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"quartier/core"
)

// Config is the commune's account.
type Config struct {
	Name        string // connector key; "bluesky" when empty
	BaseURL     string // the account's PDS, e.g. https://bsky.social
	Handle      string // commune.bsky.social
	AppPassword string
	Language    string
	Kinds       []core.PublicationKind
	Timeout     time.Duration
}

// Client is the connector.
type Client struct {
	cfg  Config
	http *resty.Client

	mu      sync.Mutex
	did     string
	access  string
	refresh string
}

// New makes a client; it opens a session on first use.
func New(cfg Config) *Client {
	if cfg.Name == "" {
		cfg.Name = "bluesky"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	if len(cfg.Kinds) == 0 {
		cfg.Kinds = []core.PublicationKind{core.PubProject, core.PubProjectUpdate, core.PubConsultation, core.PubEvent, core.PubResults, core.PubAnswer}
	}
	h := resty.New().SetBaseURL(strings.TrimSuffix(cfg.BaseURL, "/")).SetTimeout(cfg.Timeout).SetRetryCount(0)
	return &Client{cfg: cfg, http: h}
}

// Name implements core.Connector.
func (c *Client) Name() string { return c.cfg.Name }

// Accepts implements core.Connector.
func (c *Client) Accepts(k core.PublicationKind) bool {
	return slices.Contains(c.cfg.Kinds, k)
}

// Areas implements core.Connector: an account has none.
func (c *Client) Areas(context.Context) ([]core.RemoteArea, error) { return nil, nil }

type xrpcError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

type session struct {
	AccessJwt  string `json:"accessJwt"`
	RefreshJwt string `json:"refreshJwt"`
	Did        string `json:"did"`
}

// login opens or renews the session: refreshSession first, createSession when
// the refresh token is refused too.
func (c *Client) login(ctx context.Context, renew bool) (string, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.access != "" && !renew {
		return c.access, c.did, nil
	}
	var s session
	var e xrpcError
	if c.refresh != "" {
		res, err := c.http.R().SetContext(ctx).SetAuthToken(c.refresh).SetResult(&s).SetError(&e).Post("/xrpc/com.atproto.server.refreshSession")
		if err == nil && !res.IsError() {
			c.access, c.refresh, c.did = s.AccessJwt, s.RefreshJwt, s.Did
			return c.access, c.did, nil
		}
	}
	res, err := c.http.R().SetContext(ctx).SetBody(map[string]string{"identifier": c.cfg.Handle, "password": c.cfg.AppPassword}).
		SetResult(&s).SetError(&e).Post("/xrpc/com.atproto.server.createSession")
	if err := outcome(res, err, e); err != nil {
		return "", "", err
	}
	c.access, c.refresh, c.did = s.AccessJwt, s.RefreshJwt, s.Did
	return c.access, c.did, nil
}

// call makes an authenticated XRPC call; an expired token is renewed once.
func (c *Client) call(ctx context.Context, method, nsid string, prepare func(*resty.Request)) (*resty.Response, xrpcError, error) {
	for attempt := 0; ; attempt++ {
		token, _, err := c.login(ctx, attempt > 0)
		if err != nil {
			return nil, xrpcError{}, err
		}
		var e xrpcError
		req := c.http.R().SetContext(ctx).SetAuthToken(token).SetError(&e)
		prepare(req)
		res, err := req.Execute(method, "/xrpc/"+nsid)
		if err == nil && attempt == 0 && (e.Error == "ExpiredToken" || res.StatusCode() == http.StatusUnauthorized) {
			continue
		}
		return res, e, outcome(res, err, e)
	}
}

// outcome reads an XRPC answer: {"error", "message"}; 429 waits for
// RateLimit-Reset (epoch seconds); other 4xx will not heal.
func outcome(res *resty.Response, err error, e xrpcError) error {
	if err != nil {
		return &core.RemoteError{Message: err.Error()}
	}
	if !res.IsError() {
		return nil
	}
	re := &core.RemoteError{Status: res.StatusCode(), Message: strings.TrimSpace(e.Error + ": " + e.Message)}
	switch s := res.StatusCode(); {
	case s == http.StatusTooManyRequests:
		re.RetryAfter = time.Minute
		if reset, err := strconv.ParseInt(res.Header().Get("RateLimit-Reset"), 10, 64); err == nil {
			re.RetryAfter = max(time.Until(time.Unix(reset, 0)), 0) + time.Second
		}
	case s >= 400 && s < 500 && s != http.StatusRequestTimeout:
		re.Permanent = true
	}
	return fmt.Errorf("bluesky: %w", re)
}

// maxGraphemes is a post's length limit (300; we count runes, which is
// stricter for composed characters).
const maxGraphemes = 300

// Facet marks a link in a post's text by UTF-8 byte offsets, as
// app.bsky.richtext.facet requires.
type Facet struct {
	Index struct {
		ByteStart int `json:"byteStart"`
		ByteEnd   int `json:"byteEnd"`
	} `json:"index"`
	Features []map[string]string `json:"features"`
}

// maxImageBytes is app.bsky.embed.images' limit for one picture.
const maxImageBytes = 1000000

// Blob is an uploaded blob's reference, as records embed it.
type Blob map[string]any

// PostsImages implements core.ImagePoster: posts embed pictures.
func (c *Client) PostsImages() bool { return true }

// Post is the app.bsky.feed.post record of a publication: "title — body"
// cut to fit, the link on its own line and marked with a facet, and the
// publication's picture when its blob is given.
func (c *Client) Post(p core.Publication, now time.Time, picture Blob) map[string]any {
	head := p.Title
	if p.Body != "" {
		head += " — " + p.Body
	}
	room := maxGraphemes - len([]rune(p.URL)) - 2
	if r := []rune(head); len(r) > room {
		head = string(r[:max(room-1, 0)]) + "…"
	}
	text := head
	var facets []Facet
	if p.URL != "" {
		text += "\n\n"
		var f Facet
		f.Index.ByteStart = len(text) // bytes, not characters: "é" is two
		text += p.URL
		f.Index.ByteEnd = len(text)
		f.Features = []map[string]string{{"$type": "app.bsky.richtext.facet#link", "uri": p.URL}}
		facets = append(facets, f)
	}
	post := map[string]any{"$type": "app.bsky.feed.post", "text": text, "createdAt": now.UTC().Format("2006-01-02T15:04:05.000Z")}
	if len(facets) > 0 {
		post["facets"] = facets
	}
	if c.cfg.Language != "" {
		post["langs"] = []string{c.cfg.Language}
	}
	if picture != nil && p.Image != nil {
		img := map[string]any{"alt": p.Image.Alt, "image": picture}
		if p.Image.Width > 0 && p.Image.Height > 0 {
			img["aspectRatio"] = map[string]int{"width": p.Image.Width, "height": p.Image.Height}
		}
		post["embed"] = map[string]any{"$type": "app.bsky.embed.images", "images": []any{img}}
	}
	return post
}

// upload sends a picture as a blob (com.atproto.repo.uploadBlob: the raw
// bytes with their type) and returns its reference.
func (c *Client) upload(ctx context.Context, img core.PublicationImage) (Blob, error) {
	var ans struct {
		Blob Blob `json:"blob"`
	}
	_, _, err := c.call(ctx, http.MethodPost, "com.atproto.repo.uploadBlob", func(r *resty.Request) {
		r.SetHeader("Content-Type", img.ContentType).SetBody(img.Data).SetResult(&ans)
	})
	return ans.Blob, err
}

// RecordKey is the record key of a publication: a TID (13 characters of
// base32-sortable) derived from its idempotency key, so every attempt writes
// the same record.
func RecordKey(idempotencyKey string) string {
	const alphabet = "234567abcdefghijklmnopqrstuvwxyz"
	sum := sha256.Sum256([]byte(idempotencyKey))
	v := binary.BigEndian.Uint64(sum[:8]) &^ (1 << 63) // the top bit of a TID is 0
	out := make([]byte, 13)
	for i := 12; i >= 0; i-- {
		out[i] = alphabet[v&31]
		v >>= 5
	}
	return string(out)
}

type createAnswer struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

// Publish implements core.Connector. A record that already exists under the
// key (the first attempt did land) is the post: it is returned, not written
// again.
func (c *Client) Publish(ctx context.Context, p core.Publication) (core.Published, error) {
	_, did, err := c.login(ctx, false)
	if err != nil {
		return core.Published{}, err
	}
	var picture Blob
	// A picture the post could not hold (over app.bsky.embed.images' million
	// bytes, which the PDS checks only when the record is written, refusing
	// the whole post) or that the PDS refuses for good is left out.
	if p.Image != nil && len(p.Image.Data) <= maxImageBytes {
		var err error
		picture, err = c.upload(ctx, *p.Image)
		if re, ok := core.AsRemoteError(err); err != nil && !(ok && re.Permanent) {
			return core.Published{}, err
		}
	}
	rkey := RecordKey(p.IdempotencyKey)
	var ans createAnswer
	_, e, err := c.call(ctx, http.MethodPost, "com.atproto.repo.createRecord", func(r *resty.Request) {
		r.SetBody(map[string]any{"repo": did, "collection": "app.bsky.feed.post", "rkey": rkey, "record": c.Post(p, time.Now(), picture)}).SetResult(&ans)
	})
	if err != nil && e.Error != "RecordAlreadyExists" && !strings.Contains(e.Message, "already exists") {
		return core.Published{}, err
	}
	uri := ans.URI
	if uri == "" {
		uri = "at://" + did + "/app.bsky.feed.post/" + rkey
	}
	return core.Published{RemoteID: uri, URL: "https://bsky.app/profile/" + c.cfg.Handle + "/post/" + rkey}, nil
}

type threadPost struct {
	URI    string `json:"uri"`
	Author struct {
		Did         string `json:"did"`
		Handle      string `json:"handle"`
		DisplayName string `json:"displayName"`
	} `json:"author"`
	Record struct {
		Text      string `json:"text"`
		CreatedAt string `json:"createdAt"`
	} `json:"record"`
	LikeCount   int `json:"likeCount"`
	RepostCount int `json:"repostCount"`
	ReplyCount  int `json:"replyCount"`
}

type thread struct {
	Thread struct {
		Post    threadPost `json:"post"`
		Replies []struct {
			Post threadPost `json:"post"`
		} `json:"replies"`
	} `json:"thread"`
}

// Pull implements core.Connector: each post's counts and direct replies.
func (c *Client) Pull(ctx context.Context, cursor string, threads []string) (core.PullBatch, error) {
	b := core.PullBatch{Cursor: cursor, Counts: map[string]core.Counts{}}
	for _, uri := range threads {
		var t thread
		res, _, err := c.call(ctx, http.MethodGet, "app.bsky.feed.getPostThread", func(r *resty.Request) {
			r.SetQueryParam("uri", uri).SetQueryParam("depth", "1").SetResult(&t)
		})
		if err != nil {
			if res != nil && res.StatusCode() == http.StatusBadRequest { // NotFound: the post was deleted
				continue
			}
			return b, err
		}
		p := t.Thread.Post
		b.Counts[uri] = core.Counts{Likes: p.LikeCount, Shares: p.RepostCount, Replies: p.ReplyCount}
		for _, r := range t.Thread.Replies {
			at, _ := time.Parse(time.RFC3339, r.Post.Record.CreatedAt)
			name := r.Post.Author.DisplayName
			if name == "" {
				name = r.Post.Author.Handle
			}
			b.Comments = append(b.Comments, core.RemoteComment{ID: r.Post.URI, ThreadID: uri, Body: r.Post.Record.Text, CreatedAt: at,
				Member: core.RemoteMember{ID: r.Post.Author.Did, Name: name}})
		}
	}
	return b, nil
}
