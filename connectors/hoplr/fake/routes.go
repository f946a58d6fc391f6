package fake

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"quartier/connectors/hoplr"
)

// maxBody is the largest request body the API reads.
const maxBody = 1 << 20

// listNeighbourhoods: GET /api/v2/neighbourhoods?page=&per_page= → the
// commune's neighbourhoods with boundaries as encoded polylines, paged.
func (s *Server) listNeighbourhoods(w http.ResponseWriter, r *http.Request) {
	page, per := pageOf(r, s.opts.PerPage)
	s.mu.Lock()
	all := s.neighbourhoods
	s.mu.Unlock()
	from, to := min((page-1)*per, len(all)), min(page*per, len(all))
	data := []map[string]any{}
	for _, n := range all[from:to] {
		data = append(data, map[string]any{"id": n.ID, "name": n.Name, "polyline": hoplr.EncodePolyline(n.Boundary)})
	}
	pages := (len(all) + per - 1) / per
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": map[string]any{"page": page, "per_page": per, "total_pages": pages, "total": len(all)}})
}

// messageIn is the body of POST /api/v2/official-messages (and of a reply).
type messageIn struct {
	Type             string   `json:"type"`
	Title            string   `json:"title"`
	Body             string   `json:"body"`
	Link             string   `json:"link"`
	NeighbourhoodIDs []string `json:"neighbourhood_ids"`
	Audience         string   `json:"audience"` // "all" instead of ids
	PollOptions      []struct {
		Label      string `json:"label"`
		ExternalID string `json:"external_id"`
	} `json:"poll_options"`
	Event *EventInfo `json:"event"`
}

// EventInfo is when and where an event message takes place.
type EventInfo struct {
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Location string    `json:"location"`
	Lat      *float64  `json:"lat"`
	Lng      *float64  `json:"lng"`
}

// postMessage creates an official message (or, with replyTo, a reply to a
// member's post). The Idempotency-Key header makes a repeated request answer
// 200 with the message it created the first time, instead of posting again.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, replyTo string) {
	key := r.Header.Get("Idempotency-Key")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		apiError(w, http.StatusRequestEntityTooLarge, "too_large", "The body is larger than 1 MB.")
		return
	}
	var in messageIn
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		apiError(w, http.StatusBadRequest, "invalid_json", "The body is not a valid message: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.byKey[key]; ok && key != "" {
		writeJSON(w, http.StatusOK, map[string]any{"data": messageOut(m)})
		return
	}
	if replyTo == "" {
		switch in.Type {
		case "plain", "for_against", "score", "poll", "event":
		default:
			apiError(w, http.StatusUnprocessableEntity, "invalid_type", "type must be plain, for_against, score, poll or event.")
			return
		}
		if (in.Type == "event") != (in.Event != nil) {
			apiError(w, http.StatusUnprocessableEntity, "event", "An event message, and only one, carries an event object.")
			return
		}
		if ev := in.Event; ev != nil && (ev.StartsAt.IsZero() || !ev.EndsAt.After(ev.StartsAt) || (ev.Lat == nil) != (ev.Lng == nil)) {
			apiError(w, http.StatusUnprocessableEntity, "event", "An event needs starts_at, a later ends_at, and lat with lng.")
			return
		}
		if in.Audience != "all" && len(in.NeighbourhoodIDs) == 0 {
			apiError(w, http.StatusUnprocessableEntity, "no_audience", "Give neighbourhood_ids or audience \"all\".")
			return
		}
		known := map[string]bool{}
		for _, n := range s.neighbourhoods {
			known[n.ID] = true
		}
		for _, id := range in.NeighbourhoodIDs {
			if !known[id] {
				apiError(w, http.StatusUnprocessableEntity, "unknown_neighbourhood", "Unknown neighbourhood "+id+".")
				return
			}
		}
		if in.Type == "poll" && len(in.PollOptions) < 2 {
			apiError(w, http.StatusUnprocessableEntity, "poll_options", "A poll needs at least two options.")
			return
		}
	} else if !s.isPost(replyTo) {
		apiError(w, http.StatusNotFound, "not_found", "No such post.")
		return
	}
	if strings.TrimSpace(in.Title) == "" && replyTo == "" || strings.TrimSpace(in.Body) == "" && in.Type == "plain" {
		apiError(w, http.StatusUnprocessableEntity, "empty", "A message needs a title and a body.")
		return
	}
	m := &Message{ID: "m-" + randomID(), Type: in.Type, Title: in.Title, Body: in.Body, Link: in.Link,
		NeighbourhoodIDs: in.NeighbourhoodIDs, Event: in.Event, IdempotencyKey: key, ReplyTo: replyTo, CreatedAt: s.opts.Now(), ReceivedAt: time.Now()}
	if in.Audience == "all" {
		for _, n := range s.neighbourhoods {
			m.NeighbourhoodIDs = append(m.NeighbourhoodIDs, n.ID)
		}
	}
	for i, o := range in.PollOptions {
		m.PollOptions = append(m.PollOptions, PollOption{ID: m.ID + "-o" + strconv.Itoa(i+1), Label: o.Label, ExternalID: o.ExternalID})
	}
	s.messages = append(s.messages, m)
	if key != "" {
		s.byKey[key] = m
	}
	writeJSON(w, http.StatusCreated, map[string]any{"data": messageOut(m)})
}

func (s *Server) isPost(id string) bool {
	for _, a := range s.activity {
		if a.Type == "post" && a.Data["id"] == id {
			return true
		}
	}
	return false
}

func messageOut(m *Message) map[string]any {
	return map[string]any{"id": m.ID, "url": "https://app.hoplr.example/messages/" + m.ID, "type": m.Type,
		"neighbourhood_ids": m.NeighbourhoodIDs, "poll_options": m.PollOptions, "event": m.Event}
}

// listActivity: GET /api/v2/activity?since=&limit= → reactions and comments on
// the commune's own messages and posts addressed to the commune, oldest first,
// with a cursor: {data: [...], meta: {next_cursor, has_more}}.
func (s *Server) listActivity(w http.ResponseWriter, r *http.Request) {
	since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = s.opts.PerPage
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	data := []map[string]any{}
	next := since
	more := false
	from, _ := slices.BinarySearchFunc(s.activity, since+1, func(a activity, seq int64) int { return cmp.Compare(a.Seq, seq) })
	for _, a := range s.activity[from:] {
		if len(data) == limit {
			more = true
			break
		}
		item := map[string]any{"type": a.Type, "seq": a.Seq}
		for k, v := range a.Data {
			item[k] = v
		}
		data = append(data, item)
		next = a.Seq
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": map[string]any{"next_cursor": strconv.FormatInt(next, 10), "has_more": more}})
}
