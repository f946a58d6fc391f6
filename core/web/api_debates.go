package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// apiDebate is a debate with both sides' arguments, as its page shows them.
type apiDebate struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Question  string `json:"question"`
	Open      bool   `json:"open"`
	// Accepting says whether it takes arguments and ratings now: open, in a
	// published project (an archived project's debates take none).
	Accepting  bool       `json:"accepting"`
	Conclusion string     `json:"conclusion,omitempty"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
	// Language is that of question and conclusion; Translations give them in
	// others, as staff wrote them (an empty field means the original's).
	Language     string                   `json:"language"`
	Translations map[string]apiDebateText `json:"translations,omitempty"`
	For          []*apiArgument           `json:"for"`
	Against      []*apiArgument           `json:"against"`
	URL          string                   `json:"url"`
}

// apiDebateText is a debate's question and conclusion in one language.
type apiDebateText struct {
	Question   string `json:"question"`
	Conclusion string `json:"conclusion"`
}

// apiArgument is an argument with its replies; a withdrawn one keeps its
// place (for its replies) without author or words.
type apiArgument struct {
	ID           int64          `json:"id"`
	Author       string         `json:"author"`
	Body         string         `json:"body"`
	HelpfulCount int            `json:"helpful_count"`
	Withdrawn    bool           `json:"withdrawn,omitempty"`
	CreatedAt    time.Time      `json:"created_at"`
	Replies      []*apiArgument `json:"replies"`
}

func argumentsJSON(list []*core.Argument) []*apiArgument {
	out := make([]*apiArgument, 0, len(list))
	for _, a := range list {
		j := &apiArgument{ID: a.ID, Author: a.AuthorName, Body: a.Body, HelpfulCount: a.HelpfulCount, Withdrawn: a.Withdrawn,
			CreatedAt: a.CreatedAt.UTC(), Replies: argumentsJSON(a.Replies)}
		if a.Withdrawn {
			j.Author = ""
		}
		out = append(out, j)
	}
	return out
}

func (s *Server) apiDebate(c *gin.Context) {
	d, p, ok := s.loadDebate(c)
	if !ok {
		return
	}
	pro, con, err := s.store.Arguments(c.Request.Context(), d.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiDebate{ID: d.ID, ProjectID: d.ProjectID, Question: d.Question, Open: d.Open, Accepting: debateAccepts(d, p),
		For: argumentsJSON(pro), Against: argumentsJSON(con), Language: string(d.Language),
		URL: s.link("/debates/" + strconv.FormatInt(d.ID, 10))}
	for l, t := range d.Translations {
		if out.Translations == nil {
			out.Translations = map[string]apiDebateText{}
		}
		out.Translations[string(l)] = apiDebateText{Question: t.Question, Conclusion: t.Conclusion}
	}
	if !d.Open {
		closed := d.ClosedAt.UTC()
		out.Conclusion, out.ClosedAt = d.Conclusion, &closed
	}
	c.JSON(http.StatusOK, out)
}

type apiArgumentInput struct {
	Side     string `json:"side"`
	Body     string `json:"body"`
	ParentID int64  `json:"parent_id"`
}

func (s *Server) apiArgue(c *gin.Context) {
	d, _, ok := s.loadDebate(c)
	if !ok {
		return
	}
	var in apiArgumentInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	id, ok := s.postArgument(c, d, core.Side(in.Side), in.ParentID, in.Body)
	if !ok {
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": id})
}

// apiRateArgument marks an argument helpful; repeating it changes nothing.
func (s *Server) apiRateArgument(c *gin.Context) {
	if _, ok := s.rateHelpful(c, c.Param("id")); ok {
		c.Status(http.StatusNoContent)
	}
}

// apiWithdrawArgument withdraws one's own argument; repeating it changes nothing.
func (s *Server) apiWithdrawArgument(c *gin.Context) {
	if _, ok := s.withdrawOwnArgument(c); ok {
		c.Status(http.StatusNoContent)
	}
}
