package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// ideasExportPageSize is how many ideas a staff export reads at a time.
const ideasExportPageSize = 1000

// staffIdeasExport downloads every idea with its follow-up, as CSV or XLSX,
// for the reports staff write (the collège, the council, the annual review):
// status, supports, dates promised and kept, reviewer, the areas it lies in
// and its link. Hidden and merged ideas are included and marked.
func (s *Server) staffIdeasExport(c *gin.Context) {
	ctx := c.Request.Context()
	lang := langOf(c)
	t := func(k string, args ...any) string { return s.catalog.T(lang, k, args...) }
	g, err := s.geography(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	yesNo := func(b bool) string {
		if b {
			return t("ideas_export.yes")
		}
		return t("ideas_export.no")
	}
	rows := [][]any{{t("ideas_export.number"), t("ideas.field_title"), t("ideas_export.project"), t("ideas_export.author"), t("ideas_export.channel"),
		t("ideas.status"), t("ideas_export.supports"), t("ideas_export.comments"), t("ideas_export.hidden"), t("ideas_export.proposed_on"),
		t("followup.answer_due"), t("ideas_export.answered_on"), t("ideas_export.overdue"), t("followup.assigned"), t("ideas_export.merged_into"),
		t("ideas_export.alternative_to"), t("ideas_export.areas"), t("ideas_export.latitude"), t("ideas_export.longitude"), t("audit.link")}}
	today := s.now().In(communeZone).Format(time.DateOnly)
	for after := int64(0); ; {
		list, err := s.store.IdeaRecords(ctx, after, ideasExportPageSize)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, r := range list {
			i := r.Idea
			var areas []string
			var lat, lon any
			if i.HasPoint {
				for _, id := range g.index.Containing(i.Point, nil) {
					a := g.areas[id]
					areas = append(areas, t("kind."+string(a.Kind))+" "+a.Name)
				}
				lat, lon = i.Point[1], i.Point[0]
			}
			answered := ""
			if !i.AnsweredAt.IsZero() {
				answered = i.AnsweredAt.In(communeZone).Format(time.DateOnly)
			}
			due := i.AnswerDueOn.Format(time.DateOnly)
			rows = append(rows, []any{i.ID, i.Title, i.ProjectTitle, i.AuthorName, t("channel." + string(i.Channel)),
				t("status." + string(i.Status)), i.SupportCount, i.CommentCount, yesNo(i.Hidden), i.CreatedAt.UTC(),
				due, answered, yesNo(answered == "" && due < today), r.AssignedTo, idOrBlank(i.MergedInto),
				idOrBlank(i.AlternativeTo), strings.Join(areas, ", "), lat, lon, s.link("/ideas/" + strconv.FormatInt(i.ID, 10))})
		}
		if len(list) < ideasExportPageSize {
			break
		}
		after = list[len(list)-1].Idea.ID
	}
	sendTable(c, s, c.Param("format"), "quartier-ideas-"+s.now().Format(time.DateOnly), t("ideas.title"), rows)
}

// idOrBlank writes an idea's number in a table, blank for none (0).
func idOrBlank(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
