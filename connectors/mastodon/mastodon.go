// Package mastodon publishes to a Mastodon account (the commune's) and brings
// back replies and the counts of favourites, boosts and replies. It follows
// Mastodon's REST API: POST /api/v1/statuses with an Idempotency-Key,
// POST /api/v2/media (and GET /api/v1/media/:id while it is processed) for a
// project's picture, GET /api/v1/statuses/:id and /context, a bearer token,
// X-RateLimit-* headers.
package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"quartier/core"
)

// Config is the commune's account on an instance.
type Config struct {
	Name     string // connector key; "mastodon" when empty
	BaseURL  string // https://social.example.lu
	Token    string // an access token with write:statuses, write:media and read:statuses
	Language string // ISO 639-1 of the posts, e.g. "fr"
	Kinds    []core.PublicationKind
	Template string // "{title}", "{body}", "{url}"; default "{title}\n\n{body}\n\n{url}"
	Timeout  time.Duration
}

// Client is the connector.
type Client struct {
	cfg  Config
	http *resty.Client
	// mediaPoll is the wait between two looks at a picture the instance is
	// still processing (202, then 206 until it is done).
	mediaPoll time.Duration
}

// mediaPolls bounds the looks at a picture being processed; past them the
// publication is retried later, picture and all.
const mediaPolls = 10

// New makes a client.
func New(cfg Config) *Client {
	if cfg.Name == "" {
		cfg.Name = "mastodon"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.Template == "" {
		cfg.Template = "{title}\n\n{body}\n\n{url}"
	}
	if len(cfg.Kinds) == 0 {
		cfg.Kinds = []core.PublicationKind{core.PubProject, core.PubProjectUpdate, core.PubConsultation, core.PubPoll, core.PubEvent, core.PubResults, core.PubAnswer}
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32
	h := resty.New().SetTransport(transport).SetBaseURL(strings.TrimSuffix(cfg.BaseURL, "/")).SetTimeout(cfg.Timeout).
		SetAuthToken(cfg.Token).SetHeader("Accept", "application/json").SetRetryCount(0)
	return &Client{cfg: cfg, http: h, mediaPoll: 500 * time.Millisecond}
}

// PostsImages implements core.ImagePoster: statuses carry pictures.
func (c *Client) PostsImages() bool { return true }

// Name implements core.Connector.
func (c *Client) Name() string { return c.cfg.Name }

// Accepts implements core.Connector: the kinds staff chose for this account.
func (c *Client) Accepts(k core.PublicationKind) bool {
	return slices.Contains(c.cfg.Kinds, k)
}

// Areas implements core.Connector: an account has no neighbourhoods.
func (c *Client) Areas(context.Context) ([]core.RemoteArea, error) { return nil, nil }

// maxChars is a status's length limit on a default instance.
const maxChars = 500

// Text fills the template, shortening the body so that the status fits (the
// link always stays whole: instances count it as 23 characters, we count it
// whole to be safe).
func (c *Client) Text(p core.Publication) string {
	fill := func(body string) string {
		q := p
		q.Body = body
		return q.Fill(c.cfg.Template)
	}
	text, body := fill(p.Body), []rune(p.Body)
	for len([]rune(text)) > maxChars && len(body) > 0 {
		cut := max(0, len(body)-(len([]rune(text))-maxChars)-1)
		body = body[:cut]
		text = fill(strings.TrimSpace(string(body)) + "…")
	}
	return text
}

// statusOut is the JSON body of POST /api/v1/statuses (TextStatus, or
// MediaStatus with a picture).
type statusOut struct {
	Status      string   `json:"status"`
	Visibility  string   `json:"visibility"`
	Language    string   `json:"language,omitempty"`
	InReplyToID string   `json:"in_reply_to_id,omitempty"`
	MediaIDs    []string `json:"media_ids,omitempty"`
}

// Media is what Quartier reads of a MediaAttachment.
type Media struct {
	ID          string  `json:"id"`
	URL         *string `json:"url"` // null while the instance processes it
	Description string  `json:"description"`
}

// Status is what Quartier reads of a Mastodon status.
type Status struct {
	ID              string `json:"id"`
	URL             string `json:"url"`
	InReplyToID     string `json:"in_reply_to_id"`
	Content         string `json:"content"`
	CreatedAt       string `json:"created_at"`
	FavouritesCount int    `json:"favourites_count"`
	ReblogsCount    int    `json:"reblogs_count"`
	RepliesCount    int    `json:"replies_count"`
	Account         struct {
		ID          string `json:"id"`
		Acct        string `json:"acct"`
		DisplayName string `json:"display_name"`
	} `json:"account"`
}

// Body is the request body of a publication with the given pictures
// (exported for the spec test).
func (c *Client) Body(p core.Publication, mediaIDs ...string) any {
	return statusOut{Status: c.Text(p), Visibility: "public", Language: c.cfg.Language, InReplyToID: p.ReplyTo, MediaIDs: mediaIDs}
}

// Publish implements core.Connector. A publication's picture is uploaded
// first; one the instance refuses for good (a type or size it does not take)
// is left out rather than hold the post back. The Idempotency-Key makes a
// retry within an hour return the first status instead of posting twice (a
// retry uploads the picture again: an unattached upload is deleted by the
// instance after a day).
func (c *Client) Publish(ctx context.Context, p core.Publication) (core.Published, error) {
	var media []string
	if p.Image != nil {
		id, err := c.upload(ctx, *p.Image)
		if re, ok := core.AsRemoteError(err); err != nil && !(ok && re.Permanent) {
			return core.Published{}, err
		}
		if err == nil {
			media = []string{id}
		}
	}
	var st Status
	res, err := c.http.R().SetContext(ctx).SetHeader("Idempotency-Key", p.IdempotencyKey).SetHeader("Content-Type", "application/json").
		SetBody(c.Body(p, media...)).SetResult(&st).Post("/api/v1/statuses")
	if err := outcome(res, err); err != nil {
		return core.Published{}, err
	}
	return core.Published{RemoteID: st.ID, URL: st.URL}, nil
}

// upload sends a picture with its description (POST /api/v2/media) and
// waits for the instance to process it: a 200 is ready, a 202 is looked at
// again (GET /api/v1/media/:id answers 206 until it is ready).
func (c *Client) upload(ctx context.Context, img core.PublicationImage) (string, error) {
	name := "image.jpg"
	if img.ContentType == "image/png" {
		name = "image.png"
	}
	var m Media
	res, err := c.http.R().SetContext(ctx).SetMultipartField("file", name, img.ContentType, bytes.NewReader(img.Data)).
		SetMultipartFormData(map[string]string{"description": img.Alt}).SetResult(&m).Post("/api/v2/media")
	if err := outcome(res, err); err != nil {
		return "", err
	}
	for polls := 0; res.StatusCode() != http.StatusOK; polls++ {
		if polls == mediaPolls {
			return "", fmt.Errorf("mastodon: %w", &core.RemoteError{Message: "the picture is still being processed"})
		}
		select {
		case <-time.After(c.mediaPoll):
		case <-ctx.Done():
			return "", fmt.Errorf("mastodon: %w", &core.RemoteError{Message: ctx.Err().Error()})
		}
		res, err = c.http.R().SetContext(ctx).SetResult(&m).Get("/api/v1/media/" + m.ID)
		if err := outcome(res, err); err != nil {
			return "", err
		}
	}
	return m.ID, nil
}

// Pull implements core.Connector: for each of the commune's statuses, its
// counts and its replies (descendants in the context; Mastodon has no feed of
// replies to an account, so each thread is read). The cursor is unused.
func (c *Client) Pull(ctx context.Context, cursor string, threads []string) (core.PullBatch, error) {
	b := core.PullBatch{Cursor: cursor, Counts: map[string]core.Counts{}}
	for _, id := range threads {
		var st Status
		res, err := c.http.R().SetContext(ctx).SetResult(&st).Get("/api/v1/statuses/" + id)
		if err := outcome(res, err); err != nil {
			if re, ok := core.AsRemoteError(err); ok && re.Status == http.StatusNotFound {
				continue // deleted on the instance
			}
			return b, err
		}
		b.Counts[id] = core.Counts{Likes: st.FavouritesCount, Shares: st.ReblogsCount, Replies: st.RepliesCount}
		if st.RepliesCount == 0 {
			continue
		}
		var ctxt struct {
			Descendants []Status `json:"descendants"`
		}
		res, err = c.http.R().SetContext(ctx).SetResult(&ctxt).Get("/api/v1/statuses/" + id + "/context")
		if err := outcome(res, err); err != nil {
			return b, err
		}
		for _, d := range ctxt.Descendants {
			if d.InReplyToID != id {
				continue // replies to replies stay on Mastodon
			}
			at, _ := time.Parse(time.RFC3339, d.CreatedAt)
			b.Comments = append(b.Comments, core.RemoteComment{ID: d.ID, ThreadID: id, Body: d.Content, CreatedAt: at,
				Member: core.RemoteMember{ID: d.Account.ID, Name: d.Account.DisplayName}})
		}
	}
	return b, nil
}

// outcome reads an answer: Mastodon errors are {"error": "..."}; 429 waits
// for X-RateLimit-Reset; 4xx other than 408 and 429 will not heal.
func outcome(res *resty.Response, err error) error {
	if err != nil {
		return &core.RemoteError{Message: err.Error()}
	}
	if !res.IsError() {
		return nil
	}
	re := &core.RemoteError{Status: res.StatusCode(), Message: http.StatusText(res.StatusCode())}
	var body struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(res.Body(), &body) == nil && body.Error != "" {
		re.Message = body.Error
	}
	switch s := res.StatusCode(); {
	case s == http.StatusTooManyRequests:
		re.RetryAfter = time.Minute
		if reset, err := time.Parse(time.RFC3339Nano, res.Header().Get("X-RateLimit-Reset")); err == nil {
			re.RetryAfter = time.Until(reset) + time.Second
		} else if s, err := strconv.Atoi(res.Header().Get("Retry-After")); err == nil {
			re.RetryAfter = time.Duration(s) * time.Second
		}
	case s >= 400 && s < 500 && s != http.StatusRequestTimeout:
		re.Permanent = true
	}
	return fmt.Errorf("mastodon: %w", re)
}
