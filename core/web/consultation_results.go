package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"quartier/core"
	"quartier/core/postgres"
)

// resultRow is one bar of a question's results.
type resultRow struct {
	Label   string
	Lang    core.Language // of the label
	Count   int64
	Percent int   // of the people who answered the question
	Points  int64 // rankings: Borda points
	Width   int   // bar length in the 0..400 SVG
	Y       int
}

// resultView is a question's results as the page draws them.
type resultView struct {
	core.Question
	Answered int64
	Rows     []resultRow
	Mean     string // scale questions
	Texts    []postgres.TextAnswer
	Map      mapSVG
	Points   int
	Height   int // of the bar chart
}

// results builds every question's results from the live tallies (one query),
// plus the free-text answers and the map points; k is as a reader of lang
// sees it (Consultation.In), whose words the rows carry.
func (s *Server) results(ctx context.Context, lang core.Language, k core.Consultation, withHidden bool) ([]resultView, error) {
	tallies, err := s.store.Tallies(ctx, k.ID)
	if err != nil {
		return nil, err
	}
	out := make([]resultView, 0, len(k.Questions))
	for _, q := range k.Questions {
		byKey := map[string]postgres.Tally{}
		for _, t := range tallies[q.ID] {
			byKey[t.Key] = t
		}
		v := resultView{Question: q, Answered: byKey[""].Count}
		add := func(label string, labelLang core.Language, key string) {
			t := byKey[key]
			v.Rows = append(v.Rows, resultRow{Label: label, Lang: labelLang, Count: t.Count, Points: t.Points})
		}
		switch q.Kind {
		case core.QSingle, core.QMultiple, core.QScenario, core.QRanking:
			for _, o := range q.Options {
				add(o.Label, o.Lang, strconv.FormatInt(o.ID, 10))
			}
			if q.Kind == core.QRanking {
				sort.SliceStable(v.Rows, func(i, j int) bool { return v.Rows[i].Points > v.Rows[j].Points })
			}
		case core.QScale:
			var sum int64
			for n := 1; n <= q.ScaleMax; n++ {
				add(strconv.Itoa(n), lang, strconv.Itoa(n))
				sum += byKey[strconv.Itoa(n)].Points
			}
			if v.Answered > 0 {
				v.Mean = strconv.FormatFloat(float64(sum)/float64(v.Answered), 'f', 1, 64)
			}
		case core.QYesNo:
			add(s.catalog.T(lang, "consult.yes"), lang, "yes")
			add(s.catalog.T(lang, "consult.no"), lang, "no")
		case core.QText:
			if v.Texts, err = s.store.TextAnswers(ctx, q.ID, withHidden, 500); err != nil {
				return nil, err
			}
		case core.QPoint:
			pts, err := s.store.PointAnswers(ctx, q.ID)
			if err != nil {
				return nil, err
			}
			v.Map, v.Points = newMapSVG(nil, pts), len(pts)
		}
		best := int64(1)
		for _, r := range v.Rows {
			best = max(best, r.Count)
			if q.Kind == core.QRanking {
				best = max(best, r.Points)
			}
		}
		for i := range v.Rows {
			r := &v.Rows[i]
			if v.Answered > 0 {
				r.Percent = int((r.Count*100 + v.Answered/2) / v.Answered)
			}
			measure := r.Count
			if q.Kind == core.QRanking {
				measure = r.Points
			}
			r.Width, r.Y = int(measure*400/best), i*28
		}
		v.Height = len(v.Rows)*28 + 4
		out = append(out, v)
	}
	return out, nil
}

// consultationResults shows the results to residents once they are public, and
// to managers at any time (with the breakdowns and the moderation of free text).
func (s *Server) consultationResults(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	staff := isManager(c)
	if !staff && !k.ResultsVisibleAt(s.now()) {
		s.fail(c, core.Forbidden("consult.results_later"))
		return
	}
	ctx := c.Request.Context()
	k = k.In(langOf(c))
	views, err := s.results(ctx, langOf(c), k, staff)
	if err != nil {
		s.fail(c, err)
		return
	}
	data := map[string]any{"C": k, "Results": views, "Staff": staff, "Phase": string(k.PhaseAt(s.now()))}
	if staff {
		if data["Channels"], err = s.store.ChannelCounts(ctx, k.ID); err != nil {
			s.fail(c, err)
			return
		}
		if data["Breakdowns"], err = s.breakdowns(ctx, k); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.render(c, http.StatusOK, "consultation_results", data)
}

// breakdownView counts, per group of respondents (the quarter, or the street, of
// their home address), the responses and each option of the choice questions.
type breakdownView struct {
	Title     string // message key naming the grouping
	Areas     []string
	Responses []int
	Questions []breakdownQuestion
}

type breakdownQuestion struct {
	Prompt string
	Rows   []breakdownRow // one per option
}

type breakdownRow struct {
	Label  string
	Counts []int // per group, in Areas order
}

// areaOfAddress names the quarter (or, failing that, the commune) an address
// lies in; "" when the address has no position or no area contains it.
func areaOfAddress(g *geography, addressID int64) string {
	p, ok := g.register.Point(addressID)
	if !ok {
		return ""
	}
	name := ""
	for _, id := range g.index.Containing(p, nil) {
		a := g.areas[id]
		if a.Kind == core.AreaQuarter {
			return a.Name
		}
		if name == "" {
			name = a.Name
		}
	}
	return name
}

// breakdowns groups a consultation's responses by quarter and by street of the
// respondents' home addresses (one pass over the responses, one address read).
func (s *Server) breakdowns(ctx context.Context, k core.Consultation) ([]breakdownView, error) {
	g, err := s.geography(ctx)
	if err != nil {
		return nil, err
	}
	var rows []postgres.ResponseRow
	var addressIDs []int64
	if err := s.store.ResponseRows(ctx, k.ID, func(r postgres.ResponseRow) error {
		rows = append(rows, r)
		if r.AddressID != 0 {
			addressIDs = append(addressIDs, r.AddressID)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	addrs, err := s.store.AddressesByID(ctx, addressIDs)
	if err != nil {
		return nil, err
	}
	streets := make(map[int64]string, len(addrs))
	for _, a := range addrs {
		streets[a.ID] = a.Street + ", " + a.Locality
	}
	return []breakdownView{
		groupResponses("results.per_area", k, rows, func(id int64) string { return areaOfAddress(g, id) }),
		groupResponses("results.per_street", k, rows, func(id int64) string { return streets[id] }),
	}, nil
}

// groupResponses counts responses and choices per group ("" for unknown).
func groupResponses(title string, k core.Consultation, rows []postgres.ResponseRow, groupOf func(addressID int64) string) breakdownView {
	v := breakdownView{Title: title}
	index := map[string]int{}
	counts := map[[3]string]int{}
	for _, r := range rows {
		name := groupOf(r.AddressID)
		i, ok := index[name]
		if !ok {
			i = len(v.Areas)
			index[name] = i
			v.Areas = append(v.Areas, name)
			v.Responses = append(v.Responses, 0)
		}
		v.Responses[i]++
		for _, q := range k.Questions {
			a, ok := r.Answers[q.ID]
			if !ok {
				continue
			}
			keys, _ := core.TallyKeys(q, a)
			for _, key := range keys[1:] {
				counts[[3]string{strconv.FormatInt(q.ID, 10), key, name}]++
			}
		}
	}
	for _, q := range k.Questions {
		var opts [][2]string // key, label
		switch q.Kind {
		case core.QSingle, core.QMultiple, core.QScenario:
			for _, o := range q.Options {
				opts = append(opts, [2]string{strconv.FormatInt(o.ID, 10), o.Label})
			}
		case core.QYesNo:
			opts = [][2]string{{"yes", "✓"}, {"no", "✗"}}
		case core.QScale:
			for n := 1; n <= q.ScaleMax; n++ {
				opts = append(opts, [2]string{strconv.Itoa(n), strconv.Itoa(n)})
			}
		default:
			continue
		}
		bq := breakdownQuestion{Prompt: q.Prompt}
		for _, o := range opts {
			row := breakdownRow{Label: o[1], Counts: make([]int, len(v.Areas))}
			for i, area := range v.Areas {
				row.Counts[i] = counts[[3]string{strconv.FormatInt(q.ID, 10), o[0], area}]
			}
			bq.Rows = append(bq.Rows, row)
		}
		v.Questions = append(v.Questions, bq)
	}
	return v
}

// staffExportResponses downloads one row per response (CSV, XLSX) or the point
// answers (GeoJSON). No personal data: the response number, channel, quarter,
// times and answers; hidden free text is left out.
func (s *Server) staffExportResponses(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	g, err := s.geography(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := langOf(c)
	base := "quartier-consultation-" + strconv.FormatInt(k.ID, 10) + "-" + slug(k.Title)
	format := c.Param("format")
	if format == "geojson" {
		fc := geojson.NewFeatureCollection()
		err = s.store.ResponseRows(ctx, k.ID, func(r postgres.ResponseRow) error {
			for _, q := range k.Questions {
				if a, ok := r.Answers[q.ID]; ok && a.HasPoint {
					f := geojson.NewFeature(orb.Point{a.Point[0], a.Point[1]})
					f.Properties = geojson.Properties{"question": q.Prompt, "question_id": q.ID, "response": r.ID, "channel": r.Channel}
					fc.Append(f)
				}
			}
			return nil
		})
		if err != nil {
			s.fail(c, err)
			return
		}
		body, err := fc.MarshalJSON()
		if err != nil {
			s.fail(c, core.Internalf("encode geojson: %w", err))
			return
		}
		sendFile(c, base+".geojson", "application/geo+json", body)
		return
	}
	header := []any{s.catalog.T(lang, "consult.export_response"), s.catalog.T(lang, "consult.export_channel"),
		s.catalog.T(lang, "consult.export_area"), s.catalog.T(lang, "consult.export_created"), s.catalog.T(lang, "consult.export_updated")}
	for _, q := range k.Questions {
		header = append(header, fmt.Sprintf("%d. %s", q.Position, q.Prompt))
	}
	rows := [][]any{header}
	err = s.store.ResponseRows(ctx, k.ID, func(r postgres.ResponseRow) error {
		row := []any{r.ID, r.Channel, areaOfAddress(g, r.AddressID), r.CreatedAt.UTC().Format("2006-01-02 15:04"), r.UpdatedAt.UTC().Format("2006-01-02 15:04")}
		for _, q := range k.Questions {
			a, ok := r.Answers[q.ID]
			if !ok {
				row = append(row, nil)
				continue
			}
			row = append(row, s.answerText(lang, q, a))
		}
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	sendTable(c, s, format, base, "Réponses", rows)
}

// answerText writes an answer as a spreadsheet cell.
func (s *Server) answerText(lang core.Language, q core.Question, a core.Answer) string {
	switch q.Kind {
	case core.QSingle, core.QMultiple, core.QScenario, core.QRanking:
		labels := map[int64]string{}
		for _, o := range q.Options {
			labels[o.ID] = o.Label
		}
		parts := make([]string, len(a.Choices))
		for i, id := range a.Choices {
			parts[i] = labels[id]
			if q.Kind == core.QRanking {
				parts[i] = strconv.Itoa(i+1) + ". " + parts[i]
			}
		}
		return strings.Join(parts, " | ")
	case core.QScale:
		return strconv.Itoa(a.Number)
	case core.QYesNo:
		if a.Number == core.AnswerYes {
			return s.catalog.T(lang, "consult.yes")
		}
		return s.catalog.T(lang, "consult.no")
	case core.QPoint:
		if a.HasPoint {
			return fmt.Sprintf("%.6f, %.6f", a.Point[1], a.Point[0])
		}
	}
	return a.Text
}

// staffModerateAnswer hides or restores a free-text answer.
func (s *Server) staffModerateAnswer(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	rid, err1 := strconv.ParseInt(c.Param("rid"), 10, 64)
	qid, err2 := strconv.ParseInt(c.Param("qid"), 10, 64)
	if err1 != nil || err2 != nil {
		s.fail(c, core.NotFound("error.answer_not_found"))
		return
	}
	hide := c.PostForm("action") == "hide"
	if err := s.store.SetTextAnswerHidden(c.Request.Context(), userOf(c).ID, k.ID, rid, qid, hide, strings.TrimSpace(c.PostForm("reason"))); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/consultations/"+strconv.FormatInt(k.ID, 10)+"/results#q"+strconv.FormatInt(qid, 10), "flash.answer_moderated")
}
