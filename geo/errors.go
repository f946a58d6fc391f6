package geo

import (
	"fmt"
	"strings"
)

// Error codes. Each names one thing a person can fix in their file.
const (
	ErrJSONSyntax       = "json_syntax"       // not JSON; Line, Column
	ErrNotGeoJSON       = "not_geojson"       // JSON, but no FeatureCollection/Feature/geometry
	ErrGeometryType     = "geometry_type"     // not a Polygon or MultiPolygon; Detail names the type
	ErrCoordinates      = "coordinates"       // malformed coordinate arrays
	ErrRingTooShort     = "ring_too_short"    // fewer than 4 positions
	ErrRingUnclosed     = "ring_unclosed"     // first and last positions differ
	ErrOutOfRange       = "out_of_range"      // lon outside ±180 or lat outside ±90
	ErrAxisSwapped      = "axis_swapped"      // looks like lat/lon instead of lon/lat
	ErrProjected        = "projected"         // looks like metres (a projected CRS), not degrees
	ErrSelfIntersection = "self_intersection" // edges cross; Detail gives the point
	ErrEmpty            = "empty"             // no usable feature
	ErrTooLarge         = "too_large"         // over the size limit
	ErrEncoding         = "encoding"          // text not in the expected encoding; Line
	ErrHeader           = "header"            // CSV header not recognised
	ErrField            = "field"             // a CSV field is invalid; Line, Field
	ErrDuplicateID      = "duplicate_id"      // an official id appears twice; Line
	ErrArchive          = "archive"           // zip unreadable or truncated
	ErrFixedWidth       = "fixed_width"       // a fixed-width record is malformed; Line
)

// Error is a problem in input data, located as precisely as the format allows.
// Feature, Ring and Point count from 1; zero means "not applicable".
type Error struct {
	Code    string
	Feature int    // GeoJSON feature number
	Name    string // the feature's name, when it has one
	Ring    int
	Point   int
	Line    int // text line (CSV, fixed-width, JSON syntax)
	Column  int
	Field   string // CSV column or JSON member
	Detail  string // specifics, in English, for logs and the CLI
}

func (e *Error) Error() string {
	var where []string
	if e.Line > 0 {
		s := fmt.Sprintf("line %d", e.Line)
		if e.Column > 0 {
			s += fmt.Sprintf(", column %d", e.Column)
		}
		where = append(where, s)
	}
	if e.Feature > 0 {
		s := fmt.Sprintf("feature %d", e.Feature)
		if e.Name != "" {
			s += fmt.Sprintf(" (%s)", e.Name)
		}
		where = append(where, s)
	}
	if e.Ring > 0 {
		where = append(where, fmt.Sprintf("ring %d", e.Ring))
	}
	if e.Point > 0 {
		where = append(where, fmt.Sprintf("point %d", e.Point))
	}
	if e.Field != "" {
		where = append(where, "field "+e.Field)
	}
	msg := strings.ReplaceAll(e.Code, "_", " ")
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if len(where) == 0 {
		return msg
	}
	return strings.Join(where, ", ") + ": " + msg
}
