package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// homeNews is what the home page shows everyone: what is open now, what is
// coming, the newest projects and ideas, and what became of ideas.
type homeNews struct {
	Consultations []core.Consultation // open now, closing soonest first
	Budgets       []core.Budget       // taking proposals or votes
	Debates       []core.Debate       // open, the newest first
	Events        []core.Meeting      // the next few
	Projects      []core.Project      // the newest
	Ideas         []core.Idea         // the newest
	Answers       []core.Idea         // the latest official answers
	Figures       postgres.PublicFigures
}

const (
	homeEvents   = 3
	homeProjects = 3
	homeIdeas    = 4
	homeAnswers  = 3
	homeDebates  = 3
	// homeNewsTTL: the home page is the most visited; its eight reads are
	// shared by every visitor for this long.
	homeNewsTTL   = 10 * time.Second
	homeNewsGrace = time.Minute
)

func newHomeCache() *refreshCache[struct{}, homeNews] {
	return newRefreshCache[struct{}, homeNews](homeNewsTTL, homeNewsGrace, 1, nil)
}

// home shows the news and, to a signed-in resident, the way to their quarter
// (Quarters: the quarters and drawn areas their address lies in; HasAddress
// false: they gave none). A database that cannot be read leaves the news out
// rather than the page.
func (s *Server) home(c *gin.Context) {
	news, data := s.newsData(c)
	data["Ideas"] = news.Ideas
	if u := userOf(c); u != nil {
		addr, areas, err := s.homeAreas(c, u.ID)
		if err != nil {
			s.log.Warn("home page quarters", "err", err)
		}
		data["Quarters"] = withoutCommunes(areas)
		data["HasAddress"] = addr != nil || err != nil // an error is no reason to ask for one
	}
	s.render(c, http.StatusOK, "home", data)
}

// readHomeNews reads the home page's news (eight statements).
func (s *Server) readHomeNews(ctx context.Context) (homeNews, error) {
	var n homeNews
	now := s.now()
	consultations, err := s.store.Consultations(ctx, postgres.ConsultationFilter{PublishedOnly: true})
	if err != nil {
		return n, fmt.Errorf("open consultations: %w", err)
	}
	for _, k := range consultations {
		if k.PhaseAt(now) == core.ConsultationOpen {
			n.Consultations = append(n.Consultations, k)
		}
	}
	slices.SortStableFunc(n.Consultations, func(a, b core.Consultation) int { return a.ClosesAt.Compare(b.ClosesAt) })
	budgets, err := s.store.Budgets(ctx, false)
	if err != nil {
		return n, fmt.Errorf("budgets: %w", err)
	}
	for _, b := range budgets {
		if b.Phase == core.PhaseProposals || b.VotingOpen(now) {
			n.Budgets = append(n.Budgets, b)
		}
	}
	if n.Debates, err = s.store.OpenDebates(ctx, homeDebates); err != nil {
		return n, fmt.Errorf("open debates: %w", err)
	}
	if n.Events, err = s.store.Meetings(ctx, postgres.MeetingFilter{EndsAfter: now, Limit: homeEvents}); err != nil {
		return n, fmt.Errorf("next events: %w", err)
	}
	if n.Projects, _, err = s.store.Projects(ctx, postgres.ProjectFilter{Limit: homeProjects}); err != nil {
		return n, fmt.Errorf("newest projects: %w", err)
	}
	if n.Ideas, err = s.store.Ideas(ctx, postgres.IdeaFilter{Limit: homeIdeas}); err != nil {
		return n, fmt.Errorf("newest ideas: %w", err)
	}
	if n.Answers, err = s.store.LatestAnswers(ctx, homeAnswers); err != nil {
		return n, fmt.Errorf("latest answers: %w", err)
	}
	if n.Figures, err = s.store.PublicFigures(ctx); err != nil {
		return n, fmt.Errorf("figures: %w", err)
	}
	return n, nil
}

// howItWorks explains the follow-up promise with the commune's own numbers
// (threshold, review and answer delays) and the figures of the home page.
func (s *Server) howItWorks(c *gin.Context) {
	_, data := s.newsData(c)
	data["FollowUp"] = s.cfg.FollowUp
	s.render(c, http.StatusOK, "how_it_works", data)
}

// newsData returns the shared news and a page's data holding them ("News")
// with the share of answers given on time ("OnTimeShare", when any was
// given). A database that cannot be read leaves the news empty, logged,
// rather than fail the page.
func (s *Server) newsData(c *gin.Context) (homeNews, map[string]any) {
	news, err := s.homeNews.get(c.Request.Context(), struct{}{}, time.Now(), s.readHomeNews)
	if err != nil {
		s.log.Warn("home page news", "err", err)
	}
	news.Projects = projectsIn(news.Projects, langOf(c)) // a copy: news is the cache's
	data := map[string]any{"News": news}
	if f := news.Figures; f.Answered > 0 {
		data["OnTimeShare"] = float64(f.OnTime) / float64(f.Answered)
	}
	return news, data
}

// accessibility is the accessibility statement the law of 28 May 2019 asks
// of public-sector sites: how far the platform conforms, what is not
// accessible and what replaces it, how to tell the commune, and where to turn
// next.
func (s *Server) accessibility(c *gin.Context) {
	s.render(c, http.StatusOK, "accessibility", map[string]any{"Commune": s.communeName(), "Contact": s.cfg.Commune.Contact})
}

// privacy is the notice the GDPR (articles 13 and 14) asks for: who is
// responsible, what the platform holds and why, who receives it, how long it
// is kept, the cookies and the person's rights. What depends on the
// installation comes from its configuration: the commune and its addresses,
// how long sessions and links last, the map's tile server and the providers
// people may sign in with.
func (s *Server) privacy(c *gin.Context) {
	var providers []string
	for _, p := range s.providers {
		providers = append(providers, p.Label())
	}
	tiles := ""
	if u, err := url.Parse(s.cfg.Map.TileURL); err == nil {
		tiles = u.Hostname()
	}
	s.render(c, http.StatusOK, "privacy", map[string]any{"Commune": s.communeName(), "Contact": s.cfg.Commune.Contact, "DPO": s.cfg.Commune.DPO,
		"SessionDays": int(s.cfg.SessionTTL.Hours() / 24), "LinkHours": hours(max(s.cfg.ConfirmLinkTTL, s.cfg.ResetLinkTTL)), "TileHost": tiles,
		"Providers": strings.Join(providers, ", ")})
}
