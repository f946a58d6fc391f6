package web

import (
	"bytes"
	"math"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// areaCount is what the indicators count in one area: the ideas placed in
// it, the registered residents whose home address is in it, and how many of
// them took part in the last 90 days.
type areaCount struct {
	Area      core.Area
	Ideas     int
	Residents int
	Active    int
}

// barChart is a bar chart drawn as SVG on the server (the table next to it
// carries the same numbers for screen readers and copying).
type barChart struct {
	Bars []bar
	Max  int
}

type bar struct {
	Label      string
	Value      int
	X, Y, W, H int
	LabelX     int
}

func newBarChart(labels []string, values []int) barChart {
	ch := barChart{Max: 1}
	for _, v := range values {
		ch.Max = max(ch.Max, v)
	}
	const width, height, gap = 720, 160, 6
	w := width/max(len(values), 1) - gap
	for i, v := range values {
		h := height * v / ch.Max
		x := i * (w + gap)
		ch.Bars = append(ch.Bars, bar{Label: labels[i], Value: v, X: x, Y: height - h, W: w, H: h, LabelX: x + w/2})
	}
	return ch
}

// rowChart is a horizontal bar chart, for categories whose names are too
// long to stand under a bar (channels, areas); drawn on the server like
// barChart, next to a table with the same numbers.
type rowChart struct {
	Rows   []chartRow
	Height int
}

type chartRow struct {
	Label        string // cut to rowLabelMax characters; the table has it whole
	Value        int
	Y, W, ValueX int
}

const rowLabelMax = 34

func newRowChart(labels []string, values []int) rowChart {
	const labelWidth, barMax, rowHeight = 230, 420, 26
	most := 1
	for _, v := range values {
		most = max(most, v)
	}
	ch := rowChart{Height: len(values) * rowHeight}
	for i, v := range values {
		label := labels[i]
		if r := []rune(label); len(r) > rowLabelMax {
			label = string(r[:rowLabelMax-1]) + "…"
		}
		w := barMax * v / most
		if v > 0 {
			w = max(w, 2)
		}
		ch.Rows = append(ch.Rows, chartRow{Label: label, Value: v, Y: i * rowHeight, W: w, ValueX: labelWidth + w + 6})
	}
	return ch
}

func (s *Server) indicators(c *gin.Context) (postgres.Indicators, []areaCount, error) {
	ctx := c.Request.Context()
	now := s.now()
	from := now.AddDate(0, -11, 0)
	ind, err := s.store.Indicators(ctx, from, now)
	if err != nil {
		return ind, nil, err
	}
	g, err := s.geography(ctx)
	if err != nil {
		return ind, nil, err
	}
	pts, err := s.store.IdeaPositions(ctx)
	if err != nil {
		return ind, nil, err
	}
	homes, err := s.store.ResidentHomes(ctx, now.AddDate(0, 0, -90))
	if err != nil {
		return ind, nil, err
	}
	counts := map[int64]*areaCount{}
	count := func(a core.Area) *areaCount {
		if counts[a.ID] == nil {
			counts[a.ID] = &areaCount{Area: a}
		}
		return counts[a.ID]
	}
	for _, p := range pts {
		for _, id := range g.index.Containing(p, nil) {
			count(g.areas[id]).Ideas++
		}
	}
	for _, h := range homes {
		for _, a := range g.areasAround(h.Address) {
			n := count(a)
			n.Residents++
			if h.Active {
				n.Active++
			}
		}
	}
	byArea := make([]areaCount, 0, len(counts))
	for _, n := range counts {
		byArea = append(byArea, *n)
	}
	sort.Slice(byArea, func(i, j int) bool {
		a, b := byArea[i], byArea[j]
		if a.Ideas != b.Ideas {
			return a.Ideas > b.Ideas
		}
		if a.Residents != b.Residents {
			return a.Residents > b.Residents
		}
		return a.Area.Name < b.Area.Name
	})
	return ind, byArea, nil
}

func (s *Server) staffIndicators(c *gin.Context) {
	ind, byArea, err := s.indicators(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var labels []string
	var ideas, active []int
	for _, m := range ind.Months {
		labels = append(labels, m.Month.Format("01/06"))
		ideas = append(ideas, m.Ideas)
		active = append(active, m.Active)
	}
	lang := langOf(c)
	var channelLabels []string
	var perChannel []int
	for _, ch := range ind.ByChannel { // the most contributions first
		channelLabels = append(channelLabels, s.catalog.T(lang, "channel."+ch.Channel))
		perChannel = append(perChannel, ch.Total())
	}
	var areaLabels []string
	var perArea []int
	for _, a := range byArea[:min(len(byArea), 15)] { // the most ideas first
		if a.Ideas == 0 {
			break
		}
		areaLabels = append(areaLabels, s.catalog.T(lang, "kind."+string(a.Area.Kind))+" "+a.Area.Name)
		perArea = append(perArea, a.Ideas)
	}
	s.render(c, http.StatusOK, "staff_indicators", map[string]any{
		"Ind": ind, "ByArea": byArea, "IdeasChart": newBarChart(labels, ideas), "ActiveChart": newBarChart(labels, active),
		"ChannelChart": newRowChart(channelLabels, perChannel), "AreaChart": newRowChart(areaLabels, perArea),
		"OnTimePercent": percentOf(ind.OnTimeTotal, ind.AnsweredTotal), "MedianDays": int(math.Round(ind.MedianAnswerDays)),
	})
}

// percentOf is part of whole in whole percents (0 when whole is 0).
func percentOf(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return int(math.Round(100 * float64(part) / float64(whole)))
}

// staffIndicatorsCSV downloads the monthly figures, then the totals by channel and by area.
func (s *Server) staffIndicatorsCSV(c *gin.Context) {
	ind, byArea, err := s.indicators(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := langOf(c)
	t := func(k string) string { return s.catalog.T(lang, k) }
	rows := [][]any{{t("indicators.month"), t("indicators.ideas"), t("indicators.registered"), t("indicators.active"), t("indicators.taken_up"),
		t("indicators.realised"), t("indicators.answered"), t("indicators.on_time")}}
	for _, m := range ind.Months {
		rows = append(rows, []any{m.Month.Format("2006-01"), m.Ideas, m.Registered, m.Active, m.TakenUp, m.Realised, m.Answered, m.OnTime})
	}
	rows = append(rows, nil, []any{t("indicators.channel"), t("indicators.ideas"), t("indicators.supports"), t("indicators.comments"), t("indicators.responses")})
	for _, ch := range ind.ByChannel {
		rows = append(rows, []any{ch.Channel, ch.Ideas, ch.Supports, ch.Comments, ch.Responses})
	}
	rows = append(rows, nil, []any{t("indicators.area"), t("indicators.area_ideas"), t("indicators.area_residents"), t("indicators.area_active")})
	for _, a := range byArea {
		rows = append(rows, []any{t("kind."+string(a.Area.Kind)) + " " + a.Area.Name, a.Ideas, a.Residents, a.Active})
	}
	var buf bytes.Buffer
	writeCSV(&buf, rows)
	c.Header("Content-Disposition", `attachment; filename="quartier-indicators-`+s.now().Format("2006-01-02")+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
