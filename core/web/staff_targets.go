package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"quartier/core"
	"quartier/geo"
)

func (s *Server) staffTargets(c *gin.Context) {
	targets, err := s.store.Targets(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "staff_targets", map[string]any{"Targets": targets})
}

func targetName(raw string) (string, error) {
	name := strings.Join(strings.Fields(raw), " ")
	if name == "" || len([]rune(name)) > core.MaxTargetNameLen {
		return "", core.Invalid("name", "error.target_name")
	}
	return name, nil
}

func (s *Server) staffCreateTarget(c *gin.Context) {
	name, err := targetName(c.PostForm("name"))
	if err != nil {
		targets, _ := s.store.Targets(c.Request.Context())
		s.formPage(c, "staff_targets", err, map[string]string{"name": c.PostForm("name")}, map[string]any{"Targets": targets})
		return
	}
	t, err := s.store.SaveTarget(c.Request.Context(), userOf(c).ID, core.Target{Name: name})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/targets/"+strconv.FormatInt(t.ID, 10))
}

func (s *Server) loadTarget(c *gin.Context) (core.Target, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.target_not_found"))
		return core.Target{}, false
	}
	t, err := s.store.Target(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return core.Target{}, false
	}
	return t, true
}

// targetView is a target with its resolution, for the page and the exports.
type targetView struct {
	Target     core.Target
	Parts      []partView
	Resolution core.Resolution
	Ready      bool // the definition selects something (has an included part)
	Streets    []streetCountView
	Addresses  []core.Address // the first page of the list
	Outline    []*geojson.Feature
	SVG        mapSVG
}

type partView struct {
	N       int
	Part    core.TargetPart
	Label   string // what the part is, in words
	Exclude bool
}

type streetCountView struct {
	Street core.Street
	Count  int
}

// maxListed is how many addresses the page lists; the exports have them all.
const maxListed = 200

func (s *Server) resolveTarget(c *gin.Context, t core.Target, withAddresses bool) (targetView, error) {
	ctx := c.Request.Context()
	g, err := s.geography(ctx)
	if err != nil {
		return targetView{}, err
	}
	v := targetView{Target: t, Ready: t.Definition.Validate() == nil}
	streetIDs := []int64{}
	for _, p := range t.Definition.Parts {
		if p.Kind == core.PartStreet {
			streetIDs = append(streetIDs, p.StreetID)
		}
	}
	if v.Ready {
		v.Resolution = g.register.Resolve(t.Definition, g)
		for _, sc := range v.Resolution.SortedStreetCounts() {
			streetIDs = append(streetIDs, sc.StreetID)
		}
	}
	streets, err := s.store.StreetsByID(ctx, streetIDs)
	if err != nil {
		return targetView{}, err
	}
	lang := langOf(c)
	for i, p := range t.Definition.Parts {
		v.Parts = append(v.Parts, partView{N: i + 1, Part: p, Label: s.partLabel(lang, p, g, streets), Exclude: p.Exclude})
		if f := partFeature(p, g); f != nil {
			f.Properties["part"] = i + 1
			f.Properties["exclude"] = p.Exclude
			f.Properties["label"] = v.Parts[i].Label
			v.Outline = append(v.Outline, f)
		}
	}
	if v.Ready {
		for _, sc := range v.Resolution.SortedStreetCounts() {
			v.Streets = append(v.Streets, streetCountView{Street: streets[sc.StreetID], Count: sc.Count})
		}
		if withAddresses {
			ids := v.Resolution.IDs
			if len(ids) > maxListed && c.Query("all") == "" {
				ids = ids[:maxListed]
			}
			if v.Addresses, err = s.store.AddressesByID(ctx, ids); err != nil {
				return targetView{}, err
			}
		}
	}
	v.SVG = newMapSVG(v.Outline, g.register.Positions(v.Resolution.IDs))
	return v, nil
}

// partFeature is a part's outline for maps; nil for streets (they have no shape).
func partFeature(p core.TargetPart, g *geography) *geojson.Feature {
	var geom orb.Geometry
	switch p.Kind {
	case core.PartArea:
		a, ok := g.areas[p.AreaID]
		if !ok {
			return nil
		}
		geom = a.Geometry
	case core.PartPolygon:
		geom = p.Polygon
	case core.PartBuffer:
		geom = geo.NewBuffer(p.Line, p.Metres).Outline()
	default:
		return nil
	}
	return geojson.NewFeature(geom)
}

func (s *Server) partLabel(lang core.Language, p core.TargetPart, g *geography, streets map[int64]core.Street) string {
	switch p.Kind {
	case core.PartArea:
		if a, ok := g.areas[p.AreaID]; ok {
			return s.catalog.T(lang, "kind."+string(a.Kind)) + " " + a.Name
		}
		return s.catalog.T(lang, "target.part_area_gone")
	case core.PartStreet:
		st := streets[p.StreetID]
		label := st.Name + " (" + st.Locality + ")"
		if p.FromNumber > 0 || p.ToNumber > 0 {
			to := "…"
			if p.ToNumber > 0 {
				to = strconv.Itoa(p.ToNumber)
			}
			label += ", " + s.catalog.T(lang, "target.numbers", "from", max(p.FromNumber, 1), "to", to)
		}
		if p.Parity != core.BothSides {
			label += ", " + s.catalog.T(lang, "target.side_"+string(p.Parity))
		}
		return label
	case core.PartPolygon:
		return s.catalog.T(lang, "target.part_polygon", "points", len(p.Polygon[0])-1)
	case core.PartBuffer:
		return s.catalog.T(lang, "target.part_buffer", "metres", strconv.FormatFloat(p.Metres, 'f', -1, 64), "points", len(p.Line))
	}
	return string(p.Kind)
}

// staffTarget is the composer and the preview on one page.
func (s *Server) staffTarget(c *gin.Context) {
	t, ok := s.loadTarget(c)
	if !ok {
		return
	}
	s.renderTarget(c, http.StatusOK, t, nil, nil)
}

func (s *Server) renderTarget(c *gin.Context, status int, t core.Target, formErr error, form map[string]string) {
	v, err := s.resolveTarget(c, t, true)
	if err != nil {
		s.fail(c, err)
		return
	}
	g, err := s.geography(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	var streets []core.Street
	if q := strings.TrimSpace(c.Query("street_q")); q != "" {
		if streets, err = s.store.SearchStreets(c.Request.Context(), q, 30); err != nil {
			s.fail(c, err)
			return
		}
	}
	outline, _ := json.Marshal(geojson.FeatureCollection{Type: "FeatureCollection", Features: v.Outline})
	data := map[string]any{"View": v, "Areas": g.ordered, "StreetQuery": c.Query("street_q"), "StreetResults": streets,
		"OutlineJSON": string(outline), "Attribution": attributions(v, g)}
	if formErr != nil {
		s.formPage(c, "staff_target", formErr, form, data)
		return
	}
	s.render(c, status, "staff_target", data)
}

// attributions lists the licence credits of the areas shown.
func attributions(v targetView, g *geography) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range v.Target.Definition.Parts {
		if a, ok := g.areas[p.AreaID]; ok && p.Kind == core.PartArea && a.Attribution != "" && !seen[a.Attribution] {
			seen[a.Attribution] = true
			out = append(out, a.Attribution)
		}
	}
	return out
}

func (s *Server) staffRenameTarget(c *gin.Context) {
	t, ok := s.loadTarget(c)
	if !ok {
		return
	}
	name, err := targetName(c.PostForm("name"))
	if err != nil {
		s.renderTarget(c, http.StatusUnprocessableEntity, t, err, map[string]string{"name": c.PostForm("name")})
		return
	}
	t.Name = name
	s.saveTargetAndReturn(c, t)
}

func (s *Server) saveTargetAndReturn(c *gin.Context, t core.Target) {
	if _, err := s.store.SaveTarget(c.Request.Context(), userOf(c).ID, t); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/targets/"+strconv.FormatInt(t.ID, 10), "flash.target_saved")
}

// staffAddPart adds one part from the composer's forms.
func (s *Server) staffAddPart(c *gin.Context) {
	t, ok := s.loadTarget(c)
	if !ok {
		return
	}
	p, err := partFromForm(c)
	if err == nil {
		next := t
		next.Definition.Parts = append(append([]core.TargetPart(nil), t.Definition.Parts...), p)
		err = withoutEmptyProblem(next.Definition.Validate())
		if err == nil {
			s.saveTargetAndReturn(c, next)
			return
		}
	}
	form := map[string]string{}
	for _, k := range []string{"kind", "area_id", "street_id", "from", "to", "parity", "geojson", "metres", "mode"} {
		form[k] = c.PostForm(k)
	}
	s.renderTarget(c, http.StatusUnprocessableEntity, t, err, form)
}

// withoutEmptyProblem lets a draft target have only excluded parts while it is
// being composed; the preview says it selects nothing yet.
func withoutEmptyProblem(err error) error {
	var keep []error
	for _, p := range core.Problems(err) {
		if p.Key != "error.target_empty" {
			keep = append(keep, p)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return errors.Join(keep...)
}

func partFromForm(c *gin.Context) (core.TargetPart, error) {
	p := core.TargetPart{Kind: core.TargetPartKind(c.PostForm("kind")), Exclude: c.PostForm("mode") == "exclude"}
	atoi := func(field string) (int, error) {
		v := strings.TrimSpace(c.PostForm(field))
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, core.Invalid(field, "error.target_number_range")
		}
		return n, nil
	}
	switch p.Kind {
	case core.PartArea:
		id, err := strconv.ParseInt(c.PostForm("area_id"), 10, 64)
		if err != nil {
			return p, core.Invalid("area_id", "error.target_area_missing")
		}
		p.AreaID = id
	case core.PartStreet:
		id, err := strconv.ParseInt(c.PostForm("street_id"), 10, 64)
		if err != nil {
			return p, core.Invalid("street_id", "error.target_street_missing")
		}
		p.StreetID = id
		if p.FromNumber, err = atoi("from"); err != nil {
			return p, err
		}
		if p.ToNumber, err = atoi("to"); err != nil {
			return p, err
		}
		p.Parity = core.Parity(c.PostForm("parity"))
	case core.PartPolygon, core.PartBuffer:
		g, err := geojson.UnmarshalGeometry([]byte(c.PostForm("geojson")))
		if err != nil {
			return p, core.Invalid("geojson", "error.geojson_geometry")
		}
		switch v := g.Geometry().(type) {
		case orb.Polygon:
			if p.Kind != core.PartPolygon {
				return p, core.Invalid("geojson", "error.target_line")
			}
			p.Polygon = v
		case orb.LineString:
			if p.Kind != core.PartBuffer {
				return p, core.Invalid("geojson", "error.target_polygon")
			}
			p.Line = v
			m, err := parseNumber(c.PostForm("metres"))
			if err != nil {
				return p, core.Invalid("metres", "error.target_buffer")
			}
			p.Metres = m
		default:
			return p, core.Invalid("geojson", "error.geojson_geometry")
		}
	default:
		return p, core.Invalid("kind", "error.target_part_kind")
	}
	return p, nil
}

func (s *Server) staffRemovePart(c *gin.Context) {
	t, ok := s.loadTarget(c)
	if !ok {
		return
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 || n > len(t.Definition.Parts) {
		s.fail(c, core.NotFound("error.target_part_not_found"))
		return
	}
	parts := append([]core.TargetPart(nil), t.Definition.Parts[:n-1]...)
	t.Definition.Parts = append(parts, t.Definition.Parts[n:]...)
	s.saveTargetAndReturn(c, t)
}
