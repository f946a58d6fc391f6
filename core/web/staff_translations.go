package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// translationRow is one text staff wrote, with how far each language has it.
type translationRow struct {
	Kind     string // message key of its kind
	Title    string
	Link     string // its staff editor
	Language core.Language
	Coverage map[core.Language]core.Coverage
}

// translationTotal counts, for one language, the texts it has in full (of
// those written in another).
type translationTotal struct {
	Lang         core.Language
	Complete, Of int
}

// staffTranslations shows which of the current texts staff wrote are
// translated into which language: projects not archived, consultations and
// events not over, debates, budgets not yet in implementation, councils.
func (s *Server) staffTranslations(c *gin.Context) {
	rows, err := s.currentTexts(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	totals := make([]translationTotal, len(core.Languages))
	for i, l := range core.Languages {
		totals[i].Lang = l
		for _, r := range rows {
			if c := r.Coverage[l]; c != core.CoverageOriginal {
				totals[i].Of++
				if c == core.CoverageComplete {
					totals[i].Complete++
				}
			}
		}
	}
	s.render(c, http.StatusOK, "staff_translations", map[string]any{"Rows": rows, "Totals": totals, "Languages": core.Languages})
}

// coverageRow is a row for a text whose coverage in each language cover says.
func coverageRow(kind, title, link string, written core.Language, cover func(core.Language) core.Coverage) translationRow {
	r := translationRow{Kind: kind, Title: title, Link: link, Language: written, Coverage: map[core.Language]core.Coverage{}}
	for _, l := range core.Languages {
		r.Coverage[l] = cover(l)
	}
	return r
}

// currentTexts reads the texts staff look after now (see staffTranslations).
func (s *Server) currentTexts(ctx context.Context) ([]translationRow, error) {
	var rows []translationRow
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	for _, st := range []core.ProjectStatus{core.ProjectPublished, core.ProjectDraft} {
		list, _, err := s.store.Projects(ctx, postgres.ProjectFilter{Status: st, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			rows = append(rows, coverageRow("translations.kind_project", p.Title, "/staff/projects/"+id(p.ID)+"/edit", p.Language, p.Coverage))
		}
	}
	consultations, err := s.store.Consultations(ctx, postgres.ConsultationFilter{Limit: 500})
	if err != nil {
		return nil, err
	}
	var open []core.Consultation
	for _, k := range consultations {
		if k.ClosesAt.After(s.now()) {
			open = append(open, k)
		}
	}
	if err := s.store.WithQuestions(ctx, open); err != nil { // their coverage counts each question
		return nil, err
	}
	for _, k := range open {
		rows = append(rows, coverageRow("translations.kind_consultation", k.Title, staffConsultationPath(k.ID), k.Language, k.Coverage))
	}
	meetings, err := s.store.Meetings(ctx, postgres.MeetingFilter{Drafts: true, EndsAfter: s.now(), Limit: 200})
	if err != nil {
		return nil, err
	}
	for _, m := range meetings {
		rows = append(rows, coverageRow("translations.kind_event", m.Title, staffMeetingPath(m.ID), m.Language, m.Coverage))
	}
	debates, err := s.store.AllDebates(ctx, 200)
	if err != nil {
		return nil, err
	}
	for _, d := range debates {
		rows = append(rows, coverageRow("translations.kind_debate", d.Question, "/debates/"+id(d.ID), d.Language, d.Coverage))
	}
	budgets, err := s.store.Budgets(ctx, true)
	if err != nil {
		return nil, err
	}
	var current []core.Budget
	for _, b := range budgets {
		if b.Phase != core.PhaseImplementation {
			current = append(current, b)
		}
	}
	if err := s.store.WithEnvelopes(ctx, current); err != nil { // their coverage counts each envelope's name
		return nil, err
	}
	for _, b := range current {
		rows = append(rows, coverageRow("translations.kind_budget", b.Title, staffBudgetPath(b.ID), b.Language, b.Coverage))
	}
	councils, err := s.store.Councils(ctx)
	if err != nil {
		return nil, err
	}
	for _, nc := range councils {
		rows = append(rows, coverageRow("translations.kind_council", nc.Name, "/staff/councils/"+id(nc.ID), nc.Language, nc.Coverage))
	}
	return rows, nil
}
