package web

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"quartier/core"
	"quartier/core/i18n"
	"quartier/core/postgres"
)

// feedSize is how many entries the open feeds carry.
const feedSize = 50

// platformFeed (/feed.atom, /feed.rss) is what is new on the platform: project
// updates, consultations opened and new ideas, the newest first, in the feed's
// language where staff translated them (residents' ideas as written).
func (s *Server) platformFeed(c *gin.Context) {
	ctx := c.Request.Context()
	lang := feedLang(c)
	updates, titles, err := s.store.RecentProjectUpdates(ctx, feedSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	var items []feedItem
	for i, u := range updates {
		u = u.In(lang)
		page := "/projects/" + strconv.FormatInt(u.ProjectID, 10)
		items = append(items, feedItem{ID: s.link(page + "#update-" + strconv.FormatInt(u.ID, 10)),
			Title: titles[i].TitleIn(lang) + i18n.Colon(lang) + " " + u.Title, Link: s.link(page), HTML: u.BodyHTML, Updated: u.CreatedAt})
	}
	consultations, err := s.store.Consultations(ctx, postgres.ConsultationFilter{PublishedOnly: true, Limit: feedSize})
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, k := range consultations {
		k = k.In(lang)
		link := s.link("/consultations/" + strconv.FormatInt(k.ID, 10))
		items = append(items, feedItem{ID: link, Title: k.Title, Link: link, HTML: k.Description, Updated: k.OpensAt})
	}
	ideas, err := s.store.Ideas(ctx, postgres.IdeaFilter{Limit: feedSize})
	if err != nil {
		s.fail(c, err)
		return
	}
	items = append(items, s.ideaItems(ideas)...)
	sort.SliceStable(items, func(i, j int) bool { return items[i].Updated.After(items[j].Updated) })
	if len(items) > feedSize {
		items = items[:feedSize]
	}
	s.writeFeed(c, "Quartier", "/"+c.Param("format"), "/", items)
}

func (s *Server) ideaItems(ideas []core.Idea) []feedItem {
	var items []feedItem
	for _, i := range ideas {
		link := s.link("/ideas/" + strconv.FormatInt(i.ID, 10))
		items = append(items, feedItem{ID: link, Title: i.Title, Link: link, HTML: core.PlainToHTML(i.Body), Updated: i.CreatedAt})
	}
	return items
}

// areaFeed (/areas/ID/feed.atom|rss): the ideas placed in an area, the newest
// first.
func (s *Server) areaFeed(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	g, gerr := s.geography(ctx)
	if err != nil || gerr != nil {
		s.fail(c, core.NotFound("error.area_not_found"))
		return
	}
	area, ok := g.areas[id]
	if !ok {
		s.fail(c, core.NotFound("error.area_not_found"))
		return
	}
	prepared := g.resolved[id].Prepared
	pins, err := s.store.IdeasIn(ctx, area.Geometry.Bound(), maxMapPins)
	if err != nil {
		s.fail(c, err)
		return
	}
	var inside []int64
	for _, p := range pins {
		if prepared.Contains(p.Point) {
			inside = append(inside, p.ID)
		}
	}
	sort.Slice(inside, func(i, j int) bool { return inside[i] > inside[j] })
	var items []feedItem
	for _, ideaID := range inside[:min(len(inside), feedSize)] {
		i, err := s.store.Idea(ctx, ideaID)
		if err != nil {
			continue
		}
		items = append(items, s.ideaItems([]core.Idea{i})...)
	}
	s.writeFeed(c, area.Name+" · Quartier", "/areas/"+c.Param("id")+"/"+c.Param("format"), "/map", items)
}

// ideasGeoJSON (/ideas.geojson) is every visible idea with a place, for maps
// and open-data portals.
func (s *Server) ideasGeoJSON(c *gin.Context) {
	pins, err := s.store.IdeasIn(c.Request.Context(), orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, 10000)
	if err != nil {
		s.fail(c, err)
		return
	}
	fc := geojson.NewFeatureCollection()
	for _, p := range pins {
		f := geojson.NewFeature(p.Point)
		f.ID = p.ID
		f.Properties = geojson.Properties{"title": p.Title, "status": string(p.Status), "support_count": p.SupportCount,
			"url": s.link("/ideas/" + strconv.FormatInt(p.ID, 10))}
		fc.Append(f)
	}
	s.sendGeoJSON(c, fc)
}

// consultationTarget (/consultations/ID/target.geojson) is the outline of the
// area a published consultation is aimed at: its shapes, never its addresses.
func (s *Server) consultationTarget(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	fc := geojson.NewFeatureCollection()
	if k.TargetID != 0 {
		t, err := s.store.Target(c.Request.Context(), k.TargetID)
		if err != nil {
			s.fail(c, err)
			return
		}
		g, err := s.geography(c.Request.Context())
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, p := range t.Definition.Parts {
			if f := partFeature(p, g); f != nil {
				f.Properties["exclude"] = p.Exclude
				fc.Append(f)
			}
		}
	}
	s.sendGeoJSON(c, fc)
}

func (s *Server) sendGeoJSON(c *gin.Context, fc *geojson.FeatureCollection) {
	body, err := fc.MarshalJSON()
	if err != nil {
		s.fail(c, core.Internalf("encode geojson: %w", err))
		return
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.Data(http.StatusOK, "application/geo+json", body)
}
