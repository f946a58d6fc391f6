// Package hoplr connects Quartier to a neighbourhood app's partner API modelled
// on Hoplr's (see package fake for the API as this package expects it). It talks
// HTTP only: the sync engine decides what to publish and imports what comes
// back.
package hoplr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/paulmach/orb"

	"quartier/core"
)

// Config is the commune's partner account.
type Config struct {
	Name     string // connector key; "hoplr" when empty
	BaseURL  string
	ClientID string
	Username string
	Password string // from the environment, never config.yaml
	Timeout  time.Duration
}

// Client is the connector.
type Client struct {
	cfg  Config
	http *resty.Client

	mu      sync.Mutex
	access  string
	refresh string
	expiry  time.Time
}

// New makes a client; it logs in on first use.
func New(cfg Config) *Client {
	if cfg.Name == "" {
		cfg.Name = "hoplr"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	// Keep a connection per delivery worker: opening one per request costs more
	// than the request (TLS with a real remote).
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 128
	h := resty.New().SetTransport(transport).SetBaseURL(strings.TrimSuffix(cfg.BaseURL, "/")).SetTimeout(cfg.Timeout).
		SetHeader("X-Client-Id", cfg.ClientID).SetHeader("Accept", "application/json").SetRetryCount(0)
	return &Client{cfg: cfg, http: h}
}

// Name implements core.Connector.
func (c *Client) Name() string { return c.cfg.Name }

// Accepts implements core.Connector: project updates, consultations, polls and
// official answers.
func (c *Client) Accepts(k core.PublicationKind) bool {
	switch k {
	case core.PubProject, core.PubProjectUpdate, core.PubConsultation, core.PubPoll, core.PubEvent, core.PubResults, core.PubAnswer:
		return true
	}
	return false
}

// tokenAnswer is the OAuth2 token response.
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
}

// token returns a valid access token: the current one, a refreshed one, or a
// new login (when the refresh token was refused too).
func (c *Client) token(ctx context.Context, renew bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !renew && c.access != "" && time.Now().Before(c.expiry.Add(-30*time.Second)) {
		return c.access, nil
	}
	if c.refresh != "" {
		if err := c.grant(ctx, map[string]string{"grant_type": "refresh_token", "refresh_token": c.refresh}); err == nil {
			return c.access, nil
		}
	}
	if err := c.grant(ctx, map[string]string{"grant_type": "password", "username": c.cfg.Username, "password": c.cfg.Password}); err != nil {
		return "", err
	}
	return c.access, nil
}

func (c *Client) grant(ctx context.Context, form map[string]string) error {
	var ans tokenAnswer
	res, err := c.http.R().SetContext(ctx).SetFormData(form).SetResult(&ans).SetError(&ans).Post("/oauth/token")
	if err != nil {
		return networkError(err)
	}
	if res.StatusCode() != http.StatusOK || ans.AccessToken == "" {
		re := remoteError(res)
		if ans.Error != "" {
			re.Message = strings.TrimSpace(ans.Error + ": " + ans.Description)
		}
		re.Permanent = res.StatusCode() == http.StatusBadRequest || res.StatusCode() == http.StatusUnauthorized
		c.access, c.refresh = "", ""
		return re
	}
	c.access, c.refresh = ans.AccessToken, ans.RefreshToken
	c.expiry = time.Now().Add(time.Duration(ans.ExpiresIn) * time.Second)
	return nil
}

// call makes an authenticated request; an expired token is renewed once.
func (c *Client) call(ctx context.Context, method, path string, prepare func(*resty.Request)) (*resty.Response, error) {
	for attempt := 0; ; attempt++ {
		token, err := c.token(ctx, attempt > 0)
		if err != nil {
			return nil, err
		}
		req := c.http.R().SetContext(ctx).SetAuthToken(token)
		if prepare != nil {
			prepare(req)
		}
		res, err := req.Execute(method, path)
		if err != nil {
			return nil, networkError(err)
		}
		if res.StatusCode() == http.StatusUnauthorized && attempt == 0 {
			continue
		}
		if res.IsError() {
			return res, remoteError(res)
		}
		return res, nil
	}
}

// errorBody is the API's error shape: {"error": {"code", "message"}}.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// remoteError reads a failed answer: 429 and rate-limit headers give the
// wait; 4xx other than 408 and 429 will not heal.
func remoteError(res *resty.Response) *core.RemoteError {
	re := &core.RemoteError{Status: res.StatusCode(), Message: http.StatusText(res.StatusCode())}
	var body errorBody
	if json.Unmarshal(res.Body(), &body) == nil && body.Error.Message != "" {
		re.Message = body.Error.Code + ": " + body.Error.Message
	}
	switch s := res.StatusCode(); {
	case s == http.StatusTooManyRequests:
		re.RetryAfter = retryAfter(res.Header())
	case s == http.StatusRequestTimeout:
	case s >= 400 && s < 500:
		re.Permanent = true
	}
	return re
}

// retryAfter reads Retry-After (seconds), else X-RateLimit-Reset (epoch
// seconds); a minute when neither says.
func retryAfter(h http.Header) time.Duration {
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s >= 0 {
		return time.Duration(s+1) * time.Second
	}
	if reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		if d := time.Until(time.Unix(reset, 0)); d > 0 {
			return d + time.Second
		}
	}
	return time.Minute
}

func networkError(err error) *core.RemoteError {
	var ne net.Error
	msg := err.Error()
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		msg = "timed out: " + msg
	}
	return &core.RemoteError{Message: msg}
}

// messageOut is the body of an official message or a reply.
type messageOut struct {
	Type             string       `json:"type,omitempty"`
	Title            string       `json:"title,omitempty"`
	Body             string       `json:"body"`
	Link             string       `json:"link,omitempty"`
	NeighbourhoodIDs []string     `json:"neighbourhood_ids,omitempty"`
	Audience         string       `json:"audience,omitempty"`
	PollOptions      []pollOption `json:"poll_options,omitempty"`
	Event            *eventOut    `json:"event,omitempty"`
}

// eventOut is when and where an event message takes place.
type eventOut struct {
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Location string    `json:"location,omitempty"`
	Lat      *float64  `json:"lat,omitempty"`
	Lng      *float64  `json:"lng,omitempty"`
}

type pollOption struct {
	Label      string `json:"label"`
	ExternalID string `json:"external_id"`
}

type messageAnswer struct {
	Data struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	} `json:"data"`
}

// Publish implements core.Connector: an official message to the publication's
// neighbourhoods (or to all), or a reply in a member's thread. The
// Idempotency-Key header makes a repeated attempt return the first post.
func (c *Client) Publish(ctx context.Context, p core.Publication) (core.Published, error) {
	out := messageOut{Type: "plain", Title: p.Title, Body: p.Body, Link: p.URL, NeighbourhoodIDs: p.Areas}
	if p.Everywhere {
		out.Audience, out.NeighbourhoodIDs = "all", nil
	}
	if out.Body == "" {
		out.Body = p.Title
	}
	if p.URL != "" {
		out.Body += "\n\n" + p.URL
	}
	if p.Poll != nil {
		switch p.Poll.Kind {
		case "options":
			out.Type = "poll"
			for _, o := range p.Poll.Options {
				out.PollOptions = append(out.PollOptions, pollOption{Label: o.Label, ExternalID: strconv.FormatInt(o.LocalID, 10)})
			}
		case "for_against", "score":
			out.Type = p.Poll.Kind
		}
	}
	if ev := p.Event; ev != nil {
		out.Type, out.Event = "event", &eventOut{StartsAt: ev.StartsAt.UTC(), EndsAt: ev.EndsAt.UTC(), Location: ev.Location}
		if ev.HasPoint {
			lat, lng := ev.Point.Lat(), ev.Point.Lon()
			out.Event.Lat, out.Event.Lng = &lat, &lng
		}
	}
	path := "/api/v2/official-messages"
	if p.ReplyTo != "" {
		path = "/api/v2/posts/" + p.ReplyTo + "/replies"
		out = messageOut{Title: p.Title, Body: out.Body}
	}
	var ans messageAnswer
	_, err := c.call(ctx, http.MethodPost, path, func(r *resty.Request) {
		r.SetHeader("Idempotency-Key", p.IdempotencyKey).SetHeader("Content-Type", "application/json").SetBody(out).SetResult(&ans)
	})
	if err != nil {
		return core.Published{}, err
	}
	if ans.Data.ID == "" {
		return core.Published{}, &core.RemoteError{Status: http.StatusOK, Message: "the answer carries no message id"}
	}
	return core.Published{RemoteID: ans.Data.ID, URL: ans.Data.URL}, nil
}

type neighbourhoodPage struct {
	Data []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Polyline string `json:"polyline"`
	} `json:"data"`
	Meta struct {
		Page       int `json:"page"`
		TotalPages int `json:"total_pages"`
	} `json:"meta"`
}

// Areas implements core.Connector: every neighbourhood, page by page, with its
// boundary decoded. A boundary that does not decode fails the whole refresh:
// a partial list would unpublish neighbourhoods.
func (c *Client) Areas(ctx context.Context) ([]core.RemoteArea, error) {
	var out []core.RemoteArea
	for page := 1; page <= 1000; page++ {
		var p neighbourhoodPage
		_, err := c.call(ctx, http.MethodGet, "/api/v2/neighbourhoods", func(r *resty.Request) {
			r.SetQueryParam("page", strconv.Itoa(page)).SetQueryParam("per_page", "100").SetResult(&p)
		})
		if err != nil {
			return nil, err
		}
		for _, n := range p.Data {
			ring, err := DecodePolyline(n.Polyline)
			if err != nil || len(ring) < 3 {
				return nil, &core.RemoteError{Status: http.StatusOK, Message: fmt.Sprintf("neighbourhood %s: boundary: %v", n.ID, ErrPolyline), Permanent: true}
			}
			if ring[0] != ring[len(ring)-1] {
				ring = append(ring, ring[0])
			}
			out = append(out, core.RemoteArea{ID: n.ID, Name: n.Name, Boundary: orb.MultiPolygon{{ring}}})
		}
		if page >= p.Meta.TotalPages {
			return out, nil
		}
	}
	return out, nil
}

// activityItem is one entry of the activity feed; which fields count depends
// on Type. Decoding is lenient per item: a malformed entry is skipped with the
// others kept (it shows as refused in the engine's records when it can be
// identified).
type activityItem struct {
	Type      string          `json:"type"`
	ID        json.RawMessage `json:"id"`
	MessageID string          `json:"message_id"`
	Kind      string          `json:"kind"`
	Value     int             `json:"value"`
	Body      string          `json:"body"`
	Title     string          `json:"title"`
	Lat       *float64        `json:"lat"`
	Lng       *float64        `json:"lng"`
	CreatedAt time.Time       `json:"created_at"`
	Option    struct {
		ID         string `json:"id"`
		ExternalID string `json:"external_id"`
	} `json:"option"`
	Member struct {
		ID              string `json:"id"`
		FirstName       string `json:"first_name"`
		NeighbourhoodID string `json:"neighbourhood_id"`
	} `json:"member"`
}

type activityPage struct {
	Data []json.RawMessage `json:"data"`
	Meta struct {
		NextCursor string `json:"next_cursor"`
		HasMore    bool   `json:"has_more"`
	} `json:"meta"`
}

// Pull implements core.Connector: one page of the commune's activity feed.
func (c *Client) Pull(ctx context.Context, cursor string, threads []string) (core.PullBatch, error) {
	var p activityPage
	_, err := c.call(ctx, http.MethodGet, "/api/v2/activity", func(r *resty.Request) {
		r.SetQueryParam("since", cursor).SetQueryParam("limit", "100").SetResult(&p)
	})
	if err != nil {
		return core.PullBatch{}, err
	}
	b := core.PullBatch{Cursor: p.Meta.NextCursor, More: p.Meta.HasMore}
	if b.Cursor == "" {
		b.Cursor = cursor
	}
	for _, raw := range p.Data {
		var it activityItem
		var id string
		if json.Unmarshal(raw, &it) != nil || json.Unmarshal(it.ID, &id) != nil || id == "" {
			// Recorded as refused under whatever identifies it, so staff see it.
			var loose struct {
				Type string `json:"type"`
				ID   any    `json:"id"`
				Seq  any    `json:"seq"`
			}
			_ = json.Unmarshal(raw, &loose)
			b.Malformed = append(b.Malformed, core.RemoteItem{Kind: "malformed", ID: fmt.Sprintf("%v/%v/%v", loose.Type, loose.ID, loose.Seq)})
			continue
		}
		m := core.RemoteMember{ID: it.Member.ID, Name: it.Member.FirstName, NeighbourhoodID: it.Member.NeighbourhoodID}
		switch it.Type {
		case "comment":
			b.Comments = append(b.Comments, core.RemoteComment{ID: id, ThreadID: it.MessageID, Member: m, Body: it.Body, CreatedAt: it.CreatedAt})
		case "reaction":
			r := core.RemoteReaction{ID: id, ThreadID: it.MessageID, Member: m, Kind: it.Kind, Value: it.Value, OptionID: it.Option.ID}
			r.LocalOption, _ = strconv.ParseInt(it.Option.ExternalID, 10, 64)
			b.Reactions = append(b.Reactions, r)
		case "post":
			idea := core.RemoteIdea{ID: id, Member: m, Title: it.Title, Body: it.Body, CreatedAt: it.CreatedAt}
			if it.Lat != nil && it.Lng != nil {
				idea.Point, idea.HasPoint = orb.Point{*it.Lng, *it.Lat}, true
			}
			b.Ideas = append(b.Ideas, idea)
		}
	}
	return b, nil
}
