package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/i18n"
)

// councilLanguage is the language of documents for the collège échevinal.
const councilLanguage = core.French

// PrepareCouncil gathers the ideas answered feasible into a submission for the
// council (a PDF to read and a CSV to file, each idea with its supports and its
// review) and marks them submitted. It returns the submission's id, 0 when no
// idea is feasible. cmd/quartier runs it on the first day of each month for the
// month before; staff can run it at any time.
func (s *Server) PrepareCouncil(ctx context.Context, actorID int64, month time.Time) (int64, int, error) {
	ideas, err := s.store.FeasibleIdeas(ctx)
	if err != nil || len(ideas) == 0 {
		return 0, 0, err
	}
	t := func(key string, args ...any) string { return s.catalog.T(councilLanguage, key, args...) }
	ids := make([]int64, len(ideas))
	for n, i := range ideas {
		ids[n] = i.ID
	}
	photos, err := s.store.FirstPhotos(ctx, ids)
	if err != nil {
		return 0, 0, err
	}
	doc := councilDoc{Lang: councilLanguage, Commune: s.communeName(), Logo: s.cfg.Commune.Logo, LogoType: s.cfg.Commune.LogoType,
		Title:     t("council.doc_title", "month", month.Format("01/2006")),
		Generated: t("council.doc_generated", "date", s.now().Format("02/01/2006"), "n", len(ideas)),
		Page:      func(n int) string { return t("pager.page", "page", n, "pages", "{nb}") }}
	table := [][]any{{"id", t("council.col_title"), t("council.col_project"), t("council.col_supports"), t("council.col_proposed"),
		t("ideas.location"), t("ideas_export.alternative_to"), t("council.col_review"), "url"}}
	for n, i := range ideas {
		project := i.ProjectTitle
		if project == "" {
			project = t("ideas.spontaneous")
		}
		place := i.Address
		if place == "" && i.NearAddress != "" {
			place = t("ideas.near_address", "address", i.NearAddress)
		}
		link := s.link("/ideas/" + strconv.FormatInt(i.ID, 10))
		body := i.Body
		if len([]rune(body)) > 1500 {
			body = string([]rune(body)[:1500]) + " …"
		}
		entry := councilIdea{Title: strconv.Itoa(n+1) + ". " + i.Title, Body: body, Photo: photos[i.ID],
			Meta:        t("council.doc_meta", "supports", i.SupportCount, "date", i.CreatedAt.Format("02/01/2006"), "project", project),
			ReviewLabel: t("council.col_review") + i18n.Colon(councilLanguage), Review: i.Answer, Link: link}
		if place != "" {
			entry.Place = t("ideas.location") + i18n.Colon(councilLanguage) + " " + place
		}
		if i.AlternativeTo != 0 { // the collège reads alternatives beside the idea they answer
			entry.Meta += " · " + t("ideas_export.alternative_to") + "\u00a0" + strconv.FormatInt(i.AlternativeTo, 10)
		}
		doc.Ideas = append(doc.Ideas, entry)
		table = append(table, []any{i.ID, i.Title, project, i.SupportCount, i.CreatedAt.Format("2006-01-02"), place, idOrBlank(i.AlternativeTo), i.Answer, link})
	}
	var csvFile bytes.Buffer
	writeCSV(&csvFile, table)
	var pdf bytes.Buffer
	if err := writeCouncilPDF(&pdf, doc); err != nil {
		return 0, 0, core.Internalf("council document: %w", err)
	}
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	id, err := s.store.SubmitToCouncil(ctx, actorID, first, ids, pdf.Bytes(), csvFile.Bytes(), func(p core.Participant, idea core.Idea) core.Mail {
		return s.ideaNewsMail(p, idea, s.catalog.T(p.Locale, "mail.council.subject", "idea", idea.Title),
			s.catalog.T(p.Locale, "mail.council.body", "name", p.DisplayName, "idea", idea.Title,
				"link", s.link("/ideas/"+strconv.FormatInt(idea.ID, 10))))
	})
	if err != nil {
		return 0, 0, err
	}
	s.mailPoke()
	return id, len(ids), nil
}

// MonthlyCouncil prepares last month's submission, once: the schedule runs it
// on the first of each month, and on the first start after a missed run.
func (s *Server) MonthlyCouncil(ctx context.Context) (int64, error) {
	now := s.now()
	month := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	done, err := s.store.CouncilSubmittedFor(ctx, month)
	if err != nil || done {
		return 0, err
	}
	id, _, err := s.PrepareCouncil(ctx, 0, month)
	return id, err
}

func (s *Server) staffCouncil(c *gin.Context) {
	ctx := c.Request.Context()
	feasible, err := s.store.FeasibleIdeas(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	subs, err := s.store.CouncilSubmissions(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "staff_council", map[string]any{"Feasible": feasible, "Submissions": subs})
}

func (s *Server) staffSubmitCouncil(c *gin.Context) {
	id, _, err := s.PrepareCouncil(c.Request.Context(), userOf(c).ID, s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	if id == 0 {
		s.redirectWithFlash(c, "/staff/council", "flash.council_nothing")
		return
	}
	s.redirectWithFlash(c, "/staff/council", "flash.council_submitted")
}

func (s *Server) staffCouncilDocument(c *gin.Context) {
	name := c.Param("file")
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSuffix(name, ".pdf"), ".csv"), 10, 64)
	if err != nil || !(strings.HasSuffix(name, ".pdf") || strings.HasSuffix(name, ".csv")) {
		s.fail(c, core.NotFound("error.page_not_found"))
		return
	}
	pdf := strings.HasSuffix(name, ".pdf")
	doc, month, err := s.store.CouncilDocument(c.Request.Context(), id, pdf)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctype, ext := "text/csv; charset=utf-8", "csv"
	if pdf {
		ctype, ext = "application/pdf", "pdf"
	}
	c.Header("Content-Disposition", `attachment; filename="quartier-conseil-`+month.Format("2006-01")+"-"+strconv.FormatInt(id, 10)+"."+ext+`"`)
	c.Data(http.StatusOK, ctype, doc)
}
