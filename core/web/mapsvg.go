package web

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// mapSVG is a map drawn on the server: outlines and address points in an
// equirectangular projection, scaled by cos(latitude) so shapes keep their look.
// It needs no JavaScript and no tiles; Leaflet draws over it when it can.
type mapSVG struct {
	ViewBox string
	Shapes  []svgShape
	Points  []svgPoint
	Empty   bool
}

type svgShape struct {
	D       string
	Exclude bool
	Label   string
}

type svgPoint struct{ X, Y string }

// maxDrawnPoints bounds the points drawn, to keep the page light.
const maxDrawnPoints = 5000

const svgWidth = 800.0

func newMapSVG(features []*geojson.Feature, points []orb.Point) mapSVG {
	var b orb.Bound
	first := true
	extend := func(bb orb.Bound) {
		if first {
			b, first = bb, false
		} else {
			b = b.Union(bb)
		}
	}
	for _, f := range features {
		extend(f.Geometry.Bound())
	}
	for _, p := range points {
		extend(orb.Bound{Min: p, Max: p})
	}
	if first {
		return mapSVG{Empty: true}
	}
	b = b.Pad(math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])*0.03 + 1e-4)
	k := math.Cos((b.Min[1] + b.Max[1]) / 2 * math.Pi / 180)
	scale := svgWidth / ((b.Max[0] - b.Min[0]) * k)
	height := (b.Max[1] - b.Min[1]) * scale
	project := func(p orb.Point) (float64, float64) {
		return (p[0] - b.Min[0]) * k * scale, (b.Max[1] - p[1]) * scale
	}
	m := mapSVG{ViewBox: fmt.Sprintf("0 0 %.0f %.0f", svgWidth, height)}
	for _, f := range features {
		var d strings.Builder
		var rings []orb.Ring
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			rings = g
		case orb.MultiPolygon:
			for _, p := range g {
				rings = append(rings, p...)
			}
		}
		for _, r := range rings {
			for i, p := range r {
				x, y := project(p)
				if i == 0 {
					fmt.Fprintf(&d, "M%.1f %.1f", x, y)
				} else {
					fmt.Fprintf(&d, "L%.1f %.1f", x, y)
				}
			}
			d.WriteString("Z")
		}
		exclude, _ := f.Properties["exclude"].(bool)
		label, _ := f.Properties["label"].(string)
		m.Shapes = append(m.Shapes, svgShape{D: d.String(), Exclude: exclude, Label: label})
	}
	for i, p := range points {
		if i == maxDrawnPoints {
			break
		}
		x, y := project(p)
		m.Points = append(m.Points, svgPoint{X: fmt.Sprintf("%.1f", x), Y: fmt.Sprintf("%.1f", y)})
	}
	return m
}
