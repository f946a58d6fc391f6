package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"quartier/core"
	"quartier/core/postgres"
)

type apiPhase struct {
	Kind  string  `json:"kind"`
	Start string  `json:"start"`
	End   *string `json:"end"`
}

type apiProject struct {
	ID            int64       `json:"id"`
	Title         string      `json:"title"`
	Summary       string      `json:"summary"`
	BodyHTML      string      `json:"body_html,omitempty"`
	Topics        []string    `json:"topics"`
	AreaIDs       []int64     `json:"area_ids"`
	Status        string      `json:"status"`
	Position      *[2]float64 `json:"position"`
	FollowerCount int         `json:"follower_count"`
	IdeaCount     int         `json:"idea_count"`
	Phases        []apiPhase  `json:"phases,omitempty"`
	// Language is that of title, summary and body; Translations (a single
	// project's only) give them in other languages, as staff wrote them.
	Language     string                    `json:"language"`
	Translations map[string]apiProjectText `json:"translations,omitempty"`
	// Debates are a single project's (GET /projects/{id}) only.
	Debates []apiDebateRef `json:"debates,omitempty"`
	URL     string         `json:"url"`
}

// apiProjectText is a project's words in one language; an empty field means
// the original's.
type apiProjectText struct {
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	BodyHTML string `json:"body_html"`
}

// apiDebateRef is a debate as its project lists it.
type apiDebateRef struct {
	ID        int64  `json:"id"`
	Question  string `json:"question"`
	Open      bool   `json:"open"`
	Arguments int    `json:"arguments"`
	URL       string `json:"url"`
}

func (s *Server) projectJSON(p core.Project, full bool) apiProject {
	out := apiProject{ID: p.ID, Title: p.Title, Summary: p.Summary, Topics: nonNil(p.Topics), AreaIDs: nonNilIDs(p.AreaIDs),
		Status: string(p.Status), FollowerCount: p.FollowerCount, IdeaCount: p.IdeaCount, Language: string(p.Language),
		URL: s.link("/projects/" + strconv.FormatInt(p.ID, 10))}
	if p.HasPoint {
		out.Position = &[2]float64{p.Point[0], p.Point[1]}
	}
	if full {
		out.BodyHTML = p.BodyHTML
		for l, t := range p.Translations {
			if out.Translations == nil {
				out.Translations = map[string]apiProjectText{}
			}
			out.Translations[string(l)] = apiProjectText{Title: t.Title, Summary: t.Summary, BodyHTML: t.BodyHTML}
		}
		for _, ph := range p.Phases {
			ap := apiPhase{Kind: string(ph.Kind), Start: ph.Start.Format("2006-01-02")}
			if !ph.End.IsZero() {
				end := ph.End.Format("2006-01-02")
				ap.End = &end
			}
			out.Phases = append(out.Phases, ap)
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilIDs(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return s
}

type apiIdea struct {
	ID          int64       `json:"id"`
	ProjectID   *int64      `json:"project_id"`
	Title       string      `json:"title"`
	Body        string      `json:"body"`
	Author      string      `json:"author"`
	Position    *[2]float64 `json:"position"`
	Address     string      `json:"address,omitempty"`      // a single idea's only
	NearAddress string      `json:"near_address,omitempty"` // a single idea's only
	Channel     string      `json:"channel"`
	Status      string      `json:"status"`
	MergedInto  *int64      `json:"merged_into,omitempty"` // a merged duplicate's only
	// AlternativeTo is the idea it was proposed as an alternative to; absent when none.
	AlternativeTo *int64  `json:"alternative_to,omitempty"`
	SupportCount  int     `json:"support_count"`
	CommentCount  int     `json:"comment_count"`
	AnswerDueOn   string  `json:"answer_due_on"`
	Answer        *string `json:"answer"`
	// AnswerLanguage is the answer's language as staff said it; absent when unknown.
	AnswerLanguage string         `json:"answer_language,omitempty"`
	AnsweredAt     *time.Time     `json:"answered_at"`
	Progress       int            `json:"progress"`
	CreatedAt      time.Time      `json:"created_at"`
	URL            string         `json:"url"`
	Timeline       []apiStep      `json:"timeline,omitempty"`
	Milestones     []apiMilestone `json:"milestones,omitempty"`
	Photos         []apiPhoto     `json:"photos,omitempty"`       // a single idea's only
	Alternatives   []int64        `json:"alternatives,omitempty"` // a single idea's only: the visible ideas proposed as alternatives to it
}

type apiPhoto struct {
	URL    string `json:"url"`
	Alt    string `json:"alt"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

type apiMilestone struct {
	Title  string  `json:"title"`
	DueOn  *string `json:"due_on"`
	DoneOn *string `json:"done_on"`
}

// optionalDay is a date for JSON: null when zero.
func optionalDay(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	d := t.Format("2006-01-02")
	return &d
}

type apiStep struct {
	Status string    `json:"status"`
	Note   string    `json:"note,omitempty"`
	At     time.Time `json:"at"`
}

func (s *Server) ideaJSON(i core.Idea) apiIdea {
	out := apiIdea{ID: i.ID, Title: i.Title, Body: i.Body, Author: i.AuthorName, Channel: string(i.Channel), Status: string(i.Status),
		SupportCount: i.SupportCount, CommentCount: i.CommentCount, AnswerDueOn: i.AnswerDueOn.Format("2006-01-02"),
		Progress: i.Progress, CreatedAt: i.CreatedAt.UTC(), URL: s.link("/ideas/" + strconv.FormatInt(i.ID, 10)), AnsweredAt: timeOrNil(i.AnsweredAt),
		Address: i.Address, NearAddress: i.NearAddress}
	if i.ProjectID > 0 {
		pid := i.ProjectID
		out.ProjectID = &pid
	}
	if i.HasPoint {
		out.Position = &[2]float64{i.Point[0], i.Point[1]}
	}
	if i.Answer != "" {
		a := i.Answer
		out.Answer, out.AnswerLanguage = &a, string(i.AnswerLanguage)
	}
	if i.MergedInto != 0 {
		into := i.MergedInto
		out.MergedInto = &into
	}
	if i.AlternativeTo != 0 {
		other := i.AlternativeTo
		out.AlternativeTo = &other
	}
	return out
}

func (s *Server) apiProjects(c *gin.Context) {
	page := pageNumber(c)
	list, total, err := s.store.Projects(c.Request.Context(), postgres.ProjectFilter{Topic: c.Query("topic"), Limit: pageSize, Offset: (page - 1) * pageSize})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]apiProject, 0, len(list))
	for _, p := range list {
		out = append(out, s.projectJSON(p, false))
	}
	c.JSON(http.StatusOK, gin.H{"projects": out, "total": total, "page": page, "page_size": pageSize})
}

func (s *Server) apiProject(c *gin.Context) {
	p, ok := s.loadProject(c)
	if !ok {
		return
	}
	debates, err := s.store.Debates(c.Request.Context(), p.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := s.projectJSON(p, true)
	for _, d := range debates {
		out.Debates = append(out.Debates, apiDebateRef{ID: d.ID, Question: d.Question, Open: d.Open, Arguments: d.Arguments,
			URL: s.link("/debates/" + strconv.FormatInt(d.ID, 10))})
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) apiIdeas(c *gin.Context) {
	page := pageNumber(c)
	f := postgres.IdeaFilter{Top: c.Query("sort") != "new", Status: core.IdeaStatus(c.Query("status")), Limit: pageSize, Offset: (page - 1) * pageSize}
	if pid, err := strconv.ParseInt(c.Query("project"), 10, 64); err == nil {
		f.ProjectID = pid
	}
	f.Search = searchQuery(c)
	g, err := s.geography(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	g.filterByArea(c, &f)
	list, total, err := s.ideaPage(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]apiIdea, 0, len(list))
	for _, i := range list {
		out = append(out, s.ideaJSON(i))
	}
	c.JSON(http.StatusOK, gin.H{"ideas": out, "total": total, "page": page, "page_size": pageSize})
}

// apiSimilarIdea is an idea whose title resembles the one being written.
type apiSimilarIdea struct {
	ID            int64  `json:"id"`
	Title         string `json:"title"`
	Status        string `json:"status"`
	StatusLabel   string `json:"status_label"`
	Supports      int    `json:"supports"`
	SupportsLabel string `json:"supports_label"`
	URL           string `json:"url"`
}

// maxSimilarIdeas is how many look-alikes a resident is shown while writing.
const maxSimilarIdeas = 5

// apiSimilarIdeas lists the visible ideas whose titles resemble ?title=, so
// that a resident about to propose one finds it may exist already; ?except=
// leaves one idea out. Status and support labels are in the caller's language.
func (s *Server) apiSimilarIdeas(c *gin.Context) {
	except, _ := strconv.ParseInt(c.Query("except"), 10, 64)
	title := truncateRunes(strings.TrimSpace(c.Query("title")), core.MaxTitleLen)
	list, err := s.store.SimilarIdeas(c.Request.Context(), title, except, maxSimilarIdeas)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := langOf(c)
	out := make([]apiSimilarIdea, 0, len(list))
	for _, i := range list {
		out = append(out, apiSimilarIdea{ID: i.ID, Title: i.Title, Status: string(i.Status),
			StatusLabel: s.catalog.T(lang, "status."+string(i.Status)), Supports: i.SupportCount,
			SupportsLabel: s.catalog.T(lang, "ideas.supports", "n", i.SupportCount), URL: "/ideas/" + strconv.FormatInt(i.ID, 10)})
	}
	c.JSON(http.StatusOK, gin.H{"ideas": out})
}

func (s *Server) apiIdea(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	steps, milestones, err := s.ideaHistory(c.Request.Context(), i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := s.ideaJSON(i)
	for _, st := range steps {
		out.Timeline = append(out.Timeline, apiStep{Status: string(st.Status), Note: st.Note, At: st.CreatedAt.UTC()})
	}
	for _, m := range milestones {
		out.Milestones = append(out.Milestones, apiMilestone{Title: m.Title, DueOn: optionalDay(m.DueOn), DoneOn: optionalDay(m.DoneOn)})
	}
	photos, err := s.store.IdeaPhotos(c.Request.Context(), i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, p := range photos {
		out.Photos = append(out.Photos, apiPhoto{URL: s.link("/idea-photos/" + strconv.FormatInt(p.ID, 10)), Alt: p.Alt, Width: p.Width, Height: p.Height})
	}
	links, err := s.store.IdeaLinks(c.Request.Context(), i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, a := range links.Alternatives {
		out.Alternatives = append(out.Alternatives, a.ID)
	}
	c.JSON(http.StatusOK, out)
}

type apiComment struct {
	ID        int64         `json:"id"`
	Author    string        `json:"author"`
	Body      string        `json:"body"`
	Channel   string        `json:"channel"`
	CreatedAt time.Time     `json:"created_at"`
	Withdrawn bool          `json:"withdrawn,omitempty"` // by its author: no author or words, kept for its replies
	Replies   []*apiComment `json:"replies"`
}

func commentsJSON(list []*core.Comment) []*apiComment {
	out := make([]*apiComment, 0, len(list))
	for _, c := range list {
		a := &apiComment{ID: c.ID, Author: c.AuthorName, Body: c.Body, Channel: string(c.Channel),
			CreatedAt: c.CreatedAt.UTC(), Withdrawn: c.Withdrawn, Replies: commentsJSON(c.Replies)}
		if c.Withdrawn {
			a.Author = ""
		}
		out = append(out, a)
	}
	return out
}

func (s *Server) apiComments(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	list, err := s.store.Comments(c.Request.Context(), i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"comments": commentsJSON(list)})
}

type apiIdeaInput struct {
	ProjectID     int64       `json:"project_id"`
	AlternativeTo int64       `json:"alternative_to"`
	Title         string      `json:"title"`
	Body          string      `json:"body"`
	Position      *[2]float64 `json:"position"`
}

func (s *Server) apiCreateIdea(c *gin.Context) {
	u, ok := s.contentAuthor(c)
	if !ok {
		return
	}
	var in apiIdeaInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	ii := core.IdeaInput{ProjectID: in.ProjectID, AlternativeTo: in.AlternativeTo, Title: in.Title, Body: in.Body, Channel: core.ChannelWeb}
	if in.Position != nil {
		ii.Point, ii.HasPoint = orb.Point{in.Position[0], in.Position[1]}, true
	}
	ii, err := ii.Normalize()
	if err != nil {
		s.fail(c, core.Problems(err)[0])
		return
	}
	id, err := s.store.CreateIdeaNotifying(c.Request.Context(), u.ID, ii, s.cfg.FollowUp.AnswerDays, s.AlternativeNoticeMail)
	if err != nil {
		s.fail(c, err)
		return
	}
	if ii.AlternativeTo != 0 {
		s.mailPoke()
	}
	s.answerIdea(c, http.StatusCreated, id)
}

// answerIdea answers with idea id as it is now.
func (s *Server) answerIdea(c *gin.Context, status int, id int64) {
	i, err := s.store.Idea(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(status, s.ideaJSON(i))
}

// apiEditIdea lets the author correct an idea's title and text, on the same
// terms as the web page (core.Idea.EditableByAuthor): 403 for someone else's
// idea, 409 once others took part.
func (s *Server) apiEditIdea(c *gin.Context) {
	u, ok := s.contentAuthor(c)
	if !ok {
		return
	}
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	var in struct { // only the words change: a project or position is refused as unknown
		Title string `json:"title"`
		Body  string `json:"body"`
	}
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	ii, err := core.IdeaInput{Title: in.Title, Body: in.Body}.Normalize()
	if err != nil {
		s.fail(c, core.Problems(err)[0])
		return
	}
	if err := s.store.EditIdea(c.Request.Context(), u.ID, i.ID, ii.Title, ii.Body); err != nil {
		s.fail(c, err)
		return
	}
	s.answerIdea(c, http.StatusOK, i.ID)
}

// apiWithdrawIdea deletes the author's idea on the same terms as the web page
// (Store.WithdrawIdea): 204, 403 for someone else's idea, 409 once others
// took part, 404 for none.
func (s *Server) apiWithdrawIdea(c *gin.Context) {
	u, ok := s.contentAuthor(c)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.idea_not_found"))
		return
	}
	if err := s.store.WithdrawIdea(c.Request.Context(), u.ID, id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// apiEditComment lets the author correct a comment until someone replies
// (403 for someone else's, 409 after a reply).
func (s *Server) apiEditComment(c *gin.Context) {
	u, ok := s.contentAuthor(c)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.comment_not_found"))
		return
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	body, err := core.NormalizeComment(in.Body)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.store.EditComment(c.Request.Context(), u.ID, id, body); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": id, "body": body})
}

// apiWithdrawComment takes back the caller's comment (204; again: 204).
func (s *Server) apiWithdrawComment(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.comment_not_found"))
		return
	}
	if _, err := s.store.WithdrawComment(c.Request.Context(), userOf(c).ID, id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type apiCommentInput struct {
	Body     string `json:"body"`
	ParentID int64  `json:"parent_id"`
}

func (s *Server) apiCreateComment(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	u, ok := s.contentAuthor(c)
	if !ok {
		return
	}
	var in apiCommentInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	body, err := core.NormalizeComment(in.Body)
	if err != nil {
		s.fail(c, err)
		return
	}
	id, err := s.store.AddCommentNotifying(c.Request.Context(), i.ID, in.ParentID, u.ID, body, core.ChannelWeb, s.CommentNoticeMail)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	c.JSON(http.StatusCreated, gin.H{"id": id})
}

// apiSupport supports (PUT) or withdraws (DELETE); repeating either changes nothing.
func (s *Server) apiSupport(c *gin.Context) {
	withdraw := c.Request.Method == http.MethodDelete
	_, res, ok := s.changeSupport(c, withdraw)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, gin.H{"supported": !withdraw, "support_count": res.SupportCount, "changed": res.Changed})
}

// maxMapPins bounds the ideas one map request returns.
const maxMapPins = 1000

// apiIdeasMap returns the ideas inside ?bbox=minLon,minLat,maxLon,maxLat as GeoJSON.
func (s *Server) apiIdeasMap(c *gin.Context) {
	parts := strings.Split(c.Query("bbox"), ",")
	var v [4]float64
	ok := len(parts) == 4
	for i := 0; ok && i < 4; i++ {
		f, err := parseNumber(parts[i])
		v[i], ok = f, err == nil
	}
	if !ok || v[0] >= v[2] || v[1] >= v[3] || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 {
		s.fail(c, core.Invalid("bbox", "error.bbox_invalid"))
		return
	}
	f := postgres.IdeaFilter{Search: searchQuery(c), Status: knownStatus(c.Query("status"))}
	pins, err := s.store.IdeasInMatching(c.Request.Context(), orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, f, maxMapPins)
	if err != nil {
		s.fail(c, err)
		return
	}
	fc := geojson.NewFeatureCollection()
	for _, p := range pins {
		f := geojson.NewFeature(p.Point)
		f.ID = p.ID
		f.Properties = geojson.Properties{"title": p.Title, "status": string(p.Status), "support_count": p.SupportCount}
		fc.Append(f)
	}
	body, err := fc.MarshalJSON()
	if err != nil {
		s.fail(c, core.Internalf("encode map: %w", err))
		return
	}
	c.Header("Cache-Control", "public, max-age=30")
	c.Data(http.StatusOK, "application/geo+json", body)
}
