package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Feature is one area read from GeoJSON: a Polygon or MultiPolygon with the
// feature's properties exactly as they were.
type Feature struct {
	Number     int // 1-based position in the file
	Geometry   orb.MultiPolygon
	Properties map[string]any
}

// ReadOptions tune ReadFeatures.
type ReadOptions struct {
	MaxBytes int64 // 0 means 64 MiB
	// Region is where coordinates are expected; positions outside it that would fall
	// inside with the axes swapped are reported as ErrAxisSwapped. Empty: no check.
	Region orb.Bound
}

// Benelux is the region Quartier expects its data in (with a margin).
var Benelux = orb.Bound{Min: orb.Point{2.0, 49.0}, Max: orb.Point{7.7, 54.0}}

// InBenelux reports whether p is a position inside Benelux: finite numbers
// within its bounds. (orb's Bound.Contains alone lets NaN through, as every
// comparison with NaN is false; strconv.ParseFloat reads "NaN" and "Inf".)
func InBenelux(p orb.Point) bool { return Finite(p) && Benelux.Contains(p) }

// Finite reports whether both coordinates of p are numbers, neither NaN nor
// infinite.
func Finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

type rawGeoJSON struct {
	Type       string            `json:"type"`
	Features   []json.RawMessage `json:"features"`
	Geometry   json.RawMessage   `json:"geometry"`
	Properties map[string]any    `json:"properties"`
	Coords     json.RawMessage   `json:"coordinates"`
}

// ReadFeatures reads a GeoJSON FeatureCollection, a Feature or a bare Polygon or
// MultiPolygon and validates every polygon. It returns all features, or the
// problems found (every one, up to 50), as errors joined with errors.Join.
func ReadFeatures(r io.Reader, opts ReadOptions) ([]Feature, error) {
	max := opts.MaxBytes
	if max <= 0 {
		max = 64 << 20
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read GeoJSON: %w", err)
	}
	if int64(len(data)) > max {
		return nil, &Error{Code: ErrTooLarge, Detail: fmt.Sprintf("more than %d bytes", max)}
	}
	var top rawGeoJSON
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, jsonError(data, err)
	}
	var raws []rawGeoJSON
	switch top.Type {
	case "FeatureCollection":
		for i, f := range top.Features {
			var rf rawGeoJSON
			if err := json.Unmarshal(f, &rf); err != nil {
				return nil, &Error{Code: ErrNotGeoJSON, Feature: i + 1, Detail: "feature is not an object"}
			}
			raws = append(raws, rf)
		}
	case "Feature":
		raws = []rawGeoJSON{top}
	case "Polygon", "MultiPolygon":
		raw, _ := json.Marshal(map[string]any{"type": top.Type, "coordinates": top.Coords})
		raws = []rawGeoJSON{{Type: "Feature", Geometry: raw}}
	case "":
		return nil, &Error{Code: ErrNotGeoJSON, Detail: `no "type" member`}
	default:
		return nil, &Error{Code: ErrGeometryType, Detail: top.Type}
	}
	var out []Feature
	var problems []error
	for i, rf := range raws {
		f, err := decodeFeature(i+1, rf, opts.Region)
		if err != nil {
			problems = append(problems, err)
			if len(problems) >= 50 {
				break
			}
			continue
		}
		out = append(out, f)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	if len(out) == 0 {
		return nil, &Error{Code: ErrEmpty, Detail: "the file has no features"}
	}
	return out, nil
}

// jsonError locates a JSON syntax error by line and column.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var off int64
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
		e := &Error{Code: ErrNotGeoJSON, Field: typ.Field, Detail: "unexpected " + typ.Value}
		e.Line, e.Column = lineColumn(data, off)
		return e
	default:
		return &Error{Code: ErrJSONSyntax, Detail: err.Error()}
	}
	e := &Error{Code: ErrJSONSyntax, Detail: err.Error()}
	e.Line, e.Column = lineColumn(data, off)
	return e
}

func lineColumn(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// featureName finds a human name among common property keys, for messages.
func featureName(props map[string]any) string {
	for _, k := range []string{"NAME", "name", "Name", "COMMUNE", "commune", "NOM", "nom", "LAU2", "ID", "id"} {
		if v, ok := props[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
	}
	return ""
}

func decodeFeature(n int, rf rawGeoJSON, region orb.Bound) (Feature, error) {
	name := featureName(rf.Properties)
	fail := func(e *Error) (Feature, error) {
		e.Feature, e.Name = n, name
		return Feature{}, e
	}
	if rf.Type != "Feature" {
		return fail(&Error{Code: ErrNotGeoJSON, Detail: fmt.Sprintf("type %q where a Feature was expected", rf.Type)})
	}
	var g struct {
		Type   string          `json:"type"`
		Coords json.RawMessage `json:"coordinates"`
	}
	if len(rf.Geometry) == 0 || string(rf.Geometry) == "null" {
		return fail(&Error{Code: ErrGeometryType, Detail: "no geometry"})
	}
	if err := json.Unmarshal(rf.Geometry, &g); err != nil {
		return fail(&Error{Code: ErrNotGeoJSON, Detail: "geometry is not an object"})
	}
	var mp orb.MultiPolygon
	switch g.Type {
	case "Polygon":
		var c [][][]float64
		if err := json.Unmarshal(g.Coords, &c); err != nil {
			return fail(&Error{Code: ErrCoordinates, Detail: "Polygon coordinates must be an array of rings of [lon, lat] positions"})
		}
		mp = orb.MultiPolygon{toPolygon(c)}
		if e := checkPositions(c, 0); e != nil {
			return fail(e)
		}
	case "MultiPolygon":
		var c [][][][]float64
		if err := json.Unmarshal(g.Coords, &c); err != nil {
			return fail(&Error{Code: ErrCoordinates, Detail: "MultiPolygon coordinates must be an array of polygons"})
		}
		ringBase := 0
		for _, p := range c {
			if e := checkPositions(p, ringBase); e != nil {
				return fail(e)
			}
			mp = append(mp, toPolygon(p))
			ringBase += len(p)
		}
	default:
		return fail(&Error{Code: ErrGeometryType, Detail: g.Type})
	}
	if e := ValidateMultiPolygon(mp, region); e != nil {
		return fail(e)
	}
	props := rf.Properties
	if props == nil {
		props = map[string]any{}
	}
	return Feature{Number: n, Geometry: mp, Properties: props}, nil
}

// checkPositions rejects positions that are not [lon, lat] or [lon, lat, alt] numbers.
func checkPositions(rings [][][]float64, ringBase int) *Error {
	if len(rings) == 0 {
		return &Error{Code: ErrCoordinates, Detail: "a polygon without rings"}
	}
	for i, ring := range rings {
		for j, pos := range ring {
			if len(pos) < 2 || len(pos) > 3 {
				return &Error{Code: ErrCoordinates, Ring: ringBase + i + 1, Point: j + 1, Detail: "a position must be [lon, lat]"}
			}
			if !Finite(orb.Point{pos[0], pos[1]}) {
				return &Error{Code: ErrCoordinates, Ring: ringBase + i + 1, Point: j + 1, Detail: "not a number"}
			}
		}
	}
	return nil
}

func toPolygon(rings [][][]float64) orb.Polygon {
	p := make(orb.Polygon, len(rings))
	for i, ring := range rings {
		r := make(orb.Ring, len(ring))
		for j, pos := range ring {
			r[j] = orb.Point{pos[0], pos[1]}
		}
		p[i] = r
	}
	return p
}

// FeatureCollectionJSON writes features as an RFC 7946 FeatureCollection.
func FeatureCollectionJSON(features []*geojson.Feature) ([]byte, error) {
	fc := geojson.NewFeatureCollection()
	fc.Features = features
	return fc.MarshalJSON()
}
