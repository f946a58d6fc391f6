// Package facebook posts to the commune's Facebook Page through the Graph API
// (POST /{page}/feed with a Page access token), reads comments with cursor
// paging and the reactions summary. The feed endpoint has no idempotency key:
// before posting, the connector looks for the post among the Page's latest
// (each link carries the publication's key), so a retry after a lost answer
// does not post twice. Throttling (error codes 4, 17, 32, 613 in 400/403
// answers, with X-App-Usage / X-Page-Usage / X-Business-Use-Case-Usage) makes
// the delivery wait.
package facebook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"quartier/core"
)

// Config is the commune's Page.
type Config struct {
	Name     string // connector key; "facebook" when empty
	BaseURL  string // https://graph.facebook.com/v21.0
	PageID   string
	Token    string // a Page access token
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
		cfg.Name = "facebook"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://graph.facebook.com/v21.0"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.Template == "" {
		cfg.Template = "{title}\n\n{body}"
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

// Areas implements core.Connector: a Page has none.
func (c *Client) Areas(context.Context) ([]core.RemoteArea, error) { return nil, nil }

// graphError is the Graph API's error body.
type graphError struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    int    `json:"code"`
	} `json:"error"`
}

// throttled are the Graph API's rate-limit error codes.
var throttled = map[int]bool{4: true, 17: true, 32: true, 613: true}

// outcome reads a Graph answer: throttling waits for the usage headers'
// estimated_time_to_regain_access (minutes; five when absent); an invalid
// token or parameter will not heal; codes 1 and 2 are temporary.
func outcome(res *resty.Response, err error) error {
	if err != nil {
		return &core.RemoteError{Message: err.Error()}
	}
	if !res.IsError() {
		return nil
	}
	var g graphError
	_ = json.Unmarshal(res.Body(), &g)
	re := &core.RemoteError{Status: res.StatusCode(), Message: fmt.Sprintf("(#%d) %s", g.Error.Code, g.Error.Message)}
	switch {
	case throttled[g.Error.Code]:
		re.RetryAfter = regainTime(res.Header())
	case g.Error.Code == 1 || g.Error.Code == 2 || res.StatusCode() >= 500:
	case res.StatusCode() >= 400 && res.StatusCode() < 500:
		re.Permanent = true
	}
	return fmt.Errorf("facebook: %w", re)
}

// regainTime reads estimated_time_to_regain_access (minutes) from the usage
// headers; the business-use-case header nests it per business id and type.
func regainTime(h http.Header) time.Duration {
	best := 0
	for _, name := range []string{"X-Page-Usage", "X-App-Usage"} {
		var u struct {
			Regain int `json:"estimated_time_to_regain_access"`
		}
		if json.Unmarshal([]byte(h.Get(name)), &u) == nil {
			best = max(best, u.Regain)
		}
	}
	var buc map[string][]struct {
		Regain int `json:"estimated_time_to_regain_access"`
	}
	if json.Unmarshal([]byte(h.Get("X-Business-Use-Case-Usage")), &buc) == nil {
		for _, list := range buc {
			for _, u := range list {
				best = max(best, u.Regain)
			}
		}
	}
	if best == 0 {
		return 5 * time.Minute
	}
	return time.Duration(best) * time.Minute
}

// marked is the publication's link with its key, so the post can be found.
func marked(p core.Publication) string {
	sum := sha256.Sum256([]byte(p.IdempotencyKey))
	ref := "qref=" + hex.EncodeToString(sum[:6])
	if strings.Contains(p.URL, "?") {
		return p.URL + "&" + ref
	}
	return p.URL + "?" + ref
}

type feedPage struct {
	Data []struct {
		ID   string `json:"id"`
		Link string `json:"link"`
	} `json:"data"`
}

// find looks for the publication among the Page's latest posts.
func (c *Client) find(ctx context.Context, link string) (string, error) {
	var f feedPage
	res, err := c.http.R().SetContext(ctx).SetQueryParams(map[string]string{"fields": "id,link", "limit": "50", "access_token": c.cfg.Token}).
		SetResult(&f).Get("/" + c.cfg.PageID + "/feed")
	if err := outcome(res, err); err != nil {
		return "", err
	}
	for _, p := range f.Data {
		if p.Link == link {
			return p.ID, nil
		}
	}
	return "", nil
}

// Publish implements core.Connector: look first, post if absent.
func (c *Client) Publish(ctx context.Context, p core.Publication) (core.Published, error) {
	link := marked(p)
	id, err := c.find(ctx, link)
	if err != nil {
		return core.Published{}, err
	}
	if id == "" {
		message := p.Fill(c.cfg.Template)
		var ans struct {
			ID string `json:"id"`
		}
		res, err := c.http.R().SetContext(ctx).SetFormData(map[string]string{"message": message, "link": link, "access_token": c.cfg.Token}).
			SetResult(&ans).Post("/" + c.cfg.PageID + "/feed")
		if err := outcome(res, err); err != nil {
			return core.Published{}, err
		}
		id = ans.ID
	}
	return core.Published{RemoteID: id, URL: "https://www.facebook.com/" + id}, nil
}

type postStats struct {
	Reactions struct {
		Summary struct {
			TotalCount int `json:"total_count"`
		} `json:"summary"`
	} `json:"reactions"`
	Comments struct {
		Summary struct {
			TotalCount int `json:"total_count"`
		} `json:"summary"`
	} `json:"comments"`
	Shares struct {
		Count int `json:"count"`
	} `json:"shares"`
}

type commentPage struct {
	Data []struct {
		ID          string `json:"id"`
		Message     string `json:"message"`
		CreatedTime string `json:"created_time"`
		From        struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"from"`
	} `json:"data"`
	Paging struct {
		Cursors struct {
			After string `json:"after"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

// Pull implements core.Connector: each post's reactions summary, and its
// comments page by page (cursor paging).
func (c *Client) Pull(ctx context.Context, cursor string, threads []string) (core.PullBatch, error) {
	b := core.PullBatch{Cursor: cursor, Counts: map[string]core.Counts{}}
	for _, id := range threads {
		var st postStats
		res, err := c.http.R().SetContext(ctx).SetQueryParams(map[string]string{"access_token": c.cfg.Token,
			"fields": "reactions.summary(total_count),comments.summary(total_count),shares"}).SetResult(&st).Get("/" + id)
		if err := outcome(res, err); err != nil {
			return b, err
		}
		b.Counts[id] = core.Counts{Likes: st.Reactions.Summary.TotalCount, Shares: st.Shares.Count, Replies: st.Comments.Summary.TotalCount}
		after := ""
		for pages := 0; pages < 20; pages++ {
			var cp commentPage
			q := url.Values{"access_token": {c.cfg.Token}, "fields": {"id,message,created_time,from"}, "limit": {"25"}}
			if after != "" {
				q.Set("after", after)
			}
			res, err := c.http.R().SetContext(ctx).SetQueryParamsFromValues(q).SetResult(&cp).Get("/" + id + "/comments")
			if err := outcome(res, err); err != nil {
				return b, err
			}
			for _, cm := range cp.Data {
				at, _ := time.Parse("2006-01-02T15:04:05-0700", cm.CreatedTime)
				b.Comments = append(b.Comments, core.RemoteComment{ID: cm.ID, ThreadID: id, Body: cm.Message, CreatedAt: at,
					Member: core.RemoteMember{ID: cm.From.ID, Name: cm.From.Name}})
			}
			if cp.Paging.Next == "" {
				break
			}
			after = cp.Paging.Cursors.After
		}
	}
	return b, nil
}
