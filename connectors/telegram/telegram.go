// Package telegram posts to the commune's Telegram channel through the Bot API
// (sendMessage; sendPhoto, with the text as caption, for a publication with a
// picture). Telegram gives bots no way to read a channel's comments and
// has no idempotency key: a delivery interrupted after Telegram accepted it
// may post twice (rare; the engine records every success at once).
package telegram

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"quartier/core"
)

// Config is the commune's bot and channel.
type Config struct {
	Name     string // connector key; "telegram" when empty
	BaseURL  string // https://api.telegram.org
	Token    string // the bot's token
	ChatID   string // "@channel" or a numeric id
	Kinds    []core.PublicationKind
	Template string // {title}, {body}, {url}
	Timeout  time.Duration
}

// Client is the connector.
type Client struct {
	cfg  Config
	http *resty.Client
}

// New makes a client.
func New(cfg Config) *Client {
	if cfg.Name == "" {
		cfg.Name = "telegram"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://api.telegram.org"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.Template == "" {
		cfg.Template = "{title}\n\n{body}\n\n{url}"
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

// Areas implements core.Connector: a channel has none.
func (c *Client) Areas(context.Context) ([]core.RemoteArea, error) { return nil, nil }

// Pull implements core.Connector: bots cannot read a channel's comments.
func (c *Client) Pull(_ context.Context, cursor string, _ []string) (core.PullBatch, error) {
	return core.PullBatch{Cursor: cursor}, nil
}

// maxText is sendMessage's limit, maxCaption sendPhoto's.
const (
	maxText    = 4096
	maxCaption = 1024
)

// PostsImages implements core.ImagePoster: a picture is sent as a photo.
func (c *Client) PostsImages() bool { return true }

// answer is the Bot API's envelope.
type answer struct {
	OK          bool   `json:"ok"`
	Description string `json:"description"`
	ErrorCode   int    `json:"error_code"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
	Result struct {
		MessageID int64 `json:"message_id"`
		Chat      struct {
			Username string `json:"username"`
		} `json:"chat"`
	} `json:"result"`
}

// Publish implements core.Connector: sendMessage with the link previewed, or,
// for a publication with a picture, sendPhoto with the text as its caption
// (cut to 1,024 characters); a picture Telegram refuses for good is left out
// and the text sent alone.
func (c *Client) Publish(ctx context.Context, p core.Publication) (core.Published, error) {
	text := p.Fill(c.cfg.Template)
	if p.Image != nil {
		got, err := c.send(c.http.R().SetContext(ctx).SetMultipartFormData(map[string]string{"chat_id": c.cfg.ChatID, "caption": shortened(text, maxCaption)}).
			SetMultipartField("photo", "photo"+extension(p.Image.ContentType), p.Image.ContentType, bytes.NewReader(p.Image.Data)), "sendPhoto")
		if re, ok := core.AsRemoteError(err); err == nil || !ok || !re.Permanent || re.Status == http.StatusUnauthorized || re.Status == http.StatusForbidden {
			return got, err
		}
	}
	return c.send(c.http.R().SetContext(ctx).SetHeader("Content-Type", "application/json").
		SetBody(map[string]any{"chat_id": c.cfg.ChatID, "text": shortened(text, maxText), "link_preview_options": map[string]any{"url": p.URL}}), "sendMessage")
}

// send calls a Bot API method and reads its envelope.
func (c *Client) send(req *resty.Request, method string) (core.Published, error) {
	var a answer
	res, err := req.SetResult(&a).SetError(&a).Post("/bot" + c.cfg.Token + "/" + method)
	if err != nil {
		return core.Published{}, &core.RemoteError{Message: strings.ReplaceAll(err.Error(), c.cfg.Token, "…")}
	}
	if !a.OK {
		re := &core.RemoteError{Status: res.StatusCode(), Message: a.Description}
		switch {
		case a.Parameters.RetryAfter > 0:
			re.RetryAfter = time.Duration(a.Parameters.RetryAfter) * time.Second
		case res.StatusCode() >= 400 && res.StatusCode() < 500 && res.StatusCode() != http.StatusTooManyRequests:
			re.Permanent = true
		}
		return core.Published{}, fmt.Errorf("telegram: %w", re)
	}
	id := strconv.FormatInt(a.Result.MessageID, 10)
	url := ""
	if a.Result.Chat.Username != "" {
		url = "https://t.me/" + a.Result.Chat.Username + "/" + id
	}
	return core.Published{RemoteID: id, URL: url}, nil
}

// shortened cuts text to n characters, ending with "…" when cut.
func shortened(text string, n int) string {
	if r := []rune(text); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return text
}

func extension(contentType string) string {
	if contentType == "image/png" {
		return ".png"
	}
	return ".jpg"
}
