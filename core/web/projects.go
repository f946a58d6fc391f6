package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/postgres"
)

const pageSize = 20

// maxPageNumber bounds ?page=: beyond any list, and small enough that the
// offset it makes never overflows (a page of 2^63 made a negative offset,
// which PostgreSQL refuses).
const maxPageNumber = 1_000_000

// pageNumber reads ?page= (from 1 to maxPageNumber).
func pageNumber(c *gin.Context) int {
	n, _ := strconv.Atoi(c.DefaultQuery("page", "1"))
	return min(max(n, 1), maxPageNumber)
}

// pager describes the links under a paged list.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string // URLs, empty at the ends
}

func newPager(c *gin.Context, page, total int) pager {
	pages := (total + pageSize - 1) / pageSize
	p := pager{Page: page, Pages: pages, Total: total}
	link := func(n int) string {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return c.Request.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < pages {
		p.Next = link(page + 1)
	}
	return p
}

func (s *Server) projects(c *gin.Context) {
	page := pageNumber(c)
	areaID, _ := strconv.ParseInt(c.Query("area"), 10, 64)
	f := postgres.ProjectFilter{Topic: strings.TrimSpace(c.Query("topic")), AreaID: areaID, Limit: pageSize, Offset: (page - 1) * pageSize}
	if c.Query("status") == string(core.ProjectArchived) {
		f.Status = core.ProjectArchived
	}
	list, total, err := s.store.Projects(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	topics, err := s.store.Topics(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	g, err := s.geography(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "projects", map[string]any{
		"Projects": projectsIn(list, langOf(c)), "Topics": topics, "Filter": f, "Pager": newPager(c, page, total), "Archived": f.Status == core.ProjectArchived,
		"Areas": g.ordered,
	})
}

// loadProject reads :id and refuses drafts to anyone but staff.
func (s *Server) loadProject(c *gin.Context) (core.Project, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.project_not_found"))
		return core.Project{}, false
	}
	p, err := s.store.Project(c.Request.Context(), id)
	if err == nil && p.Status == core.ProjectDraft && (userOf(c) == nil || !userOf(c).Role.AtLeast(core.RoleManager)) {
		err = core.NotFound("error.project_not_found")
	}
	if err != nil {
		s.fail(c, err)
		return core.Project{}, false
	}
	return p, true
}

func (s *Server) project(c *gin.Context) {
	p, ok := s.loadProject(c)
	if !ok {
		return
	}
	p = p.In(langOf(c))
	ctx := c.Request.Context()
	page := pageNumber(c)
	ideas, total, err := s.ideaPage(ctx, postgres.IdeaFilter{ProjectID: p.ID, Top: c.Query("sort") != "new", Limit: pageSize, Offset: (page - 1) * pageSize})
	if err != nil {
		s.fail(c, err)
		return
	}
	updates, err := s.store.ProjectUpdates(ctx, p.ID, 10)
	if err != nil {
		s.fail(c, err)
		return
	}
	for i, u := range updates {
		updates[i] = u.In(langOf(c))
	}
	following := false
	if u := userOf(c); u != nil {
		if following, err = s.store.Follows(ctx, p.ID, u.ID); err != nil {
			s.fail(c, err)
			return
		}
	}
	g, err := s.geography(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	var areas []core.Area
	for _, id := range p.AreaIDs {
		if a, ok := g.areas[id]; ok {
			areas = append(areas, a)
		}
	}
	debates, err := s.store.Debates(ctx, p.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	images, err := s.store.ProjectImages(ctx, p.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	surveys, polls, err := s.projectConsultations(c, p.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	current, hasCurrent := p.CurrentPhase(s.now())
	s.render(c, http.StatusOK, "project", map[string]any{
		"Project": p, "Ideas": ideas, "Pager": newPager(c, page, total), "Updates": updates, "Following": following,
		"Areas": areas, "CurrentPhase": current, "HasCurrentPhase": hasCurrent, "Sort": c.Query("sort"), "Debates": debates, "Images": images,
		"Surveys": surveys, "Polls": polls, "Meta": s.metaOf(p.Title, p.Summary, "/projects/"+strconv.FormatInt(p.ID, 10), firstImage(images)),
	})
}

func (s *Server) followProject(c *gin.Context) {
	p, ok := s.loadProject(c)
	if !ok {
		return
	}
	follow := c.PostForm("follow") != "no"
	if err := s.store.FollowProject(c.Request.Context(), p.ID, userOf(c).ID, follow); err != nil {
		s.fail(c, err)
		return
	}
	flash := "flash.following"
	if !follow {
		flash = "flash.unfollowed"
	}
	s.redirectWithFlash(c, "/projects/"+strconv.FormatInt(p.ID, 10), flash)
}

// --- staff ---

func (s *Server) staffProjects(c *gin.Context) {
	ctx := c.Request.Context()
	var all []core.Project
	for _, st := range []core.ProjectStatus{core.ProjectDraft, core.ProjectPublished, core.ProjectArchived} {
		list, _, err := s.store.Projects(ctx, postgres.ProjectFilter{Status: st, Limit: 200})
		if err != nil {
			s.fail(c, err)
			return
		}
		all = append(all, list...)
	}
	s.render(c, http.StatusOK, "staff_projects", map[string]any{"Projects": all})
}

// projectForm reads the editor's fields.
func projectForm(c *gin.Context) (core.ProjectInput, map[string]string) {
	form := map[string]string{}
	for _, k := range []string{"title", "summary", "body", "topics", "lon", "lat"} {
		form[k] = c.PostForm(k)
	}
	form["language"] = c.PostForm("language")
	in := core.ProjectInput{Title: form["title"], Summary: form["summary"], Body: form["body"], Topics: strings.Split(form["topics"], ","),
		Language: core.Language(form["language"]), Translations: map[core.Language]core.ProjectText{}}
	for _, l := range core.Languages {
		t := core.ProjectText{Title: c.PostForm("title_" + string(l)), Summary: c.PostForm("summary_" + string(l)), BodyHTML: c.PostForm("body_" + string(l))}
		form["title_"+string(l)], form["summary_"+string(l)], form["body_"+string(l)] = t.Title, t.Summary, t.BodyHTML
		in.Translations[l] = t
	}
	for _, a := range c.PostFormArray("areas") {
		if id, err := strconv.ParseInt(a, 10, 64); err == nil {
			in.AreaIDs = append(in.AreaIDs, id)
		}
	}
	lon, err1 := parseNumber(form["lon"])
	lat, err2 := parseNumber(form["lat"])
	if err1 == nil && err2 == nil {
		in.Point, in.HasPoint = orb.Point{lon, lat}, true
	}
	for _, k := range core.PhaseKinds {
		start, err := time.Parse("2006-01-02", c.PostForm("phase_"+string(k)+"_start"))
		form["phase_"+string(k)+"_start"] = c.PostForm("phase_" + string(k) + "_start")
		form["phase_"+string(k)+"_end"] = c.PostForm("phase_" + string(k) + "_end")
		if err != nil {
			continue
		}
		ph := core.Phase{Kind: k, Start: start}
		if end, err := time.Parse("2006-01-02", c.PostForm("phase_"+string(k)+"_end")); err == nil {
			ph.End = end
		}
		in.Phases = append(in.Phases, ph)
	}
	return in, form
}

func (s *Server) staffProjectEditor(c *gin.Context) {
	form := map[string]string{}
	data := map[string]any{"ID": int64(0)}
	if c.Param("id") != "" {
		p, ok := s.loadProject(c)
		if !ok {
			return
		}
		var err error
		if form, data, err = s.projectEditorState(c, p); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.projectEditorPage(c, http.StatusOK, form, data, nil)
}

// projectEditorState is the editor's form and data for p as stored.
func (s *Server) projectEditorState(c *gin.Context, p core.Project) (map[string]string, map[string]any, error) {
	form := map[string]string{"title": p.Title, "summary": p.Summary, "body": p.BodyHTML, "topics": strings.Join(p.Topics, ", "),
		"language": string(p.Language)}
	for l, t := range p.Translations {
		form["title_"+string(l)], form["summary_"+string(l)], form["body_"+string(l)] = t.Title, t.Summary, t.BodyHTML
	}
	if p.HasPoint {
		form["lon"], form["lat"] = strconv.FormatFloat(p.Point[0], 'f', -1, 64), strconv.FormatFloat(p.Point[1], 'f', -1, 64)
	}
	for _, ph := range p.Phases {
		form["phase_"+string(ph.Kind)+"_start"] = ph.Start.Format("2006-01-02")
		if !ph.End.IsZero() {
			form["phase_"+string(ph.Kind)+"_end"] = ph.End.Format("2006-01-02")
		}
	}
	data := map[string]any{"ID": p.ID, "Project": p, "Selected": idSet(p.AreaIDs), "Outdated": outdatedIn(p.Outdated)}
	images, err := s.store.ProjectImages(c.Request.Context(), p.ID)
	if err != nil {
		return nil, nil, err
	}
	data["Images"] = images
	if data["Debates"], err = s.store.Debates(c.Request.Context(), p.ID); err != nil {
		return nil, nil, err
	}
	return form, data, nil
}

// projectsIn is list as a reader of l sees it (see core.Project.In), in a
// new slice: list may be shared (a cache's).
func projectsIn(list []core.Project, l core.Language) []core.Project {
	out := make([]core.Project, len(list))
	for i, p := range list {
		out[i] = p.In(l)
	}
	return out
}

func idSet(ids []int64) map[int64]bool {
	m := map[int64]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func (s *Server) projectEditorPage(c *gin.Context, status int, form map[string]string, data map[string]any, err error) {
	g, gerr := s.geography(c.Request.Context())
	if gerr != nil {
		s.fail(c, gerr)
		return
	}
	data["Areas"], data["PhaseKinds"], data["Languages"] = g.ordered, core.PhaseKinds, core.Languages
	if _, ok := data["Selected"]; !ok {
		data["Selected"] = map[int64]bool{}
	}
	s.renderForm(c, status, "staff_project_edit", form, data, err)
}

func (s *Server) staffSaveProject(c *gin.Context) {
	var id int64
	if c.Param("id") != "" {
		p, ok := s.loadProject(c)
		if !ok {
			return
		}
		id = p.ID
	}
	in, form := projectForm(c)
	in, err := in.Normalize()
	if err != nil {
		s.projectEditorPage(c, http.StatusUnprocessableEntity, form, map[string]any{"ID": id, "Selected": idSet(in.AreaIDs)}, err)
		return
	}
	id, err = s.store.SaveProject(c.Request.Context(), userOf(c).ID, id, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/projects/"+strconv.FormatInt(id, 10)+"/edit", "flash.project_saved")
}

func (s *Server) staffProjectStatus(c *gin.Context) {
	p, ok := s.loadProject(c)
	if !ok {
		return
	}
	status := core.ProjectStatus(c.PostForm("status"))
	if status != core.ProjectDraft && status != core.ProjectPublished && status != core.ProjectArchived {
		s.fail(c, core.Invalid("status", "error.project_status"))
		return
	}
	if err := s.store.SetProjectStatus(c.Request.Context(), userOf(c).ID, p.ID, status); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/projects/"+strconv.FormatInt(p.ID, 10)+"/edit", "flash.project_saved")
}

// staffPostUpdate publishes a status update; followers get it by e-mail.
func (s *Server) staffPostUpdate(c *gin.Context) {
	p, ok := s.loadProject(c)
	if !ok {
		return
	}
	title := strings.Join(strings.Fields(c.PostForm("update_title")), " ")
	body := c.PostForm("update_body")
	given := map[core.Language]core.UpdateText{}
	for _, l := range core.Languages {
		given[l] = core.UpdateText{Title: c.PostForm("update_title_" + string(l)), BodyHTML: c.PostForm("update_body_" + string(l))}
	}
	translations, terr := core.NormalizeUpdateTranslations(given, p.Language)
	// An update whose text is only empty paragraphs says nothing either.
	if title == "" || len([]rune(title)) > core.MaxTitleLen || core.HTMLText(core.SanitizeHTML(body)) == "" || len(body) > core.MaxRichTextBytes || terr != nil {
		form, data, err := s.projectEditorState(c, p) // the editor as stored, with the update as typed
		if err != nil {
			s.fail(c, err)
			return
		}
		form["update_title"], form["update_body"] = title, body
		for l, t := range given {
			form["update_title_"+string(l)], form["update_body_"+string(l)] = t.Title, t.BodyHTML
		}
		if terr == nil {
			terr = core.Invalid("update_title", "error.update_invalid")
		}
		s.projectEditorPage(c, http.StatusUnprocessableEntity, form, data, terr)
		return
	}
	u := core.ProjectUpdate{ProjectID: p.ID, Title: title, BodyHTML: core.SanitizeHTML(body), Language: p.Language, Translations: translations}
	link := s.link("/projects/" + strconv.FormatInt(p.ID, 10))
	_, err := s.store.PostProjectUpdate(c.Request.Context(), userOf(c).ID, u, func(f core.Participant) core.Mail {
		// each follower reads it in their language where staff translated it
		project, update := p.In(f.Locale).Title, u.In(f.Locale)
		return core.Mail{To: f.Email, Subject: s.catalog.T(f.Locale, "mail.update.subject", "project", project),
			Body: s.catalog.T(f.Locale, "mail.update.body", "name", f.DisplayName, "project", project, "title", update.Title,
				"text", core.HTMLText(update.BodyHTML), "link", link)}
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, "/staff/projects/"+strconv.FormatInt(p.ID, 10)+"/edit", "flash.update_posted")
}

// firstImage is the path of a project's first image, for link previews.
func firstImage(images []postgres.ImageRef) string {
	if len(images) == 0 {
		return ""
	}
	return "/images/" + strconv.FormatInt(images[0].ID, 10)
}
