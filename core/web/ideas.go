package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/postgres"
)

func (s *Server) ideas(c *gin.Context) {
	page := pageNumber(c)
	f := postgres.IdeaFilter{Top: c.Query("sort") != "new", Status: knownStatus(c.Query("status")), Limit: pageSize, Offset: (page - 1) * pageSize}
	if c.Query("spontaneous") == "1" {
		f.ProjectID = -1
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
	s.render(c, http.StatusOK, "ideas", map[string]any{
		"Ideas": list, "Pager": newPager(c, page, total), "Statuses": core.IdeaStatuses, "Filter": f, "Areas": g.localAreas(),
		"Sort": c.Query("sort"), "Spontaneous": f.ProjectID == -1,
		"ShortWordsOnly": f.Search != "" && len(postgres.SearchTerms(f.Search)) == 0,
	})
}

// knownStatus is s when it names an idea status, "" otherwise.
func knownStatus(s string) core.IdeaStatus {
	if slices.Contains(core.IdeaStatuses, core.IdeaStatus(s)) {
		return core.IdeaStatus(s)
	}
	return ""
}

// filterByArea narrows f to the quarter or drawn area of ?area=ID (its shape
// from the geography); an unknown area, or a commune, is ignored. A commune's
// platform has every placed idea in the commune, and testing 64,000 points
// against a commune's outline took 95 ms (docs/PERFORMANCE.md).
func (g *geography) filterByArea(c *gin.Context, f *postgres.IdeaFilter) {
	id, _ := strconv.ParseInt(c.Query("area"), 10, 64)
	if a, ok := g.areas[id]; ok && a.Kind != core.AreaCommune {
		f.AreaID, f.AreaShape = a.ID, a.Geometry
	}
}

// localAreas are the quarters and drawn areas, which the idea list filters by.
func (g *geography) localAreas() []core.Area { return withoutCommunes(g.ordered) }

// withoutCommunes keeps the quarters and drawn areas of areas, in order.
func withoutCommunes(areas []core.Area) []core.Area {
	var out []core.Area
	for _, a := range areas {
		if a.Kind != core.AreaCommune {
			out = append(out, a)
		}
	}
	return out
}

// loadIdea reads :id; hidden ideas are shown to moderators only.
func (s *Server) loadIdea(c *gin.Context) (core.Idea, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.idea_not_found"))
		return core.Idea{}, false
	}
	i, err := s.store.Idea(c.Request.Context(), id)
	if err == nil && i.Hidden && (userOf(c) == nil || !userOf(c).Role.IsStaff()) {
		err = core.NotFound("error.idea_not_found")
	}
	if err != nil {
		s.fail(c, err)
		return core.Idea{}, false
	}
	return i, true
}

// supportBlock says why a participant may not support an idea ("" when they may).
func (s *Server) supportBlock(c *gin.Context, g postgres.SupportGate) (string, error) {
	u := userOf(c)
	switch {
	case u == nil:
		return "support.login", nil
	case !g.Status.OpenForSupport() || g.Hidden:
		return "support.closed", nil
	case !u.Verified():
		return "support.unverified", nil
	case len(g.AreaIDs) == 0:
		return "", nil
	}
	home, areas, err := s.homeAreas(c, u.ID)
	if err != nil {
		return "", err
	}
	if home == nil {
		return "support.no_address", nil
	}
	want := idSet(g.AreaIDs)
	for _, a := range areas {
		if want[a.ID] {
			return "", nil
		}
	}
	return "support.outside", nil
}

// supportGate reads :id for the support paths; hidden ideas are not found.
func (s *Server) supportGate(c *gin.Context) (postgres.SupportGate, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.idea_not_found"))
		return postgres.SupportGate{}, false
	}
	g, err := s.cachedGate(c.Request.Context(), id)
	if err == nil && g.Hidden {
		err = core.NotFound("error.idea_not_found")
	}
	if err != nil {
		s.fail(c, err)
		return postgres.SupportGate{}, false
	}
	return g, true
}

// ideaOrFeed serves /ideas/feed.atom and /ideas/feed.rss, and idea pages.
func (s *Server) ideaOrFeed(c *gin.Context) {
	if id := c.Param("id"); id == "feed.atom" || id == "feed.rss" {
		c.Params = append(c.Params, gin.Param{Key: "format", Value: id})
		s.ideasFeed(c)
		return
	}
	s.idea(c)
}

func (s *Server) idea(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	comments, err := s.store.Comments(ctx, i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	steps, milestones, err := s.ideaHistory(ctx, i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	gate, err := s.store.SupportGate(ctx, i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	block, err := s.supportBlock(c, gate)
	if err != nil {
		s.fail(c, err)
		return
	}
	supported, following, muted := false, false, false
	if u := userOf(c); u != nil {
		if supported, err = s.store.Supports(ctx, i.ID, u.ID); err != nil {
			s.fail(c, err)
			return
		}
		if following, muted, err = s.store.IdeaNewsOf(ctx, i.ID, u.ID); err != nil {
			s.fail(c, err)
			return
		}
	}
	links, err := s.store.IdeaLinks(ctx, i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	photos, err := s.store.IdeaPhotos(ctx, i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "idea", map[string]any{
		"Idea": i, "Comments": comments, "Steps": steps, "Milestones": milestones, "SupportBlock": block, "Supported": supported,
		"Following": following, "Muted": muted, "Photos": photos, "MaxPhotos": core.MaxIdeaPhotos,
		"Links": links, "AlternativesOpen": alternativesOpen(i, gate),
		"Threshold": s.cfg.FollowUp.SupportThreshold, "Link": s.link("/ideas/" + strconv.FormatInt(i.ID, 10)),
		"Meta": s.metaOf(i.Title, i.Body, "/ideas/"+strconv.FormatInt(i.ID, 10), ""),
	})
}

// alternativesOpen says whether residents may propose an alternative to idea
// i: it is visible, not merged (its carrier takes them), and ideas may still
// be proposed in its project.
func alternativesOpen(i core.Idea, g postgres.SupportGate) bool {
	return !i.Hidden && i.Status != core.IdeaMerged && g.ProjectOpen
}

// publicMap is the map of projects and ideas, opening on map.center. Asked
// from an idea's page (?idea=ID&lat=…&lon=…) it opens on that idea
// (ideasmap.js) and, without JavaScript, links back to it. ?q= and ?status=
// narrow the ideas drawn, as on the idea list.
func (s *Server) publicMap(c *gin.Context) {
	data := map[string]any{"Center": s.cfg.Map.Center, "Zoom": s.cfg.Map.Zoom,
		"Search": searchQuery(c), "Status": knownStatus(c.Query("status")), "Statuses": core.IdeaStatuses}
	if id, err := strconv.ParseInt(c.Query("idea"), 10, 64); err == nil && id > 0 {
		data["Focus"] = id
	}
	s.render(c, http.StatusOK, "map", data)
}

// newIdeaForm is the form to propose an idea: spontaneous, for a project
// (?project=ID), or as an alternative to another idea (?alternative_to=ID,
// which brings that idea's project).
func (s *Server) newIdeaForm(c *gin.Context) {
	data := map[string]any{"Center": s.cfg.Map.Center}
	if other, err := strconv.ParseInt(c.Query("alternative_to"), 10, 64); err == nil && other > 0 {
		if err := s.ideaFormAlternative(c, data, other); err != nil {
			s.fail(c, err)
			return
		}
	} else if pid, err := strconv.ParseInt(c.Query("project"), 10, 64); err == nil && pid > 0 {
		p, err := s.store.Project(c.Request.Context(), pid)
		if err != nil || p.Status != core.ProjectPublished {
			s.fail(c, core.NotFound("error.project_not_found"))
			return
		}
		s.ideaFormProject(data, p.In(langOf(c)))
	}
	s.render(c, http.StatusOK, "idea_new", data)
}

// ideaFormProject puts the project an idea is proposed for into the form's
// data; its map opens on the project's place, if it has one, rather than
// the commune's centre.
func (s *Server) ideaFormProject(data map[string]any, p core.Project) {
	data["Project"] = p
	if p.HasPoint {
		data["Center"] = p.Point
	}
}

// ideaFormAlternative puts into the form's data the visible idea an
// alternative is proposed to (for a merged idea, the one that carries it on)
// and its project; the map opens on that idea's place.
func (s *Server) ideaFormAlternative(c *gin.Context, data map[string]any, id int64) error {
	ctx := c.Request.Context()
	other, err := s.store.Idea(ctx, id)
	if err == nil && other.MergedInto != 0 {
		other, err = s.store.Idea(ctx, other.MergedInto)
	}
	if err == nil && other.Hidden {
		err = core.NotFound("error.idea_not_found")
	}
	if err != nil {
		return err
	}
	if other.ProjectID > 0 {
		p, err := s.store.Project(ctx, other.ProjectID)
		if err != nil {
			return err
		}
		if p.Status != core.ProjectPublished {
			return core.Conflict("error.project_closed")
		}
		s.ideaFormProject(data, p.In(langOf(c)))
	}
	data["AlternativeTo"] = other
	if other.HasPoint {
		data["Center"] = other.Point
	}
	return nil
}

func (s *Server) createIdea(c *gin.Context) {
	u := userOf(c)
	form := map[string]string{}
	for _, k := range []string{"title", "body", "lon", "lat", "project_id", "address", "alternative_to"} {
		form[k] = c.PostForm(k)
	}
	data := map[string]any{"Center": s.cfg.Map.Center}
	in := core.IdeaInput{Title: form["title"], Body: form["body"], Channel: core.ChannelWeb}
	if other, err := strconv.ParseInt(form["alternative_to"], 10, 64); err == nil && other > 0 {
		if err := s.ideaFormAlternative(c, data, other); err != nil {
			s.fail(c, err)
			return
		}
		in.AlternativeTo = other
	} else if pid, err := strconv.ParseInt(form["project_id"], 10, 64); err == nil && pid > 0 {
		p, err := s.store.Project(c.Request.Context(), pid)
		if err != nil {
			s.fail(c, err)
			return
		}
		in.ProjectID = pid
		s.ideaFormProject(data, p.In(langOf(c)))
	}
	lon, err1 := parseNumber(form["lon"])
	lat, err2 := parseNumber(form["lat"])
	if err1 == nil && err2 == nil {
		in.Point, in.HasPoint = orb.Point{lon, lat}, true
	} else if strings.TrimSpace(form["lon"]+form["lat"]) != "" {
		s.formPage(c, "idea_new", core.Invalid("position", "error.position_invalid"), form, data)
		return
	}
	if q := strings.TrimSpace(form["address"]); q != "" && !in.HasPoint {
		found, err := s.store.SearchAddresses(c.Request.Context(), q, 1)
		if err != nil {
			s.fail(c, err)
			return
		}
		if len(found) == 0 {
			s.formPage(c, "idea_new", core.Invalid("address", "address.none"), form, data)
			return
		}
		in.AddressID = found[0].ID
		in.Point, in.HasPoint = found[0].Point, found[0].HasPoint
	}
	if err := s.allowFast(c, "content", s.cfg.Limits.APIWritePerUser, u.Email); err != nil {
		s.formOrFail(c, "idea_new", err, form, data)
		return
	}
	in, err := in.Normalize()
	if err != nil {
		s.formPage(c, "idea_new", err, form, data)
		return
	}
	id, err := s.store.CreateIdeaNotifying(c.Request.Context(), u.ID, in, s.cfg.FollowUp.AnswerDays, s.AlternativeNoticeMail)
	if err != nil {
		s.fail(c, err)
		return
	}
	if in.AlternativeTo != 0 {
		s.mailPoke()
	}
	s.redirectWithFlash(c, "/ideas/"+strconv.FormatInt(id, 10), "flash.idea_created")
}

// ideaHistory is what an idea's pages and API show of its follow-up: the
// public timeline and the implementation milestones.
func (s *Server) ideaHistory(ctx context.Context, ideaID int64) ([]core.IdeaStep, []core.Milestone, error) {
	steps, err := s.store.IdeaSteps(ctx, ideaID)
	if err != nil {
		return nil, nil, err
	}
	milestones, err := s.store.Milestones(ctx, ideaID)
	return steps, milestones, err
}

// support adds or withdraws the participant's support.
func (s *Server) support(c *gin.Context) {
	withdraw := c.PostForm("withdraw") == "yes"
	i, _, ok := s.changeSupport(c, withdraw)
	if !ok {
		return
	}
	flash := "flash.supported"
	if withdraw {
		flash = "flash.support_withdrawn"
	}
	s.redirectWithFlash(c, "/ideas/"+strconv.FormatInt(i.ID, 10), flash)
}

// changeSupport adds (or, with withdraw, removes) the signed-in participant's
// support of the idea in the path, for the page and the API alike: the idea's
// gate, the rate limit and the area restriction are checked, and a support that
// sends the idea to review starts its follow-up. On failure it has answered the
// request and ok is false.
func (s *Server) changeSupport(c *gin.Context, withdraw bool) (gate postgres.SupportGate, res postgres.SupportResult, ok bool) {
	if gate, ok = s.supportGate(c); !ok {
		return gate, res, false
	}
	res, err := s.applySupport(c, gate, withdraw)
	if err != nil {
		s.fail(c, err)
		return gate, res, false
	}
	return gate, res, true
}

func (s *Server) applySupport(c *gin.Context, gate postgres.SupportGate, withdraw bool) (postgres.SupportResult, error) {
	ctx, u := c.Request.Context(), userOf(c)
	if err := s.allowFast(c, "support", s.cfg.Limits.APIWritePerUser, u.Email); err != nil {
		return postgres.SupportResult{}, err
	}
	if withdraw {
		return s.store.Withdraw(ctx, gate.ID, u.ID)
	}
	block, err := s.supportBlock(c, gate)
	if err != nil {
		return postgres.SupportResult{}, err
	}
	if block != "" {
		return postgres.SupportResult{}, &core.Error{Code: core.CodeForbidden, Key: block}
	}
	res, err := s.store.Support(ctx, gate.ID, u.ID, core.ChannelWeb, s.cfg.FollowUp)
	if err == nil && res.ReachedReview {
		s.startReviewFollowUp(ctx, gate.ID)
	}
	return res, err
}
